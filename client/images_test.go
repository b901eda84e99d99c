package client

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
)

const uploadAnswer = `{"payload":{"url":"https://i.groupme.com/2x1.png.0123","picture_url":"https://i.groupme.com/2x1.png.0123"}}`

func TestUploadImage(t *testing.T) {
	t.Parallel()
	srv, rec := newServer(t, reply(200, uploadAnswer))
	c := newTestClient(t, srv)
	img := []byte("\x89PNG fake bytes")
	// io.MultiReader hides the concrete type: the body is streamed as is.
	got, err := c.UploadImage(t.Context(), io.MultiReader(bytes.NewReader(img)), "image/png")
	if err != nil {
		t.Fatal(err)
	}
	if got != "https://i.groupme.com/2x1.png.0123" {
		t.Errorf("url = %q", got)
	}
	r := rec.all()[0]
	if r.Method != "POST" || r.Path != "/img/pictures" || r.RawQuery != "" {
		t.Errorf("request = %s %s?%s", r.Method, r.Path, r.RawQuery)
	}
	if r.Header.Get("Content-Type") != "image/png" || r.Header.Get(tokenHeader) != testToken {
		t.Errorf("headers = %v", r.Header)
	}
	if !bytes.Equal(r.Body, img) {
		t.Errorf("body = %q", r.Body)
	}
}

func TestUploadImageFileSetsLengthAndDefaultType(t *testing.T) {
	t.Parallel()
	var length atomic.Int64
	srv, rec := newServer(t, func(w http.ResponseWriter, r *http.Request, _ seen) {
		length.Store(r.ContentLength)
		reply(200, uploadAnswer)(w, r, seen{})
	})
	c := newTestClient(t, srv)
	path := filepath.Join(t.TempDir(), "a.jpg")
	if err := os.WriteFile(path, []byte("skipJPEGDATA"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(4, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UploadImage(t.Context(), f, ""); err != nil {
		t.Fatal(err)
	}
	r := rec.all()[0]
	if string(r.Body) != "JPEGDATA" || length.Load() != 8 || r.Header.Get("Content-Type") != "image/jpeg" {
		t.Errorf("body %q, length %d, type %q", r.Body, length.Load(), r.Header.Get("Content-Type"))
	}
}

// TestUploadImageRetriesOnlySeekers: a seekable body is replayed after a
// 503; a plain reader is sent once.
func TestUploadImageRetriesOnlySeekers(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		var bodies []string
		tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, string(b))
			if calls.Add(1) == 1 {
				return fakeResponse(r, 503, "<html>busy</html>"), nil
			}
			return fakeResponse(r, 200, uploadAnswer), nil
		})
		c, _ := New(testToken, WithHTTPClient(&http.Client{Transport: tr}))
		if _, err := c.UploadImage(t.Context(), strings.NewReader("IMG"), "image/jpeg"); err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 2 || bodies[0] != "IMG" || bodies[1] != "IMG" {
			t.Errorf("seekable upload: %d calls, bodies %q", calls.Load(), bodies)
		}

		calls.Store(0)
		bodies = nil
		_, err := c.UploadImage(t.Context(), io.MultiReader(strings.NewReader("IMG")), "image/jpeg")
		if !errors.Is(err, ErrUnavailable) || calls.Load() != 1 {
			t.Errorf("plain reader: err %v after %d calls, want one 503", err, calls.Load())
		}
	})
}

func TestUploadImageBadAnswer(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"payload":{}}`, `{"payload":{"url":"ht`, ``} {
		srv, _ := newServer(t, reply(200, body))
		c := newTestClient(t, srv)
		_, err := c.UploadImage(t.Context(), strings.NewReader("x"), "")
		if de, ok := asType[*DecodeError](err); !ok || de.Operation != "UploadImage" {
			t.Errorf("body %q: err = %v, want a DecodeError", body, err)
		}
	}
}

func TestThumbnailURLs(t *testing.T) {
	t.Parallel()
	got := ThumbnailURLs("https://i.groupme.com/2x1.png.0123")
	want := Thumbnails{
		Preview: "https://i.groupme.com/2x1.png.0123.preview",
		Large:   "https://i.groupme.com/2x1.png.0123.large",
		Avatar:  "https://i.groupme.com/2x1.png.0123.avatar",
	}
	if got != want {
		t.Errorf("ThumbnailURLs = %+v", got)
	}
}
