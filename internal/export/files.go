package export

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// DefaultFilesBytes bounds the export files kept on disk when
// NewFiles is given 0.
const DefaultFilesBytes = 1 << 30

// Files keeps export files on disk so that clients can read them by URL
// with byte ranges (GDAL's /vsicurl/, QGIS): each file is built once per
// key (what was asked: collection, format, CRS, filters) and index
// sequence, written to a temporary file and renamed when complete, so no
// partial file is ever served. A file of an older sequence is never
// served again (the data changed) and is deleted when a file of a newer
// one is built; the files' total size is bounded (least recently used
// deleted first; a file larger than the bound alone is served to the
// request that built it and not kept). It is safe for concurrent use:
// requests for one file while it is built wait for that build.
//
// A Files that made its own temporary directory removes it, files and
// all, on Close; a directory it was given keeps its files for the next
// start, which deletes what builds a crash cut short (NewFiles).
type Files struct {
	dir      string // "" until the first build makes a private temp dir
	own      bool   // dir is that private temp dir: Close removes it
	maxBytes int64

	mu       sync.Mutex
	closed   bool
	building map[string]*build
}

// ErrFilesClosed is Open's error after Close.
var ErrFilesClosed = errors.New("export: the export files are closed (the server is shutting down)")

// buildPattern names the temporary file of a build (os.CreateTemp). Each
// build holds an exclusive flock on its file while it writes, so that a
// start can tell the partial files of a crashed process (no lock) from
// those another process sharing the directory is still writing.
const buildPattern = ".building-*"

type build struct {
	done chan struct{}
	err  error
}

// NewFiles keeps files in dir (created when missing; "" is a new
// temporary directory, made at the first build and removed by Close), at
// most maxBytes of them (0 is DefaultFilesBytes). In a dir given, it
// deletes the partial files of builds no process is writing any more (a
// crash's): complete files stay.
func NewFiles(dir string, maxBytes int64) *Files {
	if maxBytes <= 0 {
		maxBytes = DefaultFilesBytes
	}
	if dir != "" {
		removeStaleBuilds(dir)
	}
	return &Files{dir: dir, maxBytes: maxBytes, building: map[string]*build{}}
}

// removeStaleBuilds deletes dir's build files that no build holds locked.
func removeStaleBuilds(dir string) {
	stale, _ := filepath.Glob(filepath.Join(dir, buildPattern))
	for _, name := range stale {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			_ = os.Remove(name) // unlocked: its process is gone
		}
		f.Close()
	}
}

// Close ends the use of the files: Open fails from then on, and a
// temporary directory NewFiles made is removed with its files (a
// directory given keeps them). Close the Files after the requests that
// read its files are done (after http.Server.Shutdown). A nil Files has
// nothing to close.
func (fs *Files) Close() error {
	if fs == nil {
		return nil
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.closed = true
	if !fs.own {
		return nil
	}
	return os.RemoveAll(fs.dir)
}

// Open returns the file of key at index sequence seq, open for reading
// (the caller closes it), building it first with write (into a temporary
// file of the same directory) when it is not there. Errors: write's, or
// the file system's.
func (fs *Files) Open(ctx context.Context, seq int64, key string, write func(io.Writer) error) (*os.File, error) {
	sum := sha256.Sum256([]byte(key))
	name := fmt.Sprintf("%020d-%s", seq, hex.EncodeToString(sum[:16]))
	for {
		fs.mu.Lock()
		if fs.closed {
			fs.mu.Unlock()
			return nil, ErrFilesClosed
		}
		if err := fs.ensureDir(); err != nil {
			fs.mu.Unlock()
			return nil, err
		}
		path := filepath.Join(fs.dir, name)
		if f, err := os.Open(path); err == nil {
			fs.mu.Unlock()
			now := time.Now()
			_ = os.Chtimes(path, now, now) // recently used: evicted last
			return f, nil
		}
		if b, ok := fs.building[name]; ok {
			fs.mu.Unlock()
			select {
			case <-b.done:
				continue // built (open it) or failed (build it ourselves)
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		b := &build{done: make(chan struct{})}
		fs.building[name] = b
		fs.mu.Unlock()
		f, err := fs.build(path, write)
		fs.mu.Lock()
		delete(fs.building, name)
		b.err = err
		close(b.done)
		if err == nil {
			fs.evict(name, seq)
		}
		fs.mu.Unlock()
		return f, err
	}
}

// ensureDir makes the directory. fs.mu is held.
func (fs *Files) ensureDir() error {
	if fs.dir == "" {
		d, err := os.MkdirTemp("", "zonegis-exports-")
		if err != nil {
			return err
		}
		fs.dir, fs.own = d, true
		return nil
	}
	return os.MkdirAll(fs.dir, 0o750)
}

// build writes the file at path through a temporary file renamed into
// place once complete, and returns it open for reading.
func (fs *Files) build(path string, write func(io.Writer) error) (*os.File, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), buildPattern)
	if err != nil {
		return nil, err
	}
	// Locked until renamed into place (removeStaleBuilds); closing unlocks.
	err = syscall.Flock(int(tmp.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if err == nil {
		err = write(tmp)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return os.Open(path)
}

// evict deletes the files of sequences before seq, and kept (the one just
// built, open for its request) if it alone is over maxBytes, then the least
// recently used of the others until all fit in maxBytes. fs.mu is held.
func (fs *Files) evict(kept string, seq int64) {
	entries, err := os.ReadDir(fs.dir)
	if err != nil {
		return
	}
	type file struct {
		name string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	for _, e := range entries {
		n := e.Name()
		s, _, ok := strings.Cut(n, "-")
		fseq, err := strconv.ParseInt(s, 10, 64)
		if !ok || err != nil || strings.HasPrefix(n, ".") {
			continue // a build in progress, or not ours
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		if fseq < seq || n == kept && info.Size() > fs.maxBytes {
			_ = os.Remove(filepath.Join(fs.dir, n)) // stale, or too big to keep
			continue
		}
		files = append(files, file{n, info.Size(), info.ModTime()})
		total += info.Size()
	}
	slices.SortFunc(files, func(a, b file) int { return a.used.Compare(b.used) })
	for _, f := range files {
		if total <= fs.maxBytes {
			break
		}
		if f.name == kept {
			continue
		}
		_ = os.Remove(filepath.Join(fs.dir, f.name))
		total -= f.size
	}
}
