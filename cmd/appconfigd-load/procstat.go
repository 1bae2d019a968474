package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// clockTicksPerSecond is USER_HZ, the unit of utime and stime in
// /proc/PID/stat. It is 100 on every Linux architecture Go supports.
const clockTicksPerSecond = 100

// procSample is a snapshot of one process's resource use.
type procSample struct {
	// CPU is user plus system time consumed so far.
	CPU time.Duration
	// RSS is the resident set size in bytes.
	RSS int64
}

// readProc samples process pid from /proc/PID/stat (Linux only).
func readProc(pid int) (procSample, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procSample{}, err
	}
	// The command name, field 2, is in parentheses and may contain
	// spaces; the fields after the last ')' start at field 3 (state).
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return procSample{}, fmt.Errorf("parse /proc/%d/stat: no ')'", pid)
	}
	fields := bytes.Fields(raw[i+1:])
	const (
		utime = 14 - 3
		stime = 15 - 3
		rss   = 24 - 3
	)
	if len(fields) <= rss {
		return procSample{}, fmt.Errorf("parse /proc/%d/stat: %d fields", pid, len(fields)+2)
	}
	var n [3]int64
	for j, f := range []int{utime, stime, rss} {
		if n[j], err = strconv.ParseInt(string(fields[f]), 10, 64); err != nil {
			return procSample{}, fmt.Errorf("parse /proc/%d/stat field %d: %w", pid, f+3, err)
		}
	}
	ticks := n[0] + n[1]
	return procSample{
		CPU: time.Duration(ticks) * time.Second / clockTicksPerSecond,
		RSS: n[2] * int64(os.Getpagesize()),
	}, nil
}

// readSystemBusy returns the CPU time all processors spent outside idle
// and iowait since boot, from /proc/stat. Subtracting the server's and the
// load generator's own CPU time from its change shows how much other
// processes on the machine ran during a measurement.
func readSystemBusy() (time.Duration, error) {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := bytes.Cut(raw, []byte("\n"))
	fields := bytes.Fields(line)
	if len(fields) < 8 || string(fields[0]) != "cpu" {
		return 0, fmt.Errorf("parse /proc/stat: unexpected first line %q", line)
	}
	var busy int64
	// user nice system idle iowait irq softirq steal ...
	for i, f := range fields[1:] {
		if i == 3 || i == 4 || i >= 8 {
			continue
		}
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse /proc/stat: %w", err)
		}
		busy += n
	}
	return time.Duration(busy) * time.Second / clockTicksPerSecond, nil
}
