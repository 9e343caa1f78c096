package registry

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/zonegis/zonegis/internal/zonegis"
	"golang.org/x/crypto/argon2"
)

// PasswordParams are argon2id's costs (RFC 9106). A hash records the
// parameters it was made with, so changing them applies to new hashes
// only; CheckPassword reads them from the hash.
type PasswordParams struct {
	MemoryKiB uint32 // m: memory in KiB
	Time      uint32 // t: passes over the memory
	Threads   uint8  // p: lanes
}

// DefaultPasswordParams is m=64 MiB, t=1, p=2: RFC 9106's second
// recommended option with two lanes for the service's two cores; about
// 60 ms a hash on them.
var DefaultPasswordParams = PasswordParams{MemoryKiB: 64 << 10, Time: 1, Threads: 2}

// TestPasswordParams is m=1 MiB, t=1, p=1: cheap hashes for tests only.
var TestPasswordParams = PasswordParams{MemoryKiB: 1 << 10, Time: 1, Threads: 1}

// The bounds of a password and of the parameters a stored hash may ask
// for (a hash beyond them is refused, so no row can make a check cost
// more than this).
const (
	MinPasswordLen = 10
	MaxPasswordLen = 1024 // bytes
	maxMemoryKiB   = 1 << 20
	maxTime        = 10
	saltLen        = 16
	hashLen        = 32
)

var b64 = base64.RawStdEncoding

// CheckPasswordRules returns EINVALID when password is too short or too
// long (field "password").
func CheckPasswordRules(password string) error {
	if n := len([]rune(password)); n < MinPasswordLen {
		return zonegis.Errorf(zonegis.EINVALID, "password: at least %d characters, got %d", MinPasswordLen, n)
	}
	if len(password) > MaxPasswordLen {
		return zonegis.Errorf(zonegis.EINVALID, "password: at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// HashPassword hashes password with argon2id under p and a random 16-byte
// salt, as a PHC string: "$argon2id$v=19$m=65536,t=1,p=2$<salt>$<hash>",
// salt and 32-byte hash in unpadded standard base64. It does not apply
// CheckPasswordRules (a caller that takes a new password does).
func HashPassword(password string, p PasswordParams) string {
	salt := make([]byte, saltLen)
	_, _ = rand.Read(salt) // never fails on Linux
	key := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, hashLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryKiB, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// CheckPassword reports whether password is the one phc (a HashPassword
// string) was made from, comparing in constant time. A malformed phc, or
// one whose parameters are beyond the service's bounds, is an error.
func CheckPassword(phc, password string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, fmt.Errorf("password hash: not an argon2id PHC string")
	}
	var v int
	var p PasswordParams
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, fmt.Errorf("password hash: version %q", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil ||
		p.MemoryKiB < 8 || p.MemoryKiB > maxMemoryKiB || p.Time < 1 || p.Time > maxTime || p.Threads < 1 {
		return false, fmt.Errorf("password hash: parameters %q", parts[3])
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(want) < 16 || len(want) > 64 {
		return false, fmt.Errorf("password hash: salt or hash")
	}
	if len(password) > MaxPasswordLen {
		return false, nil
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// OneTimePassword returns a random password of 20 characters from 32
// letters and digits (100 bits), for a new user or a reset; shown once.
func OneTimePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyz23456789" // 32 letters, none that reads as another
	buf := make([]byte, 20)
	_, _ = rand.Read(buf)
	for i, c := range buf {
		buf[i] = alphabet[int(c)%len(alphabet)] // 256 is a multiple of 32: no bias
	}
	return string(buf)
}
