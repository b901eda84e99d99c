package client

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/groupme-go/groupme/gen"
)

// What a bot needs to answer the callbacks CallbackHandler hands it: long
// texts split into posts GroupMe accepts, replies with the reply
// attachment and a mention of the sender, images, and routing by command.

// MaxTextLength is the most characters GroupMe accepts in the text of one
// message or bot post.
const MaxTextLength = 1000

// TextLength is the length of s in UTF-16 code units, the unit of mention
// loci: GroupMe's clients count an emoji outside the Basic Multilingual
// Plane (🦊) as 2, an accented letter (é) as 1. (Real messages show it: in
// "😷😷😷 @Name …" the mention starts at 7, not 4 or 13.) It is also never
// less than the number of characters, so a text of at most MaxTextLength
// units is accepted whether GroupMe counts characters or UTF-16 units.
func TextLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// SplitText cuts text into parts of at most max UTF-16 code units each
// (MaxTextLength when max < 1), for GroupMe's limit on one message. It cuts
// at the last line break in the second half of the room, else at the last
// white space (white space just past the room counts: a part that fills the
// room to the end of a word ends there), and drops the white space where
// it cuts; a word longer than max is cut between characters, never inside
// a UTF-8 sequence or a surrogate pair, and not before a combining mark, a
// zero-width joiner or a variation selector when it can help it. Text that fits is returned as
// is; an empty text gives no parts.
func SplitText(text string, max int) []string {
	if max < 1 {
		max = MaxTextLength
	}
	var parts []string
	for TextLength(text) > max {
		cut, lastSpace, lastBreak, units := 0, -1, -1, 0
		for i, r := range text {
			w := utf16.RuneLen(r)
			if w < 0 {
				w = 1 // an invalid byte travels as U+FFFD
			}
			if units+w > max {
				break
			}
			units += w
			_, size := utf8.DecodeRuneInString(text[i:])
			cut = i + size
			if r == '\n' && units > max/2 {
				lastBreak = i
			}
			if unicode.IsSpace(r) && i > 0 {
				lastSpace = i
			}
		}
		if cut == 0 {
			// max is 1 and the first character takes 2 units: it goes
			// alone, over max, rather than never.
			_, cut = utf8.DecodeRuneInString(text)
		}
		// The cut itself is the best place when white space follows it:
		// the part then fills the room. A line break there beats one
		// before it, any white space there beats one before it.
		next, _ := utf8.DecodeRuneInString(text[cut:])
		var at int
		switch {
		case next == '\n':
			at = cut
		case lastBreak > 0:
			at = lastBreak
		case unicode.IsSpace(next):
			at = cut
		case lastSpace > 0:
			at = lastSpace
		default:
			at = backOffJoiners(text, cut)
		}
		if part := strings.TrimRightFunc(text[:at], unicode.IsSpace); part != "" {
			parts = append(parts, part)
		}
		text = strings.TrimLeftFunc(text[at:], unicode.IsSpace)
	}
	if text != "" {
		parts = append(parts, text)
	}
	return parts
}

// backOffJoiners moves a cut at byte cut of s back so that the next part
// does not start with a mark that belongs to the previous character, by at
// most a few characters; it returns cut when that does not help.
func backOffJoiners(s string, cut int) int {
	at := cut
	for range 8 {
		next, _ := utf8.DecodeRuneInString(s[at:])
		prev, size := utf8.DecodeLastRuneInString(s[:at])
		if !joins(next) && prev != '\u200d' {
			return at
		}
		if at-size <= 0 {
			break
		}
		at -= size
	}
	return cut
}

func joins(r rune) bool {
	return unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Variation_Selector, r) ||
		r == '\u200d' || (r >= 0x1F3FB && r <= 0x1F3FF) // emoji skin tones
}

// Say posts text as the bot botID, split by SplitText into as many posts
// as it takes, in order; attachments go with the first post. It stops at
// the first post that fails. Each post is one POST /bots/post, not retried
// (see Client.PostBotMessage).
func (b *BotPoster) Say(ctx context.Context, botID, text string, attachments ...Attachment) error {
	return b.c.botSay(ctx, botID, text, attachments)
}

