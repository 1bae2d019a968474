package conformance

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd"
)

const (
	alarmARN = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:HighErrors"
	roleARN  = "arn:aws:iam::123456789012:role/AppConfigMonitor"
)

func TestCreateEnvironment(t *testing.T) {
	t.Parallel()

	t.Run("ReturnsTheEnvironment", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		app := createApplication(t, ts.control, "app")
		out, err := ts.control.CreateEnvironment(ctx(t), &appconfig.CreateEnvironmentInput{
			ApplicationId: aws.String(app),
			Name:          aws.String("prod"),
			Description:   aws.String("Production"),
			Monitors:      []types.Monitor{{AlarmArn: aws.String(alarmARN), AlarmRoleArn: aws.String(roleARN)}},
			Tags:          map[string]string{"stage": "prod"},
		})
		if err != nil {
			t.Fatalf("CreateEnvironment: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusCreated)
		checkID(t, "Id", out.Id)
		if got := aws.ToString(out.ApplicationId); got != app {
			t.Errorf("ApplicationId = %q; want %q", got, app)
		}
		if got, want := aws.ToString(out.Name), "prod"; got != want {
			t.Errorf("Name = %q; want %q", got, want)
		}
		if got, want := aws.ToString(out.Description), "Production"; got != want {
			t.Errorf("Description = %q; want %q", got, want)
		}
		// Environment states are CamelCase on the wire (docs/WIRE.md §7.5).
		if got, want := string(out.State), "ReadyForDeployment"; got != want {
			t.Errorf("State = %q; want %q", got, want)
		}
		if len(out.Monitors) != 1 || aws.ToString(out.Monitors[0].AlarmArn) != alarmARN || aws.ToString(out.Monitors[0].AlarmRoleArn) != roleARN {
			t.Errorf("Monitors = %+v; want [{AlarmArn %s AlarmRoleArn %s}]", out.Monitors, alarmARN, roleARN)
		}
	})

	t.Run("UnknownApplication", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		_, err := ts.control.CreateEnvironment(ctx(t), &appconfig.CreateEnvironmentInput{ApplicationId: aws.String("nosuch1"), Name: aws.String("env")})
		nf := asError[*types.ResourceNotFoundException](t, err)
		if got, want := aws.ToString(nf.ResourceName), "nosuch1"; got != want {
			t.Errorf("ResourceName = %q; want %q", got, want)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		app := createApplication(t, ts.control, "app")
		sixMonitors := make([]types.Monitor, 6)
		for i := range sixMonitors {
			sixMonitors[i] = types.Monitor{AlarmArn: aws.String(alarmARN)}
		}
		tests := []struct {
			name string
			in   appconfig.CreateEnvironmentInput
		}{
			{"NameTooLong", appconfig.CreateEnvironmentInput{Name: aws.String(strings.Repeat("e", 65))}},
			{"TooManyMonitors", appconfig.CreateEnvironmentInput{Name: aws.String("e"), Monitors: sixMonitors}},
			{"BadAlarmRoleArn", appconfig.CreateEnvironmentInput{Name: aws.String("e"), Monitors: []types.Monitor{{AlarmArn: aws.String(alarmARN), AlarmRoleArn: aws.String("not-a-role-arn-at-all")}}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.in.ApplicationId = aws.String(app)
				_, err := ts.control.CreateEnvironment(ctx(t), &tt.in)
				asError[*types.BadRequestException](t, err)
			})
		}
	})

	t.Run("QuotaExceeded", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t, withLimits(func(l *appconfigd.Limits) { l.EnvironmentsPerApplication = 1 }))
		app := createApplication(t, ts.control, "app")
		createEnvironment(t, ts.control, app, "one")
		_, err := ts.control.CreateEnvironment(ctx(t), &appconfig.CreateEnvironmentInput{ApplicationId: aws.String(app), Name: aws.String("two")})
		asError[*types.ServiceQuotaExceededException](t, err)
		checkStatus(t, err, http.StatusPaymentRequired)
		// The quota is per application.
		other := createApplication(t, ts.control, "other")
		createEnvironment(t, ts.control, other, "one")
	})
}

