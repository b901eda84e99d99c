package contracttest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	_ "image/gif" // decoders for uploads
	_ "image/jpeg"
	"image/png"
	"net/http"
	"strings"

	"github.com/groupme-go/groupme/gen"
)

// imagePathPrefix is where the fake serves uploaded images:
// /i/{width}x{height}.{format}.{32 hex}, optionally followed by one of the
// thumbnail suffixes .preview, .large or .avatar (which serve the same bytes).
const imagePathPrefix = "/i/"

// The fake keeps uploads in memory, so it bounds them: at most maxImages
// distinct images and maxImageStore bytes in all. An upload past either is
// refused (400, with the reason), never stored.
const (
	maxImages     = 10000
	maxImageStore = 256 << 20
)

func (f *Fake) uploadImage(c *call) {
	data := c.body
	if len(data) == 0 {
		src := c.query.Get("url")
		if src == "" {
			c.fail(http.StatusBadRequest, "send the image as the body, or its address as url")
			return
		}
		// The fake fetches nothing: an image of its own is copied, any other
		// address gets a 1x1 placeholder picture.
		data = placeholderPNG
		if i := strings.Index(src, imagePathPrefix); i >= 0 {
			if img, ok := f.st.images[trimThumb(src[i+len(imagePathPrefix):])]; ok {
				data = img.data
			}
		}
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		c.fail(http.StatusBadRequest, "the body is not a JPEG, PNG or GIF image")
		return
	}
	sum := sha256.Sum256(data)
	name := fmt.Sprintf("%dx%d.%s.%s", cfg.Width, cfg.Height, format, hex.EncodeToString(sum[:16]))
	if _, ok := f.st.images[name]; !ok {
		limit := f.cfg.imageStore
		if limit == 0 {
			limit = maxImageStore
		}
		if f.st.imageBytes+int64(len(data)) > limit || len(f.st.images) >= maxImages {
			c.fail(http.StatusBadRequest, fmt.Sprintf("the fake's image store is full (%d images, %d MB at most); restart the fake", maxImages, limit>>20))
			return
		}
		f.st.images[name] = storedImage{data: bytes.Clone(data), contentType: "image/" + format}
		f.st.imageBytes += int64(len(data))
	}
	base := f.cfg.publicURL
	if base == "" {
		scheme := "http"
		if c.r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + c.r.Host
	}
	var out gen.ImageUploadResult
	out.Payload.URL = base + imagePathPrefix + name
	out.Payload.PictureURL = out.Payload.URL
	// The image service does not use the envelope.
	b, _ := json.Marshal(out)
	c.res.set(http.StatusOK, "application/json; charset=utf-8", b)
}

func (f *Fake) serveImage(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	fault := f.pickFault("", true)
	img, ok := f.st.images[trimThumb(strings.TrimPrefix(r.URL.Path, imagePathPrefix))]
	f.mu.Unlock()
	if !ok {
		img, ok = seededImage(trimThumb(strings.TrimPrefix(r.URL.Path, imagePathPrefix)))
	}
	data := img.data
	if fault != nil {
		switch fault.Kind {
		case FaultLatency:
			f.cfg.sleep(r.Context(), fault.Latency)
		case FaultTruncated:
			data = data[:len(data)/2]
		default:
			f.writeFault(w, r, *fault, nil)
			return
		}
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", img.contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// trimThumb drops a thumbnail suffix from an image name.
func trimThumb(name string) string {
	for _, suffix := range []string{".preview", ".large", ".avatar"} {
		name = strings.TrimSuffix(name, suffix)
	}
	return name
}

// placeholderPNG is a 1x1 transparent PNG.
var placeholderPNG = func() []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, 1, 1)))
	return buf.Bytes()
}()
