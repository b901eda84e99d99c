package client

// The property test behind "what the spec accepts, the client must read":
// from every schema an answer may have (each operation's 2xx JSON body,
// the error envelope and the bot callback), it generates instances at the
// edges the spec allows, checks each against the spec with kin-openapi,
// and decodes it with the client's decoder into the Go type of that
// schema. A valid instance the Go type cannot hold fails the test: then
// either the Go type or the spec is wrong.

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/groupme-go/groupme/contracttest"
	"github.com/groupme-go/groupme/gen"
)

// schemaTypes maps each answer schema to its Go type.
var schemaTypes = map[string]func() any{
	"BlockBetweenEnvelope":            func() any { return new(gen.BlockBetweenEnvelope) },
	"BlockEnvelope":                   func() any { return new(gen.BlockEnvelope) },
	"BlockListEnvelope":               func() any { return new(gen.BlockListEnvelope) },
	"BotEnvelope":                     func() any { return new(gen.BotEnvelope) },
	"BotListEnvelope":                 func() any { return new(gen.BotListEnvelope) },
	"ChangeOwnersEnvelope":            func() any { return new(gen.ChangeOwnersEnvelope) },
	"ChatEnvelope":                    func() any { return new(gen.ChatEnvelope) },
	"ChatListEnvelope":                func() any { return new(gen.ChatListEnvelope) },
	"ContactImportBatchEnvelope":      func() any { return new(gen.ContactImportBatchEnvelope) },
	"DirectMessageCreatedEnvelope":    func() any { return new(gen.DirectMessageCreatedEnvelope) },
	"DirectMessageListEnvelope":       func() any { return new(gen.DirectMessageListEnvelope) },
	"DirectoryEnvelope":               func() any { return new(gen.DirectoryEnvelope) },
	"DirectoryMajorsEnvelope":         func() any { return new(gen.DirectoryMajorsEnvelope) },
	"DirectoryMembersEnvelope":        func() any { return new(gen.DirectoryMembersEnvelope) },
	"DirectoryMembershipEnvelope":     func() any { return new(gen.DirectoryMembershipEnvelope) },
	"EventCreatedEnvelope":            func() any { return new(gen.EventCreatedEnvelope) },
	"EventListEnvelope":               func() any { return new(gen.EventListEnvelope) },
	"EventResultEnvelope":             func() any { return new(gen.EventResultEnvelope) },
	"FileUploadStatus":                func() any { return new(gen.FileUploadStatus) },
	"GalleryPageEnvelope":             func() any { return new(gen.GalleryPageEnvelope) },
	"GroupEnvelope":                   func() any { return new(gen.GroupEnvelope) },
	"GroupJoinEnvelope":               func() any { return new(gen.GroupJoinEnvelope) },
	"GroupListEnvelope":               func() any { return new(gen.GroupListEnvelope) },
	"GroupPreviewEnvelope":            func() any { return new(gen.GroupPreviewEnvelope) },
	"ImageUploadResult":               func() any { return new(gen.ImageUploadResult) },
	"LeaderboardEnvelope":             func() any { return new(gen.LeaderboardEnvelope) },
	"MemberEnvelope":                  func() any { return new(gen.MemberEnvelope) },
	"MembersAddEnvelope":              func() any { return new(gen.MembersAddEnvelope) },
	"MembersResultsEnvelope":          func() any { return new(gen.MembersResultsEnvelope) },
	"MembershipApprovalEnvelope":      func() any { return new(gen.MembershipApprovalEnvelope) },
	"MembershipListEnvelope":          func() any { return new(gen.MembershipListEnvelope) },
	"MembershipMuteEnvelope":          func() any { return new(gen.MembershipMuteEnvelope) },
	"MembershipStatesEnvelope":        func() any { return new(gen.MembershipStatesEnvelope) },
	"MessageCreatedEnvelope":          func() any { return new(gen.MessageCreatedEnvelope) },
	"MessageListEnvelope":             func() any { return new(gen.MessageListEnvelope) },
	"PendingMembershipsEnvelope":      func() any { return new(gen.PendingMembershipsEnvelope) },
	"PinnedConversationsEnvelope":     func() any { return new(gen.PinnedConversationsEnvelope) },
	"PinnedDirectMessageListEnvelope": func() any { return new(gen.PinnedDirectMessageListEnvelope) },
	"PinnedMessageListEnvelope":       func() any { return new(gen.PinnedMessageListEnvelope) },
	"PollCreatedEnvelope":             func() any { return new(gen.PollCreatedEnvelope) },
	"PollListEnvelope":                func() any { return new(gen.PollListEnvelope) },
	"PollResultEnvelope":              func() any { return new(gen.PollResultEnvelope) },
	"ProfileAccountEnvelope":          func() any { return new(gen.ProfileAccountEnvelope) },
	"ProfileSharingEnvelope":          func() any { return new(gen.ProfileSharingEnvelope) },
	"PublicGroupListsEnvelope":        func() any { return new(gen.PublicGroupListsEnvelope) },
	"ReactionsEnvelope":               func() any { return new(gen.ReactionsEnvelope) },
	"ReadReceiptEnvelope":             func() any { return new(gen.ReadReceiptEnvelope) },
	"RelationshipListEnvelope":        func() any { return new(gen.RelationshipListEnvelope) },
	"SubgroupChangedEnvelope":         func() any { return new(gen.SubgroupChangedEnvelope) },
	"SubgroupEnvelope":                func() any { return new(gen.SubgroupEnvelope) },
	"SubgroupListEnvelope":            func() any { return new(gen.SubgroupListEnvelope) },
	"UploadJob":                       func() any { return new(gen.UploadJob) },
	"UserEnvelope":                    func() any { return new(gen.UserEnvelope) },
	"UserProfileEnvelope":             func() any { return new(gen.UserProfileEnvelope) },
	"VideoUploadStatus":               func() any { return new(gen.VideoUploadStatus) },
	"ErrorEnvelope":                   func() any { return new(gen.ErrorEnvelope) },
	"BotCallback":                     func() any { return new(gen.BotCallback) },
}

