package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/accesskey"
)

// Keys of the STS tests besides the admin key.
const (
	readerKeyID  = "AKIDREADER"
	readerSecret = "readerSecretKeyReaderSecretKey000000000"
)

// newSTSClient returns an STS client of the server signing with a key.
func newSTSClient(url, keyID, secret string) *sts.Client {
	cfg := awsConfig()
	cfg.Credentials = credentials.NewStaticCredentialsProvider(keyID, secret, "")
	return sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = aws.String(url) })
}

// withReaderKey adds a reader key to the server's keys.
func withReaderKey(t *testing.T) serverOption {
	set, err := accesskey.NewSet(
		accesskey.Key{Name: "test-admin", AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey, Role: appconfigd.RoleAdmin},
		accesskey.Key{Name: "fleet", AccessKeyID: readerKeyID, SecretAccessKey: readerSecret, Role: appconfigd.RoleReader},
	)
	if err != nil {
		t.Fatal(err)
	}
	return func(o *serverOptions) { o.config.Keys = set }
}

// wantAPIError checks the error code and HTTP status of a failed call.
func wantAPIError(t *testing.T, err error, code string, status int) {
	t.Helper()
	apiErr := asError[smithy.APIError](t, err)
	if apiErr.ErrorCode() != code {
		t.Errorf("error code = %q (%v); want %q", apiErr.ErrorCode(), err, code)
	}
	checkStatus(t, err, status)
}

// TestSTSGetCallerIdentity calls STS's GetCallerIdentity on the server's
// endpoint as `aws sts get-caller-identity` and Terraform do
// (docs/COMPATIBILITY.md, "STS GetCallerIdentity"): every key learns the
// account and its own identity; anything else is an STS error.
func TestSTSGetCallerIdentity(t *testing.T) {
	t.Parallel()
	ts := startServer(t, withReaderKey(t))

	t.Run("EveryKey", func(t *testing.T) {
		for _, k := range []struct{ name, id, secret string }{
			{"test-admin", accessKeyID, secretAccessKey},
			{"fleet", readerKeyID, readerSecret},
		} {
			c := newSTSClient(ts.url, k.id, k.secret)
			out, err := c.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatalf("GetCallerIdentity with key %s: %v", k.name, err)
			}
			if got, want := aws.ToString(out.Account), accountID; got != want {
				t.Errorf("key %s: Account = %q; want %q", k.name, got, want)
			}
			if got, want := aws.ToString(out.Arn), "arn:aws:iam::"+accountID+":user/"+k.name; got != want {
				t.Errorf("key %s: Arn = %q; want %q", k.name, got, want)
			}
			id := aws.ToString(out.UserId)
			if len(id) != 21 || !strings.HasPrefix(id, "AIDA") {
				t.Errorf("key %s: UserId = %q; want AIDA and 17 characters, like an IAM user's", k.name, id)
			}
			again, err := c.GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
			if err != nil {
				t.Fatalf("second GetCallerIdentity: %v", err)
			}
			if aws.ToString(again.UserId) != id {
				t.Errorf("key %s: UserId changed from %q to %q", k.name, id, aws.ToString(again.UserId))
			}
		}
	})

	t.Run("UnknownKey", func(t *testing.T) {
		_, err := newSTSClient(ts.url, "AKIDUNKNOWN", secretAccessKey).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "InvalidClientTokenId", http.StatusForbidden)
	})

	t.Run("WrongSecret", func(t *testing.T) {
		_, err := newSTSClient(ts.url, accessKeyID, readerSecret).GetCallerIdentity(ctx(t), &sts.GetCallerIdentityInput{})
		wantAPIError(t, err, "SignatureDoesNotMatch", http.StatusForbidden)
	})

	t.Run("OtherAction", func(t *testing.T) {
		_, err := newSTSClient(ts.url, accessKeyID, secretAccessKey).GetSessionToken(ctx(t), &sts.GetSessionTokenInput{})
		wantAPIError(t, err, "InvalidAction", http.StatusBadRequest)
		if !strings.Contains(err.Error(), "GetCallerIdentity") {
			t.Errorf("error = %v; want it to say that only GetCallerIdentity is served", err)
		}
	})

	// The signing name "sts" is accepted for GetCallerIdentity only, and
	// GetCallerIdentity takes only "sts".
	t.Run("SigningNames", func(t *testing.T) {
		for _, tt := range []struct {
			name, method, path, body, service string
			status                            int
		}{
			{"GetCallerIdentityAsAppConfig", http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", "appconfig", http.StatusForbidden},
			{"ListApplicationsAsSTS", http.MethodGet, "/applications", "", "sts", http.StatusForbidden},
			{"GetCallerIdentityAsSTS", http.MethodPost, "/", "Action=GetCallerIdentity&Version=2011-06-15", "sts", http.StatusOK},
		} {
			t.Run(tt.name, func(t *testing.T) {
				resp := signedRequest(t, ts.url, tt.method, tt.path, tt.body, tt.service)
				if resp.StatusCode != tt.status {
					t.Errorf("%s %s signed for %s: status %d; want %d", tt.method, tt.path, tt.service, resp.StatusCode, tt.status)
				}
			})
		}
	})

	t.Run("AWSCLI", func(t *testing.T) {
		cli := newAWSCLI(t, ts.url)
		out := cli.run(t, "sts", "get-caller-identity")
		checkFields(t, "sts get-caller-identity", out, map[string]any{
			"Account": accountID,
			"Arn":     "arn:aws:iam::" + accountID + ":user/test-admin",
		})
	})
}

// signedRequest sends a request signed by the SDK's signer for service
// and returns the response, its body read and closed.
func signedRequest(t *testing.T, url, method, path, body, service string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), method, url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	sum := sha256.Sum256([]byte(body))
	creds := aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey}
	if err := v4.NewSigner().SignHTTP(ctx(t), creds, req, hex.EncodeToString(sum[:]), service, region, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}
