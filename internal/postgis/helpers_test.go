package postgis_test

import "errors"

func asErr[T error](err error, target *T) bool { return errors.As(err, target) }

// errOf drops the first result of a (seq, error) pair.
func errOf(_ int64, err error) error { return err }
