package client_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/groupme-go/groupme/client"
)

// shareTokenOf turns on c's profile share link and returns its token.
func shareTokenOf(t *testing.T, c *client.Client) string {
	t.Helper()
	s, err := c.Unofficial().SetProfileSharing(t.Context(), true)
	if err != nil {
		t.Fatal(err)
	}
	return (*s.ShareURL)[strings.LastIndex(*s.ShareURL, "/")+1:]
}

func TestUnofficialContacts(t *testing.T) {
	t.Parallel()
	srv, me, other, _ := unofficialServer(t)
	ctx := t.Context()
	ds := srv.Dataset
	if err := me.Unofficial().CreateRelationship(ctx, ds.Users[1].ID, "wrong"); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("a wrong share token: %v, want ErrNotFound", err)
	}
	if err := me.Unofficial().CreateRelationship(ctx, ds.Users[1].ID, shareTokenOf(t, other)); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{2, 3} {
		if err := me.Unofficial().CreateRelationship(ctx, ds.Users[i].ID, shareTokenOf(t, e2eClient(t, srv, ds.Users[i].Token))); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for r, err := range me.Unofficial().ListRelationshipsIter(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.UserID)
	}
	if want := []string{ds.Users[1].ID, ds.Users[2].ID, ds.Users[3].ID}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("ListRelationshipsIter = %v, want %v (the fake answers pages of 2)", got, want)
	}
	first, err := me.Unofficial().ListRelationships(ctx, nil)
	if err != nil || len(first) != 2 {
		t.Fatalf("ListRelationships = %v, %v", first, err)
	}
	rest, err := me.Unofficial().ListRelationships(ctx, &client.RelationshipsParams{Since: *first[1].CreatedAtISO8601})
	if err != nil || len(rest) != 1 || rest[0].UserID != ds.Users[3].ID {
		t.Errorf("the page after %s = %+v, %v", *first[1].CreatedAtISO8601, rest, err)
	}
	if _, err := me.CreateBlock(ctx, ds.Users[0].ID, ds.Users[2].ID); err != nil {
		t.Fatal(err)
	}
	got = nil
	for r, err := range me.Unofficial().ListRelationshipsIter(ctx, &client.RelationshipsParams{ExcludeBlocked: true}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, r.UserID)
	}
	if len(got) != 2 {
		t.Errorf("without the blocked contact: %v", got)
	}
	p, err := me.Unofficial().GetUser(ctx, ds.Users[1].ID, true)
	if err != nil {
		t.Fatal(err)
	}
	if p.User.ID != ds.Users[1].ID || p.Relationship == nil || p.SharedGroups == nil || len(*p.SharedGroups) == 0 {
		t.Errorf("GetUser(a contact sharing a group) = %+v", p)
	}
	if p, err = me.Unofficial().GetUser(ctx, ds.Users[4].ID, false); err != nil || p.Relationship != nil || p.SharedGroups != nil {
		t.Errorf("GetUser(a stranger, no shared groups) = %+v, %v", p, err)
	}
}

func TestUnofficialContactImport(t *testing.T) {
	t.Parallel()
	srv, me, _, _ := unofficialServer(t)
	ctx := t.Context()
	ds := srv.Dataset
	four, err := e2eClient(t, srv, ds.Users[4].Token).GetMe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	batch, err := me.Unofficial().ImportContacts(ctx, []client.ContactImport{
		{Name: client.Ptr("Four"), GUID: "G-4", PhoneNumber: *four.PhoneNumber},
		{GUID: "G-X", PhoneNumber: "+15555550000"},
	})
	if err != nil {
		t.Fatal(err)
	}
	found, err := me.Unofficial().GetContactImport(ctx, batch)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0].UserID != ds.Users[4].ID || found[0].GUID == nil || *found[0].GUID != "G-4" {
		t.Fatalf("GetContactImport = %+v", found)
	}
	if err := me.Unofficial().DeleteRelationship(ctx, ds.Users[4].ID); err != nil {
		t.Fatal(err)
	}
	if list, err := me.Unofficial().ListRelationships(ctx, nil); err != nil || len(list) != 0 {
		t.Errorf("ListRelationships after DeleteRelationship = %+v, %v", list, err)
	}
	if err := me.Unofficial().DeleteRelationship(ctx, ds.Users[4].ID); !errors.Is(err, client.ErrNotFound) {
		t.Errorf("removing twice: %v, want ErrNotFound", err)
	}
}
