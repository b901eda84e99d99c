package client

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/groupme-go/groupme/gen"
)

// TestDecodeReadsWholeNumbersWrittenOtherwise: an integer field reads any
// JSON number that is a whole number (the spec's integers accept them),
// and still refuses a fraction or a value that does not fit.
func TestDecodeReadsWholeNumbersWrittenOtherwise(t *testing.T) {
	t.Parallel()
	type doc struct {
		CreatedAt int64         `json:"created_at"`
		Count     int           `json:"count"`
		Small     int32         `json:"small"`
		Opt       *int64        `json:"opt"`
		ID        gen.ID        `json:"id"`
		At        gen.Timestamp `json:"at"`
		N         gen.Number    `json:"n"`
	}
	var got doc
	in := `{"created_at":1.468360739e+09,"count":12.0,"small":-2E3,"opt":1e0,"id":1.2345678E7,"at":1.5e9,"n":4.00}`
	if err := decodeBytes([]byte(in), &got); err != nil {
		t.Fatal(err)
	}
	if got.CreatedAt != 1468360739 || got.Count != 12 || got.Small != -2000 || got.Opt == nil || *got.Opt != 1 ||
		got.ID != "12345678" || got.At != 1500000000 || got.N.String() != "4" {
		t.Errorf("got %+v", got)
	}
	for _, bad := range []string{
		`{"created_at":1.5}`, `{"count":1e-3}`, `{"small":3e9}`, `{"created_at":1e19}`,
		`{"created_at":"12"}`, `{"id":1.5}`, `{"at":2.5e0}`, `{"n":0.1}`,
		`{"created_at":1.00000000000000000000000000000000000000000000001}`,
	} {
		var d doc
		if err := decodeBytes([]byte(bad), &d); err == nil {
			t.Errorf("%s: decoded to %+v, want an error", bad, d)
		}
	}
}

// TestAPIErrorReadsStringCode: a 2017 answer to a failed bot creation
// said "code": "400"; the error still carries the code and the messages.
func TestAPIErrorReadsStringCode(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"meta":{"code":"400","errors":["Name can't be blank"]},"response":null}`)
	}))
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/bots", strings.NewReader("{}"))
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	e := newAPIError("createBot", req, resp)
	if e.Code != 400 || len(e.Errors) != 1 || e.Errors[0] != "Name can't be blank" {
		t.Errorf("got code %d errors %q", e.Code, e.Errors)
	}
}
