package contracttest_test

// The spec's version and changelog (x-changelog at the end of openapi.yaml),
// and the check behind `make breaking`: every breaking change oasdiff finds
// since the previous release must be declared in the changelog, under a
// new major version.

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/mod/semver"

	groupme "github.com/groupme-go/groupme"
)

type changelogEntry struct {
	Version  string          `json:"version"`
	Date     string          `json:"date"`
	Changes  []string        `json:"changes"`
	Breaking []declaredBreak `json:"breaking"`
}

// declaredBreak accepts the breaking changes of check ID (oasdiff's id,
// such as response-media-type-removed) in the listed operations, each an
// operationId or "METHOD /path" (for an operation that no longer exists).
type declaredBreak struct {
	ID         string   `json:"id"`
	Operations []string `json:"operations"`
	Reason     string   `json:"reason"`
}

// oasdiffFinding is one item of `oasdiff breaking --format json`.
type oasdiffFinding struct {
	ID          string `json:"id"`
	Text        string `json:"text"`
	Level       int    `json:"level"` // 3 error (breaking), 2 warning (may break), 1 info
	Operation   string `json:"operation"`
	OperationID string `json:"operationId"`
	Path        string `json:"path"`
}

// A version is X.Y.Z with an optional pre-release; no leading "v", no build
// metadata (semver ignores it when ordering, so two entries could tie).
var versionRE = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$`)

// loadVersioned returns a spec's info.version and x-changelog.
func loadVersioned(t *testing.T, data []byte) (string, []changelogEntry) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatalf("loading the spec: %v", err)
	}
	if doc.Info == nil {
		t.Fatal("the spec has no info")
	}
	raw, ok := doc.Extensions["x-changelog"]
	if !ok {
		return doc.Info.Version, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		t.Fatalf("x-changelog: %v", err)
	}
	var entries []changelogEntry
	if err := json.Unmarshal(b, &entries); err != nil {
		t.Fatalf("x-changelog is not a list of {version, date, changes, breaking}: %v", err)
	}
	return doc.Info.Version, entries
}

// breakingBump reports whether going from old to new is a bump that may
// carry breaking changes: a new major version, or a new minor one in 0.x.
func breakingBump(old, new string) bool {
	o, n := "v"+old, "v"+new
	if semver.Major(o) == "v0" && semver.Major(n) == "v0" {
		return semver.Compare(semver.MajorMinor(n), semver.MajorMinor(o)) > 0
	}
	return semver.Compare(semver.Major(n), semver.Major(o)) > 0
}

func TestSpecVersionAndChangelog(t *testing.T) {
	t.Parallel()
	version, entries := loadVersioned(t, groupme.OpenAPI)
	if !versionRE.MatchString(version) {
		t.Fatalf("info.version %q is not a semantic version X.Y.Z", version)
	}
	if len(entries) == 0 {
		t.Fatal("openapi.yaml has no x-changelog")
	}
	if entries[0].Version != version {
		t.Errorf("the newest x-changelog entry is %q, info.version is %q: they must agree", entries[0].Version, version)
	}
	for i, e := range entries {
		where := fmt.Sprintf("x-changelog entry %d (%s)", i, e.Version)
		if !versionRE.MatchString(e.Version) {
			t.Errorf("%s: version is not X.Y.Z", where)
		}
		if _, err := time.Parse(time.DateOnly, e.Date); err != nil {
			t.Errorf("%s: date %q is not YYYY-MM-DD", where, e.Date)
		}
		if len(e.Changes) == 0 || slices.Contains(e.Changes, "") {
			t.Errorf("%s: changes is empty", where)
		}
		for _, b := range e.Breaking {
			if b.ID == "" || len(b.Operations) == 0 || strings.TrimSpace(b.Reason) == "" {
				t.Errorf("%s: a breaking declaration needs id, operations and reason: %+v", where, b)
			}
		}
		if i+1 == len(entries) {
			continue
		}
		older := entries[i+1]
		if semver.Compare("v"+e.Version, "v"+older.Version) <= 0 {
			t.Errorf("%s is not newer than the entry after it (%s): newest first", where, older.Version)
		}
		if e.Date < older.Date {
			t.Errorf("%s: date %s is before the older entry's %s", where, e.Date, older.Date)
		}
		if len(e.Breaking) > 0 && !breakingBump(older.Version, e.Version) {
			t.Errorf("%s declares breaking changes but is not a new major version after %s", where, older.Version)
		}
	}
}

func TestBreakingBump(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		old, new string
		want     bool
	}{
		{"1.0.0", "2.0.0", true},
		{"1.4.2", "1.5.0", false},
		{"1.4.2", "1.4.3", false},
		{"0.3.1", "0.4.0", true},
		{"0.3.1", "0.3.2", false},
		{"0.9.0", "1.0.0", true},
		{"2.0.0", "2.0.0", false},
	} {
		if got := breakingBump(tc.old, tc.new); got != tc.want {
			t.Errorf("breakingBump(%s, %s) = %v, want %v", tc.old, tc.new, got, tc.want)
		}
	}
}

// TestBreakingChangesDeclared is the check of `make breaking`, which sets
// GROUPME_BREAKING_BASE to the previous release's openapi.yaml (or the
// previous commit's), GROUPME_BREAKING_BASE_KIND to "release" or "commit",
// and GROUPME_BREAKING_REPORT to `oasdiff breaking --format json` from it
// to the current one. A release's version is closed: any breaking change
// after it needs a new version. A commit's version may still be open.
func TestBreakingChangesDeclared(t *testing.T) {
	basePath, reportPath := os.Getenv("GROUPME_BREAKING_BASE"), os.Getenv("GROUPME_BREAKING_REPORT")
	if basePath == "" || reportPath == "" {
		t.Skip("GROUPME_BREAKING_BASE and GROUPME_BREAKING_REPORT are not set; `make breaking` runs this test")
	}
	baseData, err := os.ReadFile(basePath)
	if err != nil {
		t.Fatal(err)
	}
	reportData, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	var findings []oasdiffFinding
	if err := json.Unmarshal(reportData, &findings); err != nil {
		t.Fatalf("reading oasdiff's report: %v", err)
	}
	baseVersion, _ := loadVersioned(t, baseData)
	version, entries := loadVersioned(t, groupme.OpenAPI)
	if !versionRE.MatchString(baseVersion) {
		// The previous release predates semantic versions: compare with 0.0.0.
		baseVersion = "0.0.0"
	}
	if semver.Compare("v"+version, "v"+baseVersion) < 0 {
		t.Fatalf("info.version went back from %s to %s", baseVersion, version)
	}
	if version == baseVersion && os.Getenv("GROUPME_BREAKING_BASE_KIND") != "release" {
		// The base is a commit, not a release, with the same version: that
		// version is not released yet and its changelog entry is still
		// open, so compare with the version before it.
		baseVersion = "0.0.0"
		for i, e := range entries {
			if e.Version == version && i+1 < len(entries) {
				baseVersion = entries[i+1].Version
			}
		}
		t.Logf("%s is not released yet: checking against %s, the version before it", version, baseVersion)
	}
	declared := func(f oasdiffFinding) bool {
		for _, e := range entries {
			if semver.Compare("v"+e.Version, "v"+baseVersion) <= 0 {
				continue
			}
			for _, b := range e.Breaking {
				if b.ID != f.ID {
					continue
				}
				for _, op := range b.Operations {
					if (f.OperationID != "" && op == f.OperationID) || op == f.Operation+" "+f.Path {
						return true
					}
				}
			}
		}
		return false
	}
	var undeclared []string
	breaking := 0
	for _, f := range findings {
		if f.Level < 3 {
			t.Logf("may break a client (not required in the changelog): [%s] %s %s: %s", f.ID, f.Operation, f.Path, f.Text)
			continue
		}
		breaking++
		if !declared(f) {
			op := f.OperationID
			if op == "" {
				op = f.Operation + " " + f.Path
			}
			undeclared = append(undeclared, fmt.Sprintf("[%s] %s (%s %s): %s", f.ID, op, f.Operation, f.Path, f.Text))
		}
	}
	if len(undeclared) > 0 {
		t.Errorf("%d breaking change(s) since %s that x-changelog does not declare:\n  %s\n"+
			"Either undo them, or bump info.version's major version and list each under `breaking` "+
			"of the new x-changelog entry (id, operations, reason).",
			len(undeclared), baseVersion, strings.Join(undeclared, "\n  "))
	}
	if breaking > 0 && !breakingBump(baseVersion, version) {
		t.Errorf("%d breaking change(s) since %s, but info.version %s is not a new major version", breaking, baseVersion, version)
	}
	if !t.Failed() {
		t.Logf("%d breaking change(s) since %s, all declared in x-changelog; version %s", breaking, baseVersion, version)
	}
}