// instancesPerSchema is how many instances each answer schema gets.
const instancesPerSchema = 60

func TestAnswersAtTheSpecsEdgesDecode(t *testing.T) {
	t.Parallel()
	doc, err := contracttest.LoadSpec()
	if err != nil {
		t.Fatal(err)
	}
	schemas := map[string]*openapi3.SchemaRef{
		"ErrorEnvelope": doc.Components.Schemas["ErrorEnvelope"],
		"BotCallback":   doc.Components.Schemas["BotCallback"],
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code, r := range op.Responses.Map() {
				if !strings.HasPrefix(code, "2") || r.Value == nil {
					continue
				}
				mt := r.Value.Content.Get("application/json")
				if mt == nil || mt.Schema == nil {
					continue
				}
				name := strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
				if _, ok := schemaTypes[name]; !ok {
					t.Errorf("%s %s answers %s: add its Go type to schemaTypes", method, path, name)
					continue
				}
				schemas[name] = mt.Schema
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ref := schemas[name]
			seed := fnv.New64a()
			seed.Write([]byte(name))
			g := &instanceGen{rnd: rand.New(rand.NewPCG(1, seed.Sum64()))}
			valid := 0
			for i := range instancesPerSchema {
				text := g.value(ref.Value, 0)
				var v any
				if err := json.Unmarshal([]byte(text), &v); err != nil {
					t.Fatalf("instance %d is not JSON: %v\n%s", i, err, text)
				}
				if err := ref.Value.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors()); err != nil {
					if testing.Verbose() {
						t.Logf("instance %d is not valid against the spec, skipped: %.300v", i, err)
					}
					continue
				}
				valid++
				dst := schemaTypes[name]()
				if err := decodeBytes([]byte(text), dst); err != nil {
					t.Errorf("a valid %s does not decode into %T: %v\n%s", name, dst, err, text)
				}
			}
			if valid < instancesPerSchema/2 {
				t.Errorf("only %d of %d generated instances are valid against the spec: the generator misses something", valid, instancesPerSchema)
			}
		})
	}
}

// instanceGen writes random JSON text for a schema, choosing the edges
// the spec allows: integers written with an exponent or a zero fraction,
// ids as numbers or strings (through the unions that allow both), null
// where nullable, optional properties left out, unknown properties added,
// and union members the spec does not know (a `not` keyword).
type instanceGen struct {
	rnd *rand.Rand
}

const maxInstanceDepth = 12