func (c *Client) botSay(ctx context.Context, botID, text string, attachments []Attachment) error {
	parts := SplitText(text, MaxTextLength)
	if len(parts) == 0 {
		parts = []string{""} // attachments only
	}
	for i, p := range parts {
		msg := BotPostRequest{BotID: botID, Text: p}
		if i == 0 && len(attachments) > 0 {
			atts := append([]Attachment(nil), attachments...)
			msg.Attachments = &atts
		}
		if err := c.PostBotMessage(ctx, msg); err != nil {
			if len(parts) > 1 {
				return fmt.Errorf("part %d of %d of the bot's text: %w", i+1, len(parts), err)
			}
			return err
		}
	}
	return nil
}

// ReplyOption tunes BotPoster.Reply.
type ReplyOption func(*replyConfig)

type replyConfig struct{ mention bool }

// MentionSender makes Reply start its text with "@" and the sender's name
// and mention the sender there (GroupMe notifies them). Only senders of
// type "user" are mentioned.
func MentionSender() ReplyOption { return func(c *replyConfig) { c.mention = true } }

// Reply posts text as the bot botID in answer to the message to: the first
// post carries a reply attachment pointing at to (and at the first message
// of its thread when to is itself a reply) and, with MentionSender, a
// mention of its sender. A long text is split as by Say.
func (b *BotPoster) Reply(ctx context.Context, botID string, to Callback, text string, opts ...ReplyOption) error {
	var cfg replyConfig
	for _, o := range opts {
		o(&cfg)
	}
	text, atts := ReplyContent(to, text, cfg.mention)
	return b.c.botSay(ctx, botID, text, atts)
}

// ReplyContent is what Reply posts: the text (with "@Name " in front when
// mention is set and to was sent by a user) and the attachments of the
// first post: a reply to to, and the mention, whose locus counts UTF-16
// code units (see TextLength).
func ReplyContent(to Callback, text string, mention bool) (string, []Attachment) {
	base := to.ID
	for _, a := range to.Attachments {
		if r, ok := a.AsReply(); ok && r.BaseReplyID != "" {
			base = r.BaseReplyID
		}
	}
	id, author := to.ID, to.UserID
	atts := []Attachment{newAttachment(ReplyAttachment{Type: gen.ReplyAttachmentTypeReply, ReplyID: &id, BaseReplyID: base, UserID: &author})}
	if mention && to.SenderType == "user" && to.Name != "" {
		at := "@" + to.Name
		if TextLength(at) < MaxTextLength/2 {
			text = at + " " + text
			atts = append(atts, NewMentionsAttachment(Mention{UserID: to.UserID, Start: 0, Length: TextLength(at)}))
		}
	}
	return text, atts
}

// PostBotImage uploads image through the image service (UploadImage: the
// image service takes a user's token, which BotPoster does not have) and
// posts it as the bot botID with text, as an image attachment (split as by
// Say when text is long).
func (c *Client) PostBotImage(ctx context.Context, botID, text string, image io.Reader, contentType string) error {
	url, err := c.UploadImage(ctx, image, contentType)
	if err != nil {
		return err
	}
	return c.botSay(ctx, botID, text, []Attachment{NewImageAttachment(url)})
}

// BotCommands routes callbacks by the first word of their text ("!ping"):
// the function of that word gets the callback and the rest of the text,
// trimmed. Messages with no such word are acknowledged and dropped, unless
// the key "" holds a function for them. Use its Handle method as
// CallbackHandler's function.
type BotCommands map[string]func(ctx context.Context, cb Callback, args string) error

// Handle calls the function of cb's command.
func (m BotCommands) Handle(ctx context.Context, cb Callback) error {
	text := ""
	if cb.Text != nil {
		text = strings.TrimSpace(*cb.Text)
	}
	word, args, _ := strings.Cut(text, " ")
	if i := strings.IndexFunc(word, unicode.IsSpace); i >= 0 { // a tab or a line break
		word, args = word[:i], word[i:]+" "+args
	}
	if fn := m[word]; fn != nil && word != "" {
		return fn(ctx, cb, strings.TrimSpace(args))
	}
	if fn := m[""]; fn != nil {
		return fn(ctx, cb, text)
	}
	return nil
}
