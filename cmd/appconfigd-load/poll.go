package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	smithyrand "github.com/aws/smithy-go/rand"
)

// Signing parameters: what aws-sdk-go-v2's appconfigdata client uses.
const (
	signingService = "appconfig"
	signingRegion  = "us-east-1"
	// emptyPayloadHash is the SHA-256 of an empty body, the payload hash
	// the SDK signs a GET with.
	emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	// defaultAccessKeyID and defaultSecretAccessKey are the credentials
	// used when neither flags nor AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY give any.
	defaultAccessKeyID     = "AKIDAPPCONFIGDLOAD"
	defaultSecretAccessKey = "appconfigd-load-secret"
)

// poller sends GetLatestConfiguration requests signed as aws-sdk-go-v2
// v1.48 / appconfigdata v1.28.1 signs them: the same headers
// (Amz-Sdk-Invocation-Id, Amz-Sdk-Request, User-Agent, X-Amz-Date,
// Authorization over amz-sdk-invocation-id;amz-sdk-request;host;x-amz-date)
// and the empty-payload hash, without the SDK's middleware stack.
type poller struct {
	client    *http.Client
	signer    *v4.Signer
	creds     aws.Credentials
	userAgent string
}

// newPoller returns a poller on client that signs with creds.
func newPoller(client *http.Client, creds aws.Credentials) *poller {
	return &poller{
		client: client,
		signer: v4.NewSigner(),
		creds:  creds,
		userAgent: "aws-sdk-go-v2/1.48.0 ua/2.1 os/" + runtime.GOOS + " lang/go#" + runtime.Version()[2:] +
			" md/GOOS#" + runtime.GOOS + " md/GOARCH#" + runtime.GOARCH + " api/appconfigdata#1.28.1 m/E,e",
	}
}

// pollResult is one GetLatestConfiguration response.
type pollResult struct {
	// Length is the number of body bytes read.
	Length int64
	// Body is the body, kept only when the poll asked for it.
	Body         []byte
	NextToken    string
	VersionLabel string
	ContentType  string
}

// poll sends GET /configuration with token to baseURL, reads the whole
// body and returns the response. Any status but 200 is an error. With
// keepBody it keeps the body; otherwise it only counts it.
func (p *poller) poll(ctx context.Context, baseURL, token string, keepBody bool) (pollResult, error) {
	req, err := p.signedRequest(ctx, http.MethodGet, baseURL+"/configuration?configuration_token="+url.QueryEscape(token), nil, emptyPayloadHash)
	if err != nil {
		return pollResult{}, err
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return pollResult{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return pollResult{}, fmt.Errorf("GET /configuration: status %d: %s", resp.StatusCode, msg)
	}
	var r pollResult
	if keepBody {
		r.Body, err = io.ReadAll(resp.Body)
		r.Length = int64(len(r.Body))
	} else {
		r.Length, err = io.Copy(io.Discard, resp.Body)
	}
	if err != nil {
		return pollResult{}, fmt.Errorf("read body: %w", err)
	}
	r.NextToken = resp.Header.Get("Next-Poll-Configuration-Token")
	r.VersionLabel = resp.Header.Get("Version-Label")
	r.ContentType = resp.Header.Get("Content-Type")
	if r.NextToken == "" {
		return pollResult{}, fmt.Errorf("GET /configuration: no Next-Poll-Configuration-Token")
	}
	return r, nil
}

// signedRequest returns a request with the headers the SDK sends, signed
// as the SDK signs it; payloadHash is the hex SHA-256 of body.
func (p *poller) signedRequest(ctx context.Context, method, target string, body []byte, payloadHash string) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, r)
	if err != nil {
		return nil, err
	}
	invocationID, err := smithyrand.NewUUID(rand.Reader).GetUUID()
	if err != nil {
		return nil, err
	}
	req.Header["Amz-Sdk-Invocation-Id"] = []string{invocationID}
	req.Header["Amz-Sdk-Request"] = []string{"attempt=1; max=3"}
	req.Header["User-Agent"] = []string{p.userAgent}
	if body != nil {
		req.Header["Content-Type"] = []string{"application/json"}
	}
	if err := p.signer.SignHTTP(ctx, p.creds, req, payloadHash, signingService, signingRegion, time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return req, nil
}

// newHTTPClient returns the one client every request of a run shares, with
// enough idle connections per host for concurrency workers.
func newHTTPClient(concurrency int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 4 * concurrency
	t.MaxIdleConnsPerHost = 2 * concurrency
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t, Timeout: 60 * time.Second}
}