func (g *instanceGen) value(s *openapi3.Schema, depth int) string {
	if s == nil {
		return "null"
	}
	if s.Nullable && g.rnd.IntN(4) == 0 {
		return "null"
	}
	if len(s.Enum) > 0 {
		b, _ := json.Marshal(s.Enum[g.rnd.IntN(len(s.Enum))])
		return string(b)
	}
	if len(s.OneOf) > 0 {
		return g.value(s.OneOf[g.rnd.IntN(len(s.OneOf))].Value, depth+1)
	}
	if len(s.AnyOf) > 0 {
		return g.value(s.AnyOf[g.rnd.IntN(len(s.AnyOf))].Value, depth+1)
	}
	if len(s.AllOf) > 0 {
		return g.object(s.AllOf, depth)
	}
	switch {
	case s.Type.Is("object") || len(s.Properties) > 0:
		return g.object(openapi3.SchemaRefs{{Value: s}}, depth)
	case s.Type.Is("array"):
		n := g.rnd.IntN(3)
		if s.MinItems > uint64(n) {
			n = int(s.MinItems)
		}
		if depth > maxInstanceDepth {
			n = int(s.MinItems)
		}
		parts := make([]string, n)
		for i := range parts {
			var item *openapi3.Schema
			if s.Items != nil {
				item = s.Items.Value
			}
			parts[i] = g.value(item, depth+1)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case s.Type.Is("integer"):
		return g.integer(s)
	case s.Type.Is("number"):
		return []string{"1.5", "2e-3", "12", "-0.25", "3.0E2"}[g.rnd.IntN(5)]
	case s.Type.Is("boolean"):
		return strconv.FormatBool(g.rnd.IntN(2) == 0)
	case s.Type.Is("string"):
		return g.str(s)
	}
	// No type: any JSON value.
	return []string{`"x"`, "7", "1.5e1", "true", `{"k":[1]}`}[g.rnd.IntN(5)]
}

func (g *instanceGen) integer(s *openapi3.Schema) string {
	lo, hi := int64(0), int64(1)<<31-1
	if s.Format == "int64" {
		hi = 1 << 40
	}
	if s.Min != nil {
		lo = int64(*s.Min)
	}
	if s.Max != nil {
		hi = int64(*s.Max)
	}
	n := lo
	if hi > lo {
		n = lo + g.rnd.Int64N(hi-lo+1)
	}
	switch g.rnd.IntN(4) {
	case 0: // 1.468360739e+09
		return strconv.FormatFloat(float64(n), 'e', -1, 64)
	case 1: // 12.0
		return strconv.FormatInt(n, 10) + ".0"
	default:
		return strconv.FormatInt(n, 10)
	}
}

func (g *instanceGen) str(s *openapi3.Schema) string {
	var v string
	switch {
	case s.Not != nil: // an open union's member the spec does not know
		v = "unknown_" + strconv.Itoa(g.rnd.IntN(1000))
	case s.Format == "date-time":
		v = "2016-07-12T21:45:39Z"
	case s.Format == "uri" || s.Format == "url":
		v = "https://i.groupme.com/1x1.png"
	case s.Pattern != "":
		v = patternSample(s.Pattern)
	default:
		v = []string{"", "x", "12345678", "héllo \u2028 <&>"}[g.rnd.IntN(4)]
	}
	if s.MinLength > uint64(len(v)) {
		v += strings.Repeat("a", int(s.MinLength)-len(v))
	}
	if s.MaxLength != nil && uint64(len(v)) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// patternSample is a string for the patterns the spec uses; an instance
// with another pattern is likely invalid and skipped.
func patternSample(p string) string {
	switch {
	case strings.Contains(p, "[0-9]{3}"):
		return "400"
	case strings.Contains(p, "[0-9]"):
		return "12345"
	}
	return "x"
}

func (g *instanceGen) object(parts openapi3.SchemaRefs, depth int) string {
	var b strings.Builder
	b.WriteByte('{')
	first := true
	add := func(name, val string) {
		if !first {
			b.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		b.WriteString(val)
	}
	open := true
	var extra *openapi3.Schema // what an unknown property holds, when the schema says
	for _, part := range parts {
		s := part.Value
		if s == nil {
			continue
		}
		if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
			open = false
		}
		if s.AdditionalProperties.Schema != nil {
			extra = s.AdditionalProperties.Schema.Value
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			required := slices.Contains(s.Required, name)
			if !required && (depth > maxInstanceDepth || g.rnd.IntN(3) == 0) {
				continue // an optional property left out
			}
			add(name, g.value(s.Properties[name].Value, depth+1))
		}
	}
	if open && g.rnd.IntN(2) == 0 {
		val := `{"nested":[1,"two",null,2.5e3]}`
		if extra != nil {
			val = g.value(extra, depth+1)
		}
		add(fmt.Sprintf("unknown_%d", g.rnd.IntN(100)), val)
	}
	b.WriteByte('}')
	return b.String()
}
