// Package apptest is what appconfigd's tests share: a fake clock, a
// Service wired as the binary wires it, a PostgreSQL schema per test, a
// buffer that server goroutines may write while the test reads, and the
// rule for tests whose dependency (PostgreSQL, the AWS CLI, botocore)
// is missing: skipped locally with a message that says how to run them,
// failed when CI is set, because CI must never pass without them
// (README.md, "Tests").
//
// Only tests import it; the domain and the binary never do.
package apptest
