package main

import (
	"io"
	"slices"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 200; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{
		{50, 100 * time.Millisecond},
		{99, 198 * time.Millisecond},
		{100, 200 * time.Millisecond},
		{0.1, 1 * time.Millisecond},
	} {
		if got := percentile(ds, tc.p); got != tc.want {
			t.Errorf("percentile(1..200 ms, %g) = %v; want %v", tc.p, got, tc.want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("percentile(nil) = %v; want 0", got)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags([]string{
		"--server-bin", "/bin/appconfigd",
		"--database-url", "postgres://u@h/db",
		"--replicas", "1, 2,5",
		"--server-flag=--token-ttl=1h", "--server-flag=--log-level=info",
	}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.replicas, []int{1, 2, 5}) || !slices.Equal(o.serverFlags, []string{"--token-ttl=1h", "--log-level=info"}) {
		t.Errorf("replicas %v, server flags %v", o.replicas, o.serverFlags)
	}
	for _, args := range [][]string{
		{"--database-url", "postgres://u@h/db"},
		{"--server-bin", "x"},
		{"--server-bin", "x", "--database-url", "host=h dbname=db"},
		{"--server-bin", "x", "--database-url", "postgres://u@h/db", "--replicas", "0"},
		{"--server-bin", "x", "--database-url", "postgres://u@h/db", "--iterations", "0"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) succeeded; want an error", args)
		}
	}
}
