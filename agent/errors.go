package agent

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
)

// httpError is an answer other than 200, with the plain-text body the
// AWS agent sends (docs/WIRE.md §4.4).
type httpError struct {
	status int
	msg    string
}

func (e *httpError) Error() string { return e.msg }

func errorf(status int, msg string) *httpError { return &httpError{status: status, msg: msg} }

// errNothingDeployed is why a configuration that exists has nothing to
// serve: the service answered, with no content, a session's first poll.
var errNothingDeployed = errorf(http.StatusNotFound, "no configuration has been deployed to this environment yet")

// upstreamError maps a failed service call to the agent's answer when
// nothing is cached: a name the service does not know is the caller's
// mistake (404, or 400 for an identifier it rejects), anything else the
// service's (502, or 504 for a call that timed out), docs/WIRE.md §4.4.
func upstreamError(err error) *httpError {
	var he *httpError
	if errors.As(err, &he) {
		return he
	}
	var notFound *types.ResourceNotFoundException
	if errors.As(err, &notFound) {
		return errorf(http.StatusNotFound, notFound.ErrorMessage())
	}
	var badRequest *types.BadRequestException
	if errors.As(err, &badRequest) {
		return errorf(http.StatusBadRequest, badRequest.ErrorMessage())
	}
	if isTimeout(err) {
		return errorf(http.StatusGatewayTimeout, "AWS AppConfig did not answer in time: "+err.Error())
	}
	return errorf(http.StatusBadGateway, "AWS AppConfig could not be reached: "+err.Error())
}

// callerError reports whether err means the caller named something the
// service rejects, so that retrying cannot help.
func callerError(err error) bool {
	var notFound *types.ResourceNotFoundException
	var badRequest *types.BadRequestException
	return errors.As(err, &notFound) || errors.As(err, &badRequest)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}
