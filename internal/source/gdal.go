package source

// The binding to libgdal (cgo): only what reading vector features needs.
// The C helpers are in zg.c.

/*
#cgo pkg-config: gdal
#include "zg.h"
*/
import "C"

import (
	"strings"
	"sync"
	"unsafe"
)

var registerOnce sync.Once

// register registers GDAL's drivers, once per process.
func register() {
	registerOnce.Do(func() { C.GDALAllRegister() })
}

// goString turns a C string that C allocated into a Go string and frees it.
func goString(s *C.char) string {
	if s == nil {
		return ""
	}
	defer C.free(unsafe.Pointer(s))
	return C.GoString(s)
}

// cString is a C copy of s; free it with C.free.
func cString(s string) *C.char { return C.CString(s) }

// lines splits a "\n"-separated list from C (freeing it).
func lines(s *C.char) []string {
	v := goString(s)
	if v == "" {
		return nil
	}
	return strings.Split(v, "\n")
}
