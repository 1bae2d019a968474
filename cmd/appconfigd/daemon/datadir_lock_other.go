//go:build !unix

package daemon

import "os"

// lockDataDir does nothing where flock(2) is not available: two processes
// on one data directory then both run the deployment engine, which the
// store's serialized transactions keep correct, only wasteful.
func lockDataDir(string) (*os.File, error) { return nil, nil }
