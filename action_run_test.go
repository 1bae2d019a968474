package appconfigd_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/appconfigd/appconfigd"
)

// fakeInvoker answers every action with the response its URI maps to and
// remembers the requests.
type fakeInvoker struct {
	answers map[string]*appconfigd.ActionResponse
	err     error

	mu   sync.Mutex
	reqs []appconfigd.ActionRequest
}

func (f *fakeInvoker) Check(string) error { return nil }

func (f *fakeInvoker) Invoke(_ context.Context, req *appconfigd.ActionRequest) (*appconfigd.ActionResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reqs = append(f.reqs, *req)
	if f.err != nil {
		return nil, f.err
	}
	if resp, ok := f.answers[req.Action.URI]; ok {
		return resp, nil
	}
	return &appconfigd.ActionResponse{}, nil
}

// binding makes an association of a one-action extension at point with
// the given URI.
func binding(name string, point appconfigd.ActionPoint, uri string) appconfigd.ActionBinding {
	return appconfigd.ActionBinding{
		Extension: &appconfigd.Extension{
			ID:            name + "-id",
			Name:          name,
			VersionNumber: 2,
			Actions: map[appconfigd.ActionPoint][]appconfigd.ExtensionAction{
				point: {{Name: name + "Action", URI: uri, RoleARN: "arn:aws:iam::123456789012:role/r"}},
			},
		},
		Association: &appconfigd.ExtensionAssociation{ID: name + "-assoc", Parameters: map[string]string{"bucket": "b1"}},
	}
}

// newRunner returns a runner whose invocation IDs are predictable.
func newRunner(inv appconfigd.ActionInvoker) appconfigd.ActionRunner {
	return appconfigd.ActionRunner{Invoker: inv, Rand: bytes.NewReader(bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 64))}
}

func deploymentEvent(point appconfigd.ActionPoint) appconfigd.ActionEvent {
	return appconfigd.ActionEvent{
		Point:                point,
		Application:          appconfigd.ActionResource{ID: "app1234", Name: "app"},
		Environment:          appconfigd.ActionResource{ID: "env1234", Name: "prod"},
		ConfigurationProfile: appconfigd.ActionResource{ID: "pro1234", Name: "flags"},
		DeploymentNumber:     3,
		ConfigurationVersion: "2",
		Content:              []byte(`{"a":1}`),
		ContentType:          "application/json",
	}
}

