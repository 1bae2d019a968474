package postgres

import (
	"errors"
	"io"
	"net"
	"strings"

	"github.com/appconfigd/appconfigd/internal/sqlstore"
	"github.com/jackc/pgx/v5/pgconn"
)

// problem reads err as a reason the database cannot be used: by SQLSTATE
// for errors the server sent (class 53 insufficient resources, class 08
// connection exceptions, 57P01..57P03 shutdown and start-up, 25006 a
// read-only server such as a standby after a failover, 58030 an I/O
// error), and by type for a connection that could not be made or broke
// (the server went away, a proxy between cut it). It returns "" for
// anything else, the request's own faults included.
func problem(err error) string {
	if code := pgCode(err); code != "" {
		switch {
		case code == "53100":
			return sqlstore.ProblemDiskFull
		case strings.HasPrefix(code, "53"):
			return sqlstore.ProblemNoResources
		case strings.HasPrefix(code, "08"):
			return sqlstore.ProblemUnreachable
		case code == "57P01", code == "57P02", code == "57P03":
			return sqlstore.ProblemShutdown
		case code == "25006":
			return sqlstore.ProblemReadOnly
		case code == "58030":
			return sqlstore.ProblemIO
		}
	}
	var (
		connect *pgconn.ConnectError
		netErr  net.Error
	)
	switch {
	case errors.As(err, &connect), errors.As(err, &netErr),
		errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return sqlstore.ProblemUnreachable
	}
	return ""
}
