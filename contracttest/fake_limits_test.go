package contracttest

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
)

// zeros is an endless body.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// TestFakeRefusesHugeBodies: a body over the fake's limit is answered 413
// with GroupMe's envelope, whether its length is announced or it comes
// chunked; it is never cut to the limit and served.
func TestFakeRefusesHugeBodies(t *testing.T) {
	t.Parallel()
	srv := NewServer(t)
	for _, tc := range []struct {
		name   string
		length int64
	}{{"announced", maxBody + 1}, {"chunked", -1}} {
		t.Run(tc.name, func(t *testing.T) {
			body := io.LimitReader(zeros{}, maxBody+1<<20)
			req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.ImageURL+"/pictures", body)
			if err != nil {
				t.Fatal(err)
			}
			req.ContentLength = tc.length
			req.Header.Set("X-Access-Token", srv.Token)
			req.Header.Set("Content-Type", "image/jpeg")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				// The fake may close the connection while the client is
				// still sending; what matters is that it did not serve it.
				t.Logf("the fake closed the connection: %v", err)
				return
			}
			defer func() { _ = res.Body.Close() }()
			var env struct {
				Meta struct {
					Code   int
					Errors []string
				}
			}
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusRequestEntityTooLarge || json.Unmarshal(b, &env) != nil || env.Meta.Code != 413 || len(env.Meta.Errors) == 0 {
				t.Errorf("%d %s, want 413 with the envelope", res.StatusCode, b)
			}
		})
	}
}

// TestFakeImageStoreIsBounded: uploads that would take the store past its
// limit are refused with a reason, and what is stored stays under it.
func TestFakeImageStoreIsBounded(t *testing.T) {
	t.Parallel()
	srv := NewServer(t, func(c *config) { c.imageStore = 64 << 10 })
	refused := 0
	for i := range 20 {
		img := image.NewRGBA(image.Rect(0, 0, 64, 64))
		rng := rand.New(rand.NewPCG(uint64(i), 1))
		for p := range img.Pix {
			img.Pix[p] = byte(rng.Uint32()) // noise, so PNG does not squeeze it
		}
		img.Set(0, 0, color.RGBA{byte(i), 0, 0, 255})
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.ImageURL+"/pictures", &buf)
		req.Header.Set("X-Access-Token", srv.Token)
		req.Header.Set("Content-Type", "image/png")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		switch {
		case res.StatusCode == http.StatusOK:
		case res.StatusCode == http.StatusBadRequest && strings.Contains(string(b), "image store is full"):
			refused++
		default:
			t.Fatalf("upload %d: %d %s", i, res.StatusCode, b)
		}
	}
	srv.Fake.mu.Lock()
	stored := srv.Fake.st.imageBytes
	srv.Fake.mu.Unlock()
	if refused == 0 || stored > 64<<10 {
		t.Errorf("%d uploads refused, %d bytes stored; want refusals and at most %d bytes", refused, stored, 64<<10)
	}
	t.Logf("%d of 20 refused, %d bytes stored", refused, stored)
}
