package client_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/groupme-go/groupme/client"
	"github.com/groupme-go/groupme/contracttest"
)

// TestRealAttachmentsReadAsTyped reads every message page of the real
// corpus into the generated types, and every attachment of every message
// as its typed value: a known type must decode through its accessor, any
// other type must come back as an UnknownAttachment with its JSON intact.
func TestRealAttachmentsReadAsTyped(t *testing.T) {
	t.Parallel()
	pages := client.CorpusMessagePages(t)
	var nPages, nMessages, nAttachments int
	kinds := map[string]int{}
	for key, body := range pages {
		var env struct {
			Response json.RawMessage `json:"response"`
		}
		if err := json.Unmarshal(body, &env); err != nil || len(env.Response) == 0 || env.Response[0] != '{' {
			continue
		}
		var msgs []client.Message
		switch {
		case strings.HasSuffix(key, "/messages") && strings.Contains(key, " GET "):
			var page client.MessageList
			if err := json.Unmarshal(env.Response, &page); err != nil {
				t.Errorf("%s: reading the page as client.MessageList: %v", key, err)
				continue
			}
			nPages++
			msgs = page.Messages
		case strings.HasSuffix(key, "/messages") && strings.Contains(key, " POST "):
			var created client.MessageCreated
			if err := json.Unmarshal(env.Response, &created); err != nil {
				t.Errorf("%s: reading the message as client.MessageCreated: %v", key, err)
				continue
			}
			msgs = []client.Message{created.Message}
		case strings.HasSuffix(key, "/direct_messages") && strings.Contains(key, " GET "):
			var page client.DirectMessageList
			if err := json.Unmarshal(env.Response, &page); err != nil {
				t.Errorf("%s: reading the page as client.DirectMessageList: %v", key, err)
				continue
			}
			nPages++
			for _, dm := range page.DirectMessages {
				msgs = append(msgs, client.Message{ID: dm.ID, Attachments: dm.Attachments})
			}
		case strings.Contains(key, "/likes") && strings.Contains(key, " GET "):
			var board client.Leaderboard
			if err := json.Unmarshal(env.Response, &board); err != nil {
				t.Errorf("%s: reading the leaderboard as client.Leaderboard: %v", key, err)
				continue
			}
			nPages++
			msgs = board.Messages
		case strings.HasSuffix(key, "/gallery") && strings.Contains(key, " GET "):
			var page client.GalleryPage
			if err := json.Unmarshal(env.Response, &page); err != nil {
				t.Errorf("%s: reading the gallery as client.GalleryPage: %v", key, err)
				continue
			}
			nPages++
			for _, g := range page.Messages {
				if g.Attachments != nil {
					msgs = append(msgs, client.Message{ID: g.ID, Attachments: *g.Attachments})
				}
			}
		case strings.Contains(key, " GET /v4/") && strings.Contains(key, "/messages/"):
			var shown client.MessageCreated
			if err := json.Unmarshal(env.Response, &shown); err != nil {
				t.Errorf("%s: reading the message as client.MessageCreated: %v", key, err)
				continue
			}
			msgs = []client.Message{shown.Message}
		default:
			continue
		}
		for _, m := range msgs {
			nMessages++
			for i, a := range m.Attachments {
				nAttachments++
				kind := a.Type()
				kinds[kind]++
				if kind == "" {
					t.Errorf("%s message %s attachment %d: no type in %s", key, m.ID, i, a.JSON())
					continue
				}
				v := a.Value()
				if u, ok := v.(client.UnknownAttachment); ok {
					if knownKinds[kind] {
						t.Errorf("%s message %s attachment %d: known type %q did not decode: %s", key, m.ID, i, kind, u.JSON)
					}
					continue
				}
				if !knownKinds[kind] {
					t.Errorf("%s message %s attachment %d: unknown type %q decoded as %T", key, m.ID, i, kind, v)
				}
			}
		}
	}
	if nPages == 0 || nAttachments == 0 {
		t.Fatalf("the corpus gave %d pages and %d attachments: nothing was tested", nPages, nAttachments)
	}
	t.Logf("%d message pages, %d messages, %d attachments read as typed values: %v", nPages, nMessages, nAttachments, kinds)
}

var knownKinds = map[string]bool{
	"image": true, "location": true, "split": true, "emoji": true, "mentions": true, "reply": true,
	"video": true, "file": true, "linked_image": true, "poll": true, "event": true, "copilot": true,
	"partial_image": true, "image_edited": true, "autokicked_member": true,
}