func TestActionRunnerRun(t *testing.T) {
	t.Parallel()

	t.Run("RecordsEveryInvocationInOrder", func(t *testing.T) {
		t.Parallel()
		inv := &fakeInvoker{}
		point := appconfigd.ActionOnDeploymentComplete
		out, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{
			binding("first", point, "http://a.test/"),
			binding("other", appconfigd.ActionOnDeploymentStart, "http://skipped.test/"),
			binding("second", point, "http://b.test/"),
		})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		var got []string
		for _, i := range out.Invocations {
			got = append(got, i.ExtensionIdentifier+" "+i.ActionName+" "+i.URI)
			if len(i.InvocationID) != 7 || i.ErrorCode != "" {
				t.Errorf("invocation %+v: want a 7-character ID and no error", i)
			}
		}
		want := []string{"first-id firstAction http://a.test/", "second-id secondAction http://b.test/"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("invocations (-want +got):\n%s", diff)
		}
		if out.Invocations[0].InvocationID == out.Invocations[1].InvocationID {
			t.Errorf("both invocations have ID %q, want distinct IDs", out.Invocations[0].InvocationID)
		}
		if out.Invocations[0].InvocationID != inv.reqs[0].InvocationID {
			t.Errorf("recorded ID %q, sent %q: want the same", out.Invocations[0].InvocationID, inv.reqs[0].InvocationID)
		}
	})

	t.Run("OnActionsGetNoContent", func(t *testing.T) {
		t.Parallel()
		inv := &fakeInvoker{}
		point := appconfigd.ActionOnDeploymentStart
		if _, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{binding("x", point, "http://a.test/")}); err != nil {
			t.Fatalf("Run: %v", err)
		}
		if got := inv.reqs[0]; got.Content != nil || got.ContentType != "" {
			t.Errorf("ON_DEPLOYMENT_START request has Content %q, ContentType %q; want neither", got.Content, got.ContentType)
		}
	})

	t.Run("PreActionsChainContent", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionPreCreateHostedConfigurationVersion
		inv := &fakeInvoker{answers: map[string]*appconfigd.ActionResponse{
			"http://a.test/": {HasContent: true, Content: []byte(`{"a":2}`)},
			"http://b.test/": {},
		}}
		out, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{
			binding("first", point, "http://a.test/"), binding("second", point, "http://b.test/"),
		})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if got := string(inv.reqs[1].Content); got != `{"a":2}` {
			t.Errorf("second action received %s, want the first action's content {\"a\":2}", got)
		}
		if got := string(out.Content); got != `{"a":2}` {
			t.Errorf("Content = %s, want {\"a\":2}", got)
		}
	})

	t.Run("UnchangedContentIsTheEvents", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionPreStartDeployment
		out, err := newRunner(&fakeInvoker{}).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{binding("x", point, "http://a.test/")})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if got := string(out.Content); got != `{"a":1}` {
			t.Errorf("Content = %s, want the event's {\"a\":1}", got)
		}
	})

	t.Run("FailedPreActionBlocks", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionPreStartDeployment
		inv := &fakeInvoker{answers: map[string]*appconfigd.ActionResponse{
			"http://a.test/": {Error: "Blocked", Message: "Calendar is closed", Details: `["x"]`},
		}}
		out, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{
			binding("Calendar", point, "http://a.test/"), binding("later", point, "http://b.test/"),
		})
		var e *appconfigd.Error
		if !errors.As(err, &e) || e.Code != appconfigd.EBadRequest {
			t.Fatalf("Run error = %v, want an EBadRequest *Error", err)
		}
		if want := "Error invoking extension Calendar: Calendar is closed"; e.Message != want {
			t.Errorf("message = %q, want %q", e.Message, want)
		}
		wantDetail := []appconfigd.InvalidConfigurationDetail{{Reason: "Calendar is closed", Type: "Blocked", Value: `["x"]`}}
		if diff := cmp.Diff(wantDetail, e.InvalidConfiguration); diff != "" {
			t.Errorf("details (-want +got):\n%s", diff)
		}
		if len(inv.reqs) != 1 {
			t.Errorf("%d actions ran, want 1: a failed PRE_ action stops the run", len(inv.reqs))
		}
		if len(out.Invocations) != 1 || out.Invocations[0].ErrorCode != "Blocked" || out.Invocations[0].ErrorMessage != "Calendar is closed" {
			t.Errorf("invocations = %+v, want the failed one recorded", out.Invocations)
		}
	})

	t.Run("FailureWithoutMessageNamesItsCode", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionPreCreateHostedConfigurationVersion
		inv := &fakeInvoker{answers: map[string]*appconfigd.ActionResponse{"http://a.test/": {Error: "BadRequestError"}}}
		_, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{binding("PII", point, "http://a.test/")})
		if want := "Error invoking extension PII: BadRequestError"; err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Run error = %v, want one containing %q", err, want)
		}
	})

	t.Run("FailedOnActionIsRecordedOnly", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionOnDeploymentRolledBack
		inv := &fakeInvoker{answers: map[string]*appconfigd.ActionResponse{"http://a.test/": {Error: "Timeout", Message: "no answer"}}}
		out, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{
			binding("first", point, "http://a.test/"), binding("second", point, "http://b.test/"),
		})
		if err != nil {
			t.Fatalf("Run: %v, want a failed ON_ action not to stop anything", err)
		}
		if len(out.Invocations) != 2 || out.Invocations[0].ErrorCode != "Timeout" || out.Invocations[1].ErrorCode != "" {
			t.Errorf("invocations = %+v, want the first failed and the second run", out.Invocations)
		}
	})

	t.Run("TickRollsBack", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionAtDeploymentTick
		inv := &fakeInvoker{answers: map[string]*appconfigd.ActionResponse{
			"http://a.test/": {Directive: appconfigd.ActionContinue},
			"http://b.test/": {Directive: appconfigd.ActionRollBack, Description: "Monitor 7 is not OK"},
		}}
		out, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{
			binding("ok", point, "http://a.test/"), binding("Datadog", point, "http://b.test/"), binding("late", point, "http://c.test/"),
		})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		if !out.RollBack || out.RollBackReason != "Extension Datadog rolled the deployment back: Monitor 7 is not OK" {
			t.Errorf("RollBack = %v, %q; want true with the monitor's description", out.RollBack, out.RollBackReason)
		}
		if len(inv.reqs) != 2 {
			t.Errorf("%d actions ran, want 2: nothing runs after a rollback", len(inv.reqs))
		}
	})

	t.Run("FailedTickRollsBack", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionAtDeploymentTick
		inv := &fakeInvoker{answers: map[string]*appconfigd.ActionResponse{"http://a.test/": {Error: "Unreachable", Message: "connection refused"}}}
		out, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{
			binding("x", point, "http://a.test/"), binding("late", point, "http://b.test/"),
		})
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
		want := "Extension x failed at AT_DEPLOYMENT_TICK: connection refused"
		if !out.RollBack || out.RollBackReason != want {
			t.Errorf("RollBack = %v, %q; want true, %q", out.RollBack, out.RollBackReason, want)
		}
		if len(out.Invocations) != 1 || out.Invocations[0].ErrorCode != "Unreachable" {
			t.Errorf("invocations = %+v, want the failed one only", out.Invocations)
		}
	})

	t.Run("RollBackOutsideTickIsIgnored", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionOnDeploymentStep
		inv := &fakeInvoker{answers: map[string]*appconfigd.ActionResponse{"http://a.test/": {Directive: appconfigd.ActionRollBack}}}
		out, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{binding("x", point, "http://a.test/")})
		if err != nil || out.RollBack {
			t.Errorf("Run = RollBack %v, error %v; want neither", out.RollBack, err)
		}
	})

	t.Run("AWSOwnedExtensionsAreSkipped", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionOnDeploymentStart
		b := binding("AWS.AppConfig.DeploymentNotificationsToSns", point, "arn:aws:sns:us-east-1:123456789012:t")
		b.Extension.AWSOwned = true
		inv := &fakeInvoker{}
		out, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{b})
		if err != nil || len(inv.reqs) != 0 || len(out.Invocations) != 0 {
			t.Errorf("Run = %d requests, %d invocations, error %v; want nothing", len(inv.reqs), len(out.Invocations), err)
		}
	})

	t.Run("InvokerErrorStops", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionOnDeploymentStart
		_, err := newRunner(&fakeInvoker{err: context.Canceled}).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{binding("x", point, "http://a.test/")})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run error = %v, want context.Canceled", err)
		}
	})

	t.Run("ParametersMergeDynamicValues", func(t *testing.T) {
		t.Parallel()
		point := appconfigd.ActionPreStartDeployment
		b := binding("x", point, "http://a.test/")
		b.Dynamic = map[string]string{"ticket": "CHG-1"}
		inv := &fakeInvoker{}
		if _, err := newRunner(inv).Run(t.Context(), deploymentEvent(point), []appconfigd.ActionBinding{b}); err != nil {
			t.Fatalf("Run: %v", err)
		}
		want := map[string]string{"bucket": "b1", "ticket": "CHG-1"}
		if diff := cmp.Diff(want, inv.reqs[0].Parameters); diff != "" {
			t.Errorf("parameters (-want +got):\n%s", diff)
		}
	})
}