func TestGetEnvironment(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	app := createApplication(t, ts.control, "app")
	env := createEnvironment(t, ts.control, app, "staging")

	for _, ident := range []struct{ name, app, env string }{
		{"ByIDs", app, env},
		{"ByNames", "app", "staging"},
	} {
		t.Run(ident.name, func(t *testing.T) {
			t.Parallel()
			out, err := ts.control.GetEnvironment(ctx(t), &appconfig.GetEnvironmentInput{ApplicationId: aws.String(ident.app), EnvironmentId: aws.String(ident.env)})
			if err != nil {
				t.Fatalf("GetEnvironment: %v", err)
			}
			if aws.ToString(out.Id) != env || aws.ToString(out.ApplicationId) != app || aws.ToString(out.Name) != "staging" {
				t.Errorf("GetEnvironment = {Id %q ApplicationId %q Name %q}; want {%q %q %q}",
					aws.ToString(out.Id), aws.ToString(out.ApplicationId), aws.ToString(out.Name), env, app, "staging")
			}
			if got, want := string(out.State), "ReadyForDeployment"; got != want {
				t.Errorf("State = %q; want %q", got, want)
			}
		})
	}

	t.Run("UnknownEnvironment", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.GetEnvironment(ctx(t), &appconfig.GetEnvironmentInput{ApplicationId: aws.String(app), EnvironmentId: aws.String("nosuch1")})
		nf := asError[*types.ResourceNotFoundException](t, err)
		checkStatus(t, err, http.StatusNotFound)
		if got, want := aws.ToString(nf.ResourceName), "nosuch1"; got != want {
			t.Errorf("ResourceName = %q; want %q", got, want)
		}
	})

	t.Run("UnknownApplication", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.GetEnvironment(ctx(t), &appconfig.GetEnvironmentInput{ApplicationId: aws.String("nosuch1"), EnvironmentId: aws.String(env)})
		asError[*types.ResourceNotFoundException](t, err)
	})
}

func TestUpdateEnvironment(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	app := createApplication(t, ts.control, "app")
	env := createEnvironment(t, ts.control, app, "before")

	out, err := ts.control.UpdateEnvironment(ctx(t), &appconfig.UpdateEnvironmentInput{
		ApplicationId: aws.String(app),
		EnvironmentId: aws.String(env),
		Name:          aws.String("after"),
		Description:   aws.String("changed"),
		Monitors:      []types.Monitor{{AlarmArn: aws.String(alarmARN)}},
	})
	if err != nil {
		t.Fatalf("UpdateEnvironment: %v", err)
	}
	checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
	if aws.ToString(out.Name) != "after" || aws.ToString(out.Description) != "changed" {
		t.Errorf("UpdateEnvironment = {Name %q Description %q}; want {after changed}", aws.ToString(out.Name), aws.ToString(out.Description))
	}
	if len(out.Monitors) != 1 || aws.ToString(out.Monitors[0].AlarmArn) != alarmARN {
		t.Errorf("Monitors = %+v; want one monitor of %s", out.Monitors, alarmARN)
	}
	if got, want := string(out.State), "ReadyForDeployment"; got != want {
		t.Errorf("State = %q; want %q", got, want)
	}

	// Absent members stay as they are.
	out, err = ts.control.UpdateEnvironment(ctx(t), &appconfig.UpdateEnvironmentInput{
		ApplicationId: aws.String(app),
		EnvironmentId: aws.String(env),
		Description:   aws.String("again"),
	})
	if err != nil {
		t.Fatalf("UpdateEnvironment(Description only): %v", err)
	}
	if aws.ToString(out.Name) != "after" || len(out.Monitors) != 1 {
		t.Errorf("after a Description-only update: Name %q, %d monitors; want Name after, 1 monitor", aws.ToString(out.Name), len(out.Monitors))
	}

	t.Run("Unknown", func(t *testing.T) {
		_, err := ts.control.UpdateEnvironment(ctx(t), &appconfig.UpdateEnvironmentInput{
			ApplicationId: aws.String(app),
			EnvironmentId: aws.String("nosuch1"),
			Name:          aws.String("x"),
		})
		asError[*types.ResourceNotFoundException](t, err)
	})

	t.Run("NameTooLong", func(t *testing.T) {
		_, err := ts.control.UpdateEnvironment(ctx(t), &appconfig.UpdateEnvironmentInput{
			ApplicationId: aws.String(app),
			EnvironmentId: aws.String(env),
			Name:          aws.String(strings.Repeat("x", 65)),
		})
		asError[*types.BadRequestException](t, err)
	})
}

