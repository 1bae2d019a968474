package sqlstore

import (
	"context"
	"errors"

	"github.com/appconfigd/appconfigd"
)

// Problems a store reports through Unavailable, in the words the client
// and the operator read after "appconfigd cannot write to its database: ".
const (
	ProblemDiskFull    = "the disk is full"
	ProblemIO          = "the disk reports an I/O error"
	ProblemReadOnly    = "the database is read-only"
	ProblemCannotOpen  = "the database file cannot be opened"
	ProblemLocked      = "another process holds the database's lock"
	ProblemUnreachable = "the database server cannot be reached"
	ProblemNoResources = "the database server is out of resources (disk, memory or connections)"
	ProblemShutdown    = "the database server is shutting down or starting up"
)

// Unavailable returns the EUnavailable error of a transaction that failed
// because of problem, one of the Problem constants: the database is out of
// reach or cannot take a write. write says whether the transaction was
// one that writes. cause, the driver's error, stays in the error for the
// server log; clients get only the message.
func Unavailable(cause error, write bool, problem string) *appconfigd.Error {
	what := "read"
	if write {
		what = "write to"
	}
	return &appconfigd.Error{
		Code:    appconfigd.EUnavailable,
		Message: "appconfigd cannot " + what + " its database: " + problem,
		Cause:   cause,
	}
}

// Classify turns err, the error of a transaction, into an EUnavailable
// error when problem, the store's reading of its driver's error, names one
// of the Problem constants. Domain errors, errors of a done context (the
// caller gave up; the database may be fine) and errors problem does not
// recognize pass unchanged.
func Classify(err error, write bool, problem func(error) string) error {
	var e *appconfigd.Error
	switch {
	case err == nil, errors.As(err, &e),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	}
	if p := problem(err); p != "" {
		return Unavailable(err, write, p)
	}
	return err
}
