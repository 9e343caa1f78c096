package export

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func readAll(t *testing.T, f *os.File) string {
	t.Helper()
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// names lists the files kept in dir (builds in progress excluded).
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// TestFilesBuildOnce: concurrent requests for one file build it once and
// all read the whole of it; a later request reads it without a build.
func TestFilesBuildOnce(t *testing.T) {
	fs := NewFiles(t.TempDir(), 0)
	var builds atomic.Int32
	write := func(w io.Writer) error {
		builds.Add(1)
		time.Sleep(50 * time.Millisecond) // long enough for the others to arrive
		_, err := io.WriteString(w, strings.Repeat("x", 100000))
		return err
	}
	var wg sync.WaitGroup
	got := make([]string, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := fs.Open(context.Background(), 7, "parcels?f=fgb", write)
			if err != nil {
				t.Error(err)
				return
			}
			got[i] = readAll(t, f)
		}()
	}
	wg.Wait()
	for i, g := range got {
		if len(g) != 100000 {
			t.Errorf("request %d read %d bytes", i, len(g))
		}
	}
	f, err := fs.Open(context.Background(), 7, "parcels?f=fgb", write)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, f)
	if n := builds.Load(); n != 1 {
		t.Errorf("%d builds, want 1", n)
	}
}

// TestFilesNoPartialFile: a build that fails leaves nothing behind, so
// the next request builds again rather than reading half a file.
func TestFilesNoPartialFile(t *testing.T) {
	dir := t.TempDir()
	fs := NewFiles(dir, 0)
	boom := errors.New("transform failed")
	_, err := fs.Open(context.Background(), 1, "k", func(w io.Writer) error {
		_, _ = io.WriteString(w, "half a file")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want the build's", err)
	}
	if n := names(t, dir); len(n) != 0 {
		t.Fatalf("a failed build left %v", n)
	}
	f, err := fs.Open(context.Background(), 1, "k", func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err })
	if err != nil || readAll(t, f) != "whole" {
		t.Fatalf("rebuild: %v", err)
	}
}

// TestFilesDropAndBound: a file of a newer index sequence drops the older
// ones; past the byte bound the least recently used go first, and a file
// larger than the bound alone is served but not kept.
func TestFilesDropAndBound(t *testing.T) {
	dir := t.TempDir()
	fs := NewFiles(dir, 250)
	put := func(seq int64, key string, n int) string {
		t.Helper()
		f, err := fs.Open(context.Background(), seq, key, func(w io.Writer) error {
			_, err := io.WriteString(w, strings.Repeat("y", n))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f.Name())
		if got := readAll(t, f); len(got) != n {
			t.Fatalf("%s: read %d bytes, want %d", key, len(got), n)
		}
		return name
	}
	a := put(1, "a", 100)
	b := put(1, "b", 100)
	if n := names(t, dir); len(n) != 2 {
		t.Fatalf("kept %v, want a and b", n)
	}
	c := put(2, "a", 100) // the data changed: seq 1 files go
	if n := names(t, dir); len(n) != 1 || n[0] != c || c == a {
		t.Fatalf("after seq 2: kept %v, want only %s", n, c)
	}
	d := put(2, "b", 100)
	time.Sleep(10 * time.Millisecond)
	put(2, "a", 100) // a used again: d is now the least recently used
	e := put(2, "c", 100)
	if n := names(t, dir); len(n) != 2 || n[0] == d || n[1] == d {
		t.Fatalf("over 250 bytes: kept %v, want %s dropped (least recently used)", n, d)
	}
	_ = b
	_ = e
	kept := names(t, dir)
	put(2, "big", 1000)
	if n := names(t, dir); len(n) != 2 || n[0] != kept[0] || n[1] != kept[1] {
		t.Fatalf("a file over the bound: kept %v, want %v as they were", n, kept)
	}
}

// TestFilesCloseRemovesOwnDir: a Files made without a directory builds in
// a temporary one of its own, which Close removes with its files; Open
// fails after Close. A directory given keeps its files on Close.
func TestFilesCloseRemovesOwnDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where os.MkdirTemp("") makes the Files' directory
	write := func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err }
	fs := NewFiles("", 0)
	f, err := fs.Open(context.Background(), 1, "k", write)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, f)
	if n := names(t, tmp); len(n) != 1 || !strings.HasPrefix(n[0], "zonegis-exports-") {
		t.Fatalf("TMPDIR holds %v, want the Files' one directory", n)
	}
	if err := fs.Close(); err != nil {
		t.Fatal(err)
	}
	if n := names(t, tmp); len(n) != 0 {
		t.Errorf("after Close, TMPDIR still holds %v", n)
	}
	if _, err := fs.Open(context.Background(), 1, "k", write); !errors.Is(err, ErrFilesClosed) {
		t.Errorf("Open after Close: %v, want ErrFilesClosed", err)
	}
	if n := names(t, tmp); len(n) != 0 {
		t.Errorf("Open after Close made %v", n)
	}

	dir := t.TempDir()
	given := NewFiles(dir, 0)
	f, err = given.Open(context.Background(), 1, "k", write)
	if err != nil {
		t.Fatal(err)
	}
	readAll(t, f)
	if err := given.Close(); err != nil {
		t.Fatal(err)
	}
	if n := names(t, dir); len(n) != 1 {
		t.Errorf("a given directory after Close holds %v, want its one file", n)
	}
}

// TestFilesStaleBuildsRemoved: NewFiles on a directory given deletes the
// partial files a crashed build left (no process holds their lock), and
// keeps the complete files and the build another process (here another
// Files) is still writing.
func TestFilesStaleBuildsRemoved(t *testing.T) {
	dir := t.TempDir()
	write := func(w io.Writer) error { _, err := io.WriteString(w, "whole"); return err }
	first := NewFiles(dir, 0)
	f, err := first.Open(context.Background(), 1, "done", write)
	if err != nil {
		t.Fatal(err)
	}
	complete := filepath.Base(f.Name())
	readAll(t, f)
	crashed := filepath.Join(dir, ".building-123456")
	if err := os.WriteFile(crashed, []byte("half a fi"), 0o600); err != nil {
		t.Fatal(err)
	}
	writing, release := make(chan string), make(chan struct{})
	done := make(chan error)
	go func() {
		f, err := first.Open(context.Background(), 1, "slow", func(w io.Writer) error {
			writing <- w.(*os.File).Name()
			<-release
			return write(w)
		})
		if err == nil {
			f.Close()
		}
		done <- err
	}()
	live := <-writing
	NewFiles(dir, 0) // a second start on the same directory
	if _, err := os.Stat(crashed); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the crashed build's file is still there: %v", err)
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("the build in progress lost its file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, complete)); err != nil {
		t.Errorf("a complete file went: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("the build in progress: %v", err)
	}
}