func TestDeleteEnvironment(t *testing.T) {
	t.Parallel()

	t.Run("Idle", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		out, err := ts.control.DeleteEnvironment(ctx(t), &appconfig.DeleteEnvironmentInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env)})
		if err != nil {
			t.Fatalf("DeleteEnvironment: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusNoContent)
		_, err = ts.control.GetEnvironment(ctx(t), &appconfig.GetEnvironmentInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env)})
		asError[*types.ResourceNotFoundException](t, err)
	})

	t.Run("AfterCompletedDeployment", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte(`{}`), "application/json", "")
		ts.advance(t, bakeTime)
		if _, err := ts.control.DeleteEnvironment(ctx(t), &appconfig.DeleteEnvironmentInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env)}); err != nil {
			t.Fatalf("DeleteEnvironment after the deployment completed: %v", err)
		}
		_, err := ts.control.ListDeployments(ctx(t), &appconfig.ListDeploymentsInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env)})
		asError[*types.ResourceNotFoundException](t, err)
	})

	t.Run("DuringDeployment", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		deployVersion(t, ts.control, fx, []byte(`{}`), "application/json", "")
		_, err := ts.control.DeleteEnvironment(ctx(t), &appconfig.DeleteEnvironmentInput{ApplicationId: aws.String(fx.app), EnvironmentId: aws.String(fx.env)})
		asError[*types.ConflictException](t, err)
		checkStatus(t, err, http.StatusConflict)
	})

	t.Run("Unknown", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		app := createApplication(t, ts.control, "app")
		_, err := ts.control.DeleteEnvironment(ctx(t), &appconfig.DeleteEnvironmentInput{ApplicationId: aws.String(app), EnvironmentId: aws.String("nosuch1")})
		asError[*types.ResourceNotFoundException](t, err)
	})
}

func TestListEnvironments(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	app := createApplication(t, ts.control, "app")
	var want []string
	for _, name := range []string{"dev", "test", "stage", "prod"} {
		want = append(want, createEnvironment(t, ts.control, app, name))
	}

	p := appconfig.NewListEnvironmentsPaginator(ts.control, &appconfig.ListEnvironmentsInput{ApplicationId: aws.String(app), MaxResults: aws.Int32(3)})
	var got []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		pages++
		for _, e := range page.Items {
			got = append(got, aws.ToString(e.Id))
			if string(e.State) != "ReadyForDeployment" {
				t.Errorf("environment %s State = %q; want ReadyForDeployment", aws.ToString(e.Name), e.State)
			}
			if aws.ToString(e.ApplicationId) != app {
				t.Errorf("environment %s ApplicationId = %q; want %q", aws.ToString(e.Name), aws.ToString(e.ApplicationId), app)
			}
		}
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("IDs = %v; want %v in creation order", got, want)
	}
	if pages != 2 {
		t.Errorf("pages = %d; want 2", pages)
	}

	t.Run("UnknownApplication", func(t *testing.T) {
		_, err := ts.control.ListEnvironments(ctx(t), &appconfig.ListEnvironmentsInput{ApplicationId: aws.String("nosuch1")})
		asError[*types.ResourceNotFoundException](t, err)
	})

	t.Run("MaxResults51", func(t *testing.T) {
		_, err := ts.control.ListEnvironments(ctx(t), &appconfig.ListEnvironmentsInput{ApplicationId: aws.String(app), MaxResults: aws.Int32(51)})
		asError[*types.BadRequestException](t, err)
	})
}
