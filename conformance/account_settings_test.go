package conformance

import (
	"net/http"
	"strings"
	"testing"
	"time"

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

func TestUpdateAccountSettings(t *testing.T) {
	t.Parallel()

	t.Run("ChangesTheSettings", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		out, err := ts.control.UpdateAccountSettings(ctx(t), &appconfig.UpdateAccountSettingsInput{
			DeletionProtection: &types.DeletionProtectionSettings{Enabled: aws.Bool(true), ProtectionPeriodInMinutes: aws.Int32(15)},
		})
		if err != nil {
			t.Fatalf("UpdateAccountSettings: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
		for what, dp := range map[string]*types.DeletionProtectionSettings{"UpdateAccountSettings": out.DeletionProtection, "GetAccountSettings": getDeletionProtection(t, ts)} {
			if dp == nil || !aws.ToBool(dp.Enabled) || aws.ToInt32(dp.ProtectionPeriodInMinutes) != 15 {
				t.Errorf("%s: DeletionProtection = %+v; want enabled with 15 minutes", what, dp)
			}
		}
	})

	t.Run("PeriodOutOfRange", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		_, err := ts.control.UpdateAccountSettings(ctx(t), &appconfig.UpdateAccountSettingsInput{
			DeletionProtection: &types.DeletionProtectionSettings{ProtectionPeriodInMinutes: aws.Int32(14)},
		})
		e := asError[*types.BadRequestException](t, err)
		if !strings.Contains(aws.ToString(e.Message), "ProtectionPeriodInMinutes") {
			t.Errorf("Message = %q; want it to name ProtectionPeriodInMinutes", aws.ToString(e.Message))
		}
	})

	// The AWS CLI sends the same request and reads the answer.
	t.Run("AWSCLI", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		cli := newAWSCLI(t, ts.url)
		out := cli.run(t, "appconfig", "update-account-settings", "--deletion-protection", "Enabled=true,ProtectionPeriodInMinutes=30")
		dp, _ := out["DeletionProtection"].(map[string]any)
		checkFields(t, "update-account-settings", dp, map[string]any{"Enabled": true, "ProtectionPeriodInMinutes": float64(30)})
	})
}

func getDeletionProtection(t *testing.T, ts *testServer) *types.DeletionProtectionSettings {
	t.Helper()
	out, err := ts.control.GetAccountSettings(ctx(t), &appconfig.GetAccountSettingsInput{})
	if err != nil {
		t.Fatalf("GetAccountSettings: %v", err)
	}
	return out.DeletionProtection
}

// Deleting an environment or profile that clients polled within the
// protection period is refused unless the request says BYPASS, through the
// SDK's DeletionProtectionCheck (docs/WIRE.md §3.14).
func TestDeletionProtection(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	c := ts.control
	if _, err := c.UpdateAccountSettings(ctx(t), &appconfig.UpdateAccountSettingsInput{
		DeletionProtection: &types.DeletionProtectionSettings{Enabled: aws.Bool(true)},
	}); err != nil {
		t.Fatalf("UpdateAccountSettings: %v", err)
	}
	fx := newFixture(t, c)
	// A profile without hosted versions, which could otherwise be deleted.
	bare := fixture{app: fx.app, env: fx.env, profile: createProfile(t, c, fx.app, "bare")}
	ts.advance(t, 2*time.Hour) // past the hour new resources are spared
	poll(t, ts.data, startSession(t, ts.data, bare, 0))
	ts.advance(t, time.Minute)

	deleteEnvironment := func(check types.DeletionProtectionCheck) error {
		_, err := c.DeleteEnvironment(ctx(t), &appconfig.DeleteEnvironmentInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env), DeletionProtectionCheck: check})
		return err
	}
	deleteProfile := func(check types.DeletionProtectionCheck) error {
		_, err := c.DeleteConfigurationProfile(ctx(t), &appconfig.DeleteConfigurationProfileInput{ApplicationId: aws.String(fx.app), ConfigurationProfileId: aws.String(bare.profile), DeletionProtectionCheck: check})
		return err
	}
	for _, check := range []types.DeletionProtectionCheck{"", types.DeletionProtectionCheckAccountDefault, types.DeletionProtectionCheckApply} {
		for what, err := range map[string]error{"DeleteEnvironment": deleteEnvironment(check), "DeleteConfigurationProfile": deleteProfile(check)} {
			e := asError[*types.BadRequestException](t, err)
			if !strings.Contains(aws.ToString(e.Message), "Deletion protection") {
				t.Errorf("%s with %q: Message = %q; want deletion protection's refusal", what, check, aws.ToString(e.Message))
			}
		}
	}
	if err := deleteProfile(types.DeletionProtectionCheckBypass); err != nil {
		t.Errorf("DeleteConfigurationProfile BYPASS: %v", err)
	}
	ts.advance(t, time.Hour)
	if err := deleteEnvironment(""); err != nil {
		t.Errorf("DeleteEnvironment after the period: %v", err)
	}
}
