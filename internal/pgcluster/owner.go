package pgcluster

import (
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// serverUser is the unprivileged account initdb and postgres run as when
// this process is root (PostgreSQL refuses to run as root). Debian's
// postgresql packages create it.
const serverUser = "postgres"

// account is who the server processes run as. The zero value
// means "as this process".
type account struct {
	asOther bool // true when running as another user than this process
	name    string
	uid     uint32
	gid     uint32
}

// serverAccount picks who runs initdb and postgres: this process's user,
// or, when this process is root, the postgres system user.
func serverAccount(euid int) (account, error) {
	if euid != 0 {
		return account{}, nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return account{}, unavailable("running as root, and PostgreSQL refuses to run as root, "+
			"but there is no %q user to run it as (%v): apt-get install postgresql, "+
			"or run as an unprivileged user", serverUser, err)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return account{}, fmt.Errorf("user %s: uid %q: %w", serverUser, u.Uid, err)
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return account{}, fmt.Errorf("user %s: gid %q: %w", serverUser, u.Gid, err)
	}
	return account{asOther: true, name: u.Username, uid: uint32(uid), gid: uint32(gid)}, nil
}

// sysProcAttr returns the process attributes for a server child process:
// its own process group (a Ctrl-C on our terminal reaches us, and we stop
// the server in order), SIGINT (fast shutdown) if this process dies, and
// the account's credentials. Go applies Pdeathsig after switching user, so
// the switch does not clear it.
func (a account) sysProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGINT}
	if a.asOther {
		// Groups left empty: the child keeps only its primary group.
		attr.Credential = &syscall.Credential{Uid: a.uid, Gid: a.gid}
	}
	return attr
}

// chown hands path (not its contents) to the account; a no-op when the
// server runs as this process's user.
func (a account) chown(path string) error {
	if !a.asOther {
		return nil
	}
	if err := os.Lchown(path, int(a.uid), int(a.gid)); err != nil {
		return fmt.Errorf("give %s to user %s: %w", path, a.name, err)
	}
	return nil
}

// chownTree hands dir and everything under it to the account when dir
// itself belongs to someone else (a data directory made by another user).
func (a account) chownTree(dir string) error {
	if !a.asOther {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid == a.uid && st.Gid == a.gid {
		return nil
	}
	return filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return a.chown(path)
	})
}

// checkTraversable reports an error naming the first ancestor of path that
// the account cannot search (enter), which would keep the server from
// reaching its data or socket directory: t.TempDir() and /root are 0700,
// for instance. Only the primary group counts, as in sysProcAttr.
func (a account) checkTraversable(path string) error {
	if !a.asOther {
		return nil
	}
	for dir := filepath.Dir(path); ; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		var bit fs.FileMode
		switch {
		case st.Uid == a.uid:
			bit = 0o100
		case st.Gid == a.gid:
			bit = 0o010
		default:
			bit = 0o001
		}
		if fi.Mode().Perm()&bit == 0 {
			return fmt.Errorf("%s: user %s (the server runs as it because this process is root) "+
				"cannot enter parent directory %s (mode %v, owner uid %d): "+
				"chmod o+x %s, or choose a directory elsewhere", path, a.name, dir, fi.Mode().Perm(), st.Uid, dir)
		}
		if dir == filepath.Dir(dir) {
			return nil
		}
	}
}
