package pgcluster

import (
	"os/exec"
	"runtime"
	"sync"
)

// Linux sends a child's Pdeathsig when the thread that forked it exits,
// not only when the process does, and Go's runtime ends a thread when a
// goroutine locked to it returns without unlocking (as cgo callers such
// as the GDAL reader may). A postgres started from such a thread would be
// stopped under a running server. So every server child is started from
// one OS thread that is locked for the life of the process and never
// exits: startChild hands the command to it.
var (
	starterOnce sync.Once
	starts      chan startReq
)

type startReq struct {
	cmd  *exec.Cmd
	done chan error
}

// startChild starts cmd from the process's fixed starter thread.
func startChild(cmd *exec.Cmd) error {
	starterOnce.Do(func() {
		starts = make(chan startReq)
		go func() {
			runtime.LockOSThread() // never unlocked: this thread lives as long as the process
			for r := range starts {
				r.done <- r.cmd.Start()
			}
		}()
	})
	r := startReq{cmd: cmd, done: make(chan error, 1)}
	starts <- r
	return <-r.done
}
