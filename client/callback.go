package client

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
)

// Callback is what GroupMe POSTs to a bot's callback URL: one message of
// the bot's group, with no envelope.
type Callback = BotCallback

// CallbackOption tunes CallbackHandler.
type CallbackOption func(*callbackConfig)

type callbackConfig struct {
	maxBytes   int64
	skipBots   bool
	skipSystem bool
	skipIDs    []string
	verify     *callbackVerifier // VerifyCallbacks (callback_verify.go)
}

// DefaultCallbackMaxBytes is the largest callback body CallbackHandler
// reads unless CallbackMaxBytes says otherwise.
const DefaultCallbackMaxBytes = 1 << 20

// SkipBotMessages makes CallbackHandler acknowledge messages sent by bots
// (sender_type "bot", including the bot's own posts) without calling the
// function, so a bot cannot answer itself in a loop.
func SkipBotMessages() CallbackOption { return func(c *callbackConfig) { c.skipBots = true } }

// SkipSenders makes CallbackHandler acknowledge messages whose sender_id
// or user_id is one of ids without calling the function: a noisy user, or
// a bot's own id once seen. (GroupMe's callbacks for a bot's posts carry a
// sender_id that is not the bot_id, and the API does not show it before the
// bot posts; SkipBotMessages needs no id.)
func SkipSenders(ids ...string) CallbackOption {
	return func(c *callbackConfig) { c.skipIDs = append(c.skipIDs, ids...) }
}

// SkipSystemMessages makes CallbackHandler acknowledge system notices
// (system true, or sender_type "system" or "service") without calling the
// function.
func SkipSystemMessages() CallbackOption { return func(c *callbackConfig) { c.skipSystem = true } }

// CallbackMaxBytes sets the largest body CallbackHandler reads; a larger one
// is answered 413.
func CallbackMaxBytes(n int64) CallbackOption { return func(c *callbackConfig) { c.maxBytes = n } }

// CallbackHandler returns an http.Handler for a bot's callback URL. It
// decodes each POSTed message and calls fn with the request's context.
//
// Answers: 200 when fn returns nil (or the message is skipped); 405 for any
// method but POST; 415 for a Content-Type that is not JSON (application/json
// or any +json type, with or without parameters; a missing Content-Type is
// accepted); 413 for a body over the size limit; 400 for a body that is not
// a JSON object; 500 when fn returns an error, whose text is not sent.
// Unknown fields are ignored. GroupMe signs nothing: the URL is the secret,
// unless VerifyCallbacks is given (then 403 for a callback the API does not
// vouch for, 503 when the API cannot be asked).
func CallbackHandler(fn func(context.Context, Callback) error, opts ...CallbackOption) http.Handler {
	cfg := callbackConfig{maxBytes: DefaultCallbackMaxBytes}
	for _, o := range opts {
		o(&cfg)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "only POST", http.StatusMethodNotAllowed)
			return
		}
		if ct := r.Header.Get("Content-Type"); ct != "" && !isJSONMediaType(ct) {
			http.Error(w, "body must be JSON", http.StatusUnsupportedMediaType)
			return
		}
		var cb Callback
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, cfg.maxBytes))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		// One JSON object and nothing else: null, a list or trailing
		// bytes are not a message.
		if trimmed := bytes.TrimSpace(body); err != nil || len(trimmed) == 0 || trimmed[0] != '{' || decodeBytes(trimmed, &cb) != nil {
			http.Error(w, "body is not a JSON message", http.StatusBadRequest)
			return
		}
		if cfg.skipBots && cb.SenderType == "bot" ||
			cfg.skipSystem && (cb.System || cb.SenderType == "system" || cb.SenderType == "service") ||
			slices.Contains(cfg.skipIDs, cb.SenderID) || slices.Contains(cfg.skipIDs, cb.UserID) {
			w.WriteHeader(http.StatusOK)
			return
		}
		if cfg.verify != nil {
			verified, status := cfg.verify.check(r.Context(), cb)
			if status != 0 {
				http.Error(w, http.StatusText(status), status)
				return
			}
			cb = verified
		}
		if err := fn(r.Context(), cb); err != nil {
			http.Error(w, "callback failed", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

func isJSONMediaType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}
