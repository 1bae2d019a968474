package conformance

import (
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	"github.com/aws/smithy-go"
)

// A fleet shares one access key: with the default flags, 64 sessions of
// one key polling back to back are never throttled, however many polls
// they make in a burst (docs/SECURITY.md, "Limits"). 6,400 polls is more
// than a per-key bucket of 2,000 with a refill of 1,000/s lets through in
// the seconds this takes.
func TestFleetOfOneKeyIsNotThrottled(t *testing.T) {
	t.Parallel()
	const sessions, pollsPerSession = 64, 100
	ts := startServer(t)
	fx := newFixture(t, ts.control)
	deployNow(t, ts.control, fx, "AppConfig.AllAtOnce", `{"fleet":true}`, "application/json")

	var wg sync.WaitGroup
	errs := make(chan error, sessions)
	for range sessions {
		token := startSession(t, ts.data, fx, 0)
		wg.Go(func() {
			for range pollsPerSession {
				out, err := ts.data.GetLatestConfiguration(ctx(t), &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: aws.String(token)})
				if err != nil {
					errs <- err
					return
				}
				token = aws.ToString(out.NextPollConfigurationToken)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) && apiErr.ErrorCode() == "ThrottlingException" {
			t.Errorf("a session was throttled: %v", err)
		} else {
			t.Errorf("a session's poll failed: %v", err)
		}
	}
}
