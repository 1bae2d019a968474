package daemon

import (
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

// A clean shutdown writes the poll times deletion protection needs, so the
// next run still protects what was polled just before it.
func TestPollTimesSurviveCleanRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := openDaemon(t, func(c *Config) { c.DataDir = dir })
	poll(t, first, startSession(t, first))
	if err := first.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	second := openDaemon(t, func(c *Config) { c.DataDir = dir })
	// The names stand for the IDs; APPLY checks the environment although
	// it is new and protection is off.
	_, err := client(second.URL(), http.DefaultClient).DeleteEnvironment(t.Context(), &appconfig.DeleteEnvironmentInput{
		ApplicationId: aws.String("app"), EnvironmentId: aws.String("env"), DeletionProtectionCheck: types.DeletionProtectionCheckApply,
	})
	var refused *types.BadRequestException
	if !errors.As(err, &refused) {
		t.Fatalf("DeleteEnvironment of an environment polled before the restart: %v; want deletion protection's BadRequestException", err)
	}
}
