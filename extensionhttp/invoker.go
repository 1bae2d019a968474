// Package extensionhttp runs extension actions whose Uri is an http(s) URL,
// which stand in for the Lambda functions a self-hosted server cannot
// invoke (docs/COMPATIBILITY.md, "Extension actions"). An [Invoker] POSTs
// the JSON event AWS sends a Lambda extension and reads the answer as AWS
// reads the Lambda's result.
//
// It implements [appconfigd.ActionInvoker]. Connections go only where the
// webhook validators' network policy allows (validation.NetworkPolicy,
// --validator-networks): both make the server call URLs its users chose.
package extensionhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/outbound"
	"github.com/appconfigd/appconfigd/validation"
)

// DefaultTimeout bounds one action call, reading the answer included. AWS
// documents no limit for extension actions; this is the one it gives
// Lambda validators, which block an operation the same way PRE_* actions
// do.
const DefaultTimeout = 15 * time.Second

// DefaultMaxResponseBytes bounds an action's answer: room for a hosted
// configuration of the largest size AWS allows (1 MB), base64-encoded in
// Content.
const DefaultMaxResponseBytes = 2 << 20

// Error codes of the calls that fail before the action could answer, or
// whose answer cannot be read. They become the ErrorCode of the
// invocation in the deployment's event log.
const (
	// CodeUnsupportedURI: the Uri is an ARN (Lambda, SNS, SQS,
	// EventBridge) or anything else but an http(s) URL.
	CodeUnsupportedURI = "UnsupportedUri"
	// CodeUnreachable: no connection, or the network policy refused it.
	CodeUnreachable = "Unreachable"
	// CodeTimeout: no complete answer within the timeout.
	CodeTimeout = "Timeout"
	// CodeHTTPStatus: the answer's status is not 2xx.
	CodeHTTPStatus = "HttpStatus"
	// CodeResponseTooLarge: the answer is longer than allowed.
	CodeResponseTooLarge = "ResponseTooLarge"
	// CodeInvalidResponse: the answer is not what an action may say.
	CodeInvalidResponse = "InvalidResponse"
)

// maxBodyExcerpt is how much of an error status's body goes into the
// message.
const maxBodyExcerpt = 1024

// defaultClient serves Invokers without an HTTPClient.
var defaultClient = validation.NewWebhookClient(validation.NetworkPolicy{})

// Invoker POSTs action events to http(s) URLs. The zero value is ready to
// use; NewInvoker spells the defaults out.
type Invoker struct {
	// HTTPClient makes the calls; nil means one with the default
	// validation.NetworkPolicy. Redirects are never followed, whatever
	// its CheckRedirect says, so an action cannot bounce the
	// configuration to another host.
	HTTPClient *http.Client
	// Timeout bounds each call; zero means DefaultTimeout.
	Timeout time.Duration
	// MaxResponseBytes bounds each answer; zero means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64
}

// NewInvoker returns an Invoker with the default timeout and answer size
// whose calls go only where p allows.
func NewInvoker(p validation.NetworkPolicy) *Invoker {
	return &Invoker{HTTPClient: validation.NewWebhookClient(p), Timeout: DefaultTimeout, MaxResponseBytes: DefaultMaxResponseBytes}
}

var _ appconfigd.ActionInvoker = (*Invoker)(nil)

// Check accepts an http(s) URL with a host, and an ARN, which is stored so
// that extensions written for AWS can be kept but fails when invoked.
func (i *Invoker) Check(uri string) error {
	if strings.HasPrefix(uri, "arn:") {
		return nil
	}
	if _, err := outbound.ParseURL(uri); err != nil {
		return appconfigd.Errorf(appconfigd.EBadRequest, "Uri must be an http(s) URL or an ARN: %v", err)
	}
	return nil
}

// Invoke POSTs the event of req to the action's Uri.
func (i *Invoker) Invoke(ctx context.Context, req *appconfigd.ActionRequest) (*appconfigd.ActionResponse, error) {
	uri := req.Action.URI
	if strings.HasPrefix(uri, "arn:") {
		return failure(CodeUnsupportedURI, fmt.Sprintf("appconfigd cannot invoke %s (%s); make the action's Uri an http(s) URL", arnService(uri), outbound.Truncate(uri, 256))), nil
	}
	u, err := outbound.ParseURL(uri)
	if err != nil {
		return failure(CodeUnsupportedURI, "Uri must be an http(s) URL: "+err.Error()), nil
	}
	body, err := json.Marshal(newEvent(req))
	if err != nil {
		return nil, fmt.Errorf("extensionhttp: encode event: %w", err)
	}
	timeout := i.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	callCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	httpReq, err := http.NewRequestWithContext(callCtx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return failure(CodeUnsupportedURI, "Uri must be an http(s) URL: "+err.Error()), nil
	}
	httpReq.Header.Set("Content-Type", "application/json")
	httpReq.Header.Set("Accept", "application/json")
	httpReq.Header.Set("User-Agent", "appconfigd-extension")

	name := outbound.DisplayURL(u)
	resp, err := i.client().Do(httpReq)
	if err != nil {
		return callFailure(ctx, name, timeout, err)
	}
	defer resp.Body.Close()
	limit := i.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	answer, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return callFailure(ctx, name, timeout, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		reason := outbound.StatusReason(resp.StatusCode, answer, maxBodyExcerpt)
		return failure(CodeHTTPStatus, fmt.Sprintf("%s answered %s", name, reason)), nil
	}
	if int64(len(answer)) > limit {
		return failure(CodeResponseTooLarge, fmt.Sprintf("%s answered with more than %d bytes", name, limit)), nil
	}
	return decodeAnswer(answer), nil
}

// callFailure describes a call that got no complete answer. When the
// caller's ctx ended, that is the error: it says nothing about the action.
func callFailure(ctx context.Context, name string, timeout time.Duration, err error) (*appconfigd.ActionResponse, error) {
	if ctx.Err() != nil {
		return nil, fmt.Errorf("extensionhttp: %s: %w", name, ctx.Err())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return failure(CodeTimeout, fmt.Sprintf("%s gave no answer within %s", name, timeout)), nil
	}
	return failure(CodeUnreachable, fmt.Sprintf("%s could not be reached: %s", name, outbound.TransportError(err))), nil
}

// client returns the HTTP client for calls, without redirects.
func (i *Invoker) client() *http.Client {
	if i.HTTPClient != nil {
		return outbound.WithoutRedirects(i.HTTPClient)
	}
	return outbound.WithoutRedirects(defaultClient)
}

// arnService names the AWS service an ARN Uri would invoke on AWS.
func arnService(arn string) string {
	// arn:partition:service:region:account:resource
	parts := strings.SplitN(arn, ":", 4)
	if len(parts) < 3 {
		return "an ARN"
	}
	switch parts[2] {
	case "lambda":
		return "AWS Lambda"
	case "sns":
		return "Amazon SNS"
	case "sqs":
		return "Amazon SQS"
	case "events":
		return "Amazon EventBridge"
	default:
		return "an ARN of " + parts[2]
	}
}