func TestActionBindingApplied(t *testing.T) {
	t.Parallel()
	b := binding("x", appconfigd.ActionOnDeploymentStart, "http://a.test/")
	b.Dynamic = map[string]string{"bucket": "b2"}
	want := appconfigd.AppliedExtension{ExtensionID: "x-id", ExtensionAssociationID: "x-assoc", VersionNumber: 2, Parameters: map[string]string{"bucket": "b2"}}
	if diff := cmp.Diff(want, b.Applied()); diff != "" {
		t.Errorf("Applied (-want +got):\n%s", diff)
	}
}

func TestActionBindingCheckRequired(t *testing.T) {
	t.Parallel()
	params := map[string]appconfigd.ExtensionParameter{
		"bucket": {Required: true},
		"ticket": {Required: true, Dynamic: true},
		"note":   {},
	}
	tests := []struct {
		name        string
		association map[string]string
		dynamic     map[string]string
		wantErr     string
	}{
		{"AllGiven", map[string]string{"bucket": "b"}, map[string]string{"ticket": "t"}, ""},
		{"MissingDynamic", map[string]string{"bucket": "b"}, nil, `requires the dynamic parameter "ticket": give it in DynamicExtensionParameters as "x#ticket"`},
		{"MissingStatic", nil, map[string]string{"ticket": "t"}, `requires the parameter "bucket", which association x-assoc does not set`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := binding("x", appconfigd.ActionPreStartDeployment, "http://a.test/")
			b.Extension.Parameters = params
			b.Association.Parameters = tt.association
			b.Dynamic = tt.dynamic
			err := b.CheckRequired()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("CheckRequired = %v, want nil", err)
				}
				return
			}
			if !appconfigd.IsCode(err, appconfigd.EBadRequest) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("CheckRequired = %v, want EBadRequest containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDynamicParametersFor(t *testing.T) {
	t.Parallel()
	e := &appconfigd.Extension{ID: "abc1234", Name: "Backup"}
	arn := "arn:aws:appconfig:us-east-1:123456789012:extension/abc1234/1"
	dynamic := map[string]string{
		"Backup#bucket":       "by-name",
		"abc1234#ticket":      "by-id",
		arn + "#region":       "by-arn",
		"Other#bucket":        "not-ours",
		"no-separator-at-all": "ignored",
	}
	values, keys := appconfigd.DynamicParametersFor(dynamic, e, arn)
	want := map[string]string{"bucket": "by-name", "ticket": "by-id", "region": "by-arn"}
	if diff := cmp.Diff(want, values); diff != "" {
		t.Errorf("DynamicParametersFor values (-want +got):\n%s", diff)
	}
	slices.Sort(keys)
	wantKeys := []string{"Backup#bucket", "abc1234#ticket", arn + "#region"}
	slices.Sort(wantKeys)
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("DynamicParametersFor keys (-want +got):\n%s", diff)
	}
}
