package conformance

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

// Deletion protection is disabled by default with a protection period of
// 60 minutes (docs/WIRE.md §3.14).
func TestGetAccountSettings(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	out, err := ts.control.GetAccountSettings(ctx(t), &appconfig.GetAccountSettingsInput{})
	if err != nil {
		t.Fatalf("GetAccountSettings: %v", err)
	}
	checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
	dp := out.DeletionProtection
	if dp == nil {
		t.Fatal("DeletionProtection is absent")
	}
	if aws.ToBool(dp.Enabled) {
		t.Errorf("DeletionProtection.Enabled = true; want false")
	}
	if got := aws.ToInt32(dp.ProtectionPeriodInMinutes); got != 60 {
		t.Errorf("DeletionProtection.ProtectionPeriodInMinutes = %d; want 60", got)
	}
}

// Operations appconfigd does not implement fail with an error every
// operation models, so that the SDK reports a typed error rather than an
// unknown one.
func TestUnsupportedOperations(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	calls := []struct {
		name string
		call func(t *testing.T) error
	}{
		{"ListExtensions", func(t *testing.T) error {
			_, err := ts.control.ListExtensions(ctx(t), &appconfig.ListExtensionsInput{})
			return err
		}},
		{"UpdateAccountSettings", func(t *testing.T) error {
			_, err := ts.control.UpdateAccountSettings(ctx(t), &appconfig.UpdateAccountSettingsInput{
				DeletionProtection: &types.DeletionProtectionSettings{Enabled: aws.Bool(true)},
			})
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.call(t)
			asError[*types.BadRequestException](t, err)
			checkStatus(t, err, http.StatusBadRequest)
		})
	}
}
