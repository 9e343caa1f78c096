package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/zonegis/zonegis/web"
)

// TestAppDistFresh checks that the committed bundle in dist/ was built
// from the sources beside it (build.mjs records their hash), so that a
// plain go build serves what src/ says. Rebuild with make web.
func TestAppDistFresh(t *testing.T) {
	names := []string{"package-lock.json", "build.mjs"}
	src, err := os.ReadDir("src")
	if err != nil {
		t.Fatal(err)
	}
	var srcNames []string
	for _, e := range src {
		srcNames = append(srcNames, e.Name())
	}
	slices.Sort(srcNames) // as JavaScript's default sort: these names are ASCII
	for _, n := range srcNames {
		names = append(names, "src/"+n)
	}
	h := sha256.New()
	for _, n := range names {
		b, err := os.ReadFile(filepath.FromSlash(n))
		if err != nil {
			t.Fatal(err)
		}
		h.Write([]byte(n + "\x00"))
		h.Write(b)
		h.Write([]byte("\x00"))
	}
	var info struct {
		SourceSHA256 string `json:"source_sha256"`
	}
	b, err := fs.ReadFile(web.Dist(), "build-info.json")
	if err != nil {
		t.Fatalf("dist/build-info.json: %v (run make web)", err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != info.SourceSHA256 {
		t.Errorf("web/dist was built from other sources (%s, now %s): run make web and commit web/dist", info.SourceSHA256, got)
	}
}

// TestAppDistComplete: index.html names a JS and a CSS bundle and an icon that exist,
// and loads nothing from another host.
func TestAppDistComplete(t *testing.T) {
	dist := web.Dist()
	html, err := fs.ReadFile(dist, "index.html")
	if err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(html), -1)
	if len(refs) != 3 {
		t.Fatalf("index.html refers to %v; want one script, one stylesheet and the icon", refs)
	}
	for _, r := range refs {
		if r[1] == "/favicon.ico" {
			r[1] = "assets/favicon.ico" // what the server answers there
		}
		if _, err := fs.Stat(dist, r[1]); err != nil {
			t.Errorf("index.html refers to %s: %v", r[1], err)
		}
	}
	if regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).Match(html) {
		t.Error("index.html loads something from another host")
	}
}