func attachmentOf(t *testing.T, js string) client.Attachment {
	t.Helper()
	var a client.Attachment
	if err := json.Unmarshal([]byte(js), &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestAttachmentAccessors(t *testing.T) {
	t.Parallel()
	// Old-era mentions: ids as numbers.
	m := attachmentOf(t, `{"type":"mentions","user_ids":[12345678,"23456789"],"loci":[[0,5],[6,4]]}`)
	if got := m.Type(); got != "mentions" {
		t.Errorf("kind = %q", got)
	}
	men, ok := m.AsMentions()
	if !ok || len(men.UserIDs) != 2 || string(men.UserIDs[0]) != "12345678" || string(men.UserIDs[1]) != "23456789" {
		t.Errorf("AsMentions = %+v, %v", men, ok)
	}
	if _, ok := m.AsImage(); ok {
		t.Error("AsImage accepted a mentions attachment")
	}
	// Old-era emoji: a string pack id, a triple.
	e := attachmentOf(t, `{"type":"emoji","placeholder":"\ufffd","charmap":[["2",17,27],[1,42]]}`)
	emo, ok := e.AsEmoji()
	if !ok || len(emo.Charmap) != 2 || len(emo.Charmap[0]) != 3 || emo.Charmap[0][0].String() != "2" || emo.Charmap[1][1].String() != "42" {
		t.Errorf("AsEmoji = %+v, %v", emo, ok)
	}
	// A type the spec does not list keeps its bytes.
	const hologram = `{"type":"hologram","depth":3,"url":"https://example.com/h?a=1&b=<2>"}`
	h := attachmentOf(t, hologram)
	if got := h.Type(); got != "hologram" {
		t.Errorf("kind = %q", got)
	}
	u, ok := h.Value().(client.UnknownAttachment)
	if !ok || u.Type != "hologram" || string(u.JSON) != hologram {
		t.Errorf("Value() = %#v", h.Value())
	}
	// A known type whose payload does not fit: no panic, no error, reported as unknown.
	bad := attachmentOf(t, `{"type":"location","name":"x","lat":40.7,"lng":-73.9}`)
	if _, ok := bad.AsLocation(); ok {
		t.Error("AsLocation accepted numeric coordinates")
	}
	if u, ok := bad.Value().(client.UnknownAttachment); !ok || u.Type != "location" {
		t.Errorf("(bad location).Value() = %#v", bad.Value())
	}
	// No type, not an object, nothing at all.
	for _, js := range []string{`{"url":"x"}`, `{"type":5}`, `[1,2]`, `null`} {
		if got := attachmentOf(t, js).Type(); got != "" {
			t.Errorf("(%s).Type() = %q, want empty", js, got)
		}
	}
	if got := (client.Attachment{}).Type(); got != "" {
		t.Errorf("zero.Type() = %q", got)
	}
	// AttachmentJSON is a copy.
	raw := h.JSON()
	raw[2] = 'X'
	if string(h.JSON()) != hologram {
		t.Error("changing AttachmentJSON's result changed the attachment")
	}
}

func TestAttachmentConstructors(t *testing.T) {
	t.Parallel()
	doc, err := contracttest.LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	schema := doc.Components.Schemas["Attachment"].Value
	for _, tc := range []struct {
		name string
		a    client.Attachment
		want string
	}{
		{"image", client.NewImageAttachment("https://i.groupme.com/640x480.jpeg.abc"),
			`{"type":"image","url":"https://i.groupme.com/640x480.jpeg.abc"}`},
		{"location", client.NewLocationAttachment("GroupMe HQ", 40.738206, -73.993285),
			`{"lat":"40.738206","lng":"-73.993285","name":"GroupMe HQ","type":"location"}`},
		{"mentions", client.NewMentionsAttachment(client.Mention{UserID: "1234", Start: 0, Length: 5}, client.Mention{UserID: "-1", Start: 6, Length: 4}),
			`{"loci":[[0,5],[6,4]],"type":"mentions","user_ids":["1234","-1"]}`},
		{"reply", client.NewReplyAttachment("175", "170"),
			`{"base_reply_id":"170","reply_id":"175","type":"reply"}`},
		{"emoji", client.NewEmojiAttachment("\ufffd", client.EmojiRef{PackID: 1, Index: 42}, client.EmojiRef{PackID: 2, Index: 34}),
			`{"charmap":[[1,42],[2,34]],"placeholder":"` + "\ufffd" + `","type":"emoji"}`},
	} {
		got := tc.a.JSON()
		var gotV, wantV any
		if err := json.Unmarshal(got, &gotV); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if err := json.Unmarshal([]byte(tc.want), &wantV); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gotV, wantV) {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
		if err := schema.VisitJSON(gotV, openapi3.MultiErrors()); err != nil {
			t.Errorf("%s: the spec rejects %s: %v", tc.name, got, err)
		}
		if tc.a.Type() != tc.name {
			t.Errorf("%s: kind %q", tc.name, tc.a.Type())
		}
		if _, unknown := tc.a.Value().(client.UnknownAttachment); unknown {
			t.Errorf("%s: does not read back as its typed value", tc.name)
		}
	}
}

// TestAttachmentMethodsMatchSpec: the Go union (gen/overlay.yaml lists the
// known attachment types for it) has one As method per type the spec's
// KnownAttachment maps, and no other, each returning that type's model.
func TestAttachmentMethodsMatchSpec(t *testing.T) {
	t.Parallel()
	doc, err := contracttest.LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	known := doc.Components.Schemas["KnownAttachment"].Value
	if known == nil || known.Discriminator == nil {
		t.Fatal("the spec's KnownAttachment has no discriminator")
	}
	typ := reflect.TypeFor[client.Attachment]()
	want := map[string]bool{}
	for value, ref := range known.Discriminator.Mapping {
		schema := ref.Ref[strings.LastIndex(ref.Ref, "/")+1:]
		method := "As" + strings.TrimSuffix(schema, "Attachment")
		want[method] = true
		m, ok := typ.MethodByName(method)
		if !ok {
			t.Errorf("type %q (%s) has no Attachment.%s method: add it to Attachment in gen/overlay.yaml", value, schema, method)
			continue
		}
		if got := m.Type.Out(0).Name(); got != schema {
			t.Errorf("Attachment.%s returns %s, want %s", method, got, schema)
		}
	}
	for i := range typ.NumMethod() {
		if name := typ.Method(i).Name; strings.HasPrefix(name, "As") && !want[name] {
			t.Errorf("Attachment.%s reads a type the spec's KnownAttachment does not map", name)
		}
	}
}
