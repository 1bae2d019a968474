package storetest

import (
	"context"
	"strconv"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// newInvocation is an invocation of action name, failed when code is set.
func newInvocation(name, code string) appconfigd.ActionInvocation {
	inv := appconfigd.ActionInvocation{
		ExtensionIdentifier: "ext0001", ActionName: name, URI: "https://hooks.example.com/" + name,
		RoleARN: "arn:aws:iam::111122223333:role/hooks", InvocationID: "inv" + name,
	}
	if code != "" {
		inv.ErrorCode, inv.ErrorMessage = code, name+" failed"
	}
	return inv
}

func actionInvocationSpecs() []spec {
	return []spec{
		{"EventsKeepTheInvocationsTheyAreCreatedWith", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			want := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying)
			want.EventLog[1].ActionInvocations = []appconfigd.ActionInvocation{newInvocation("tick", ""), newInvocation("other", "Timeout")}
			createDeployments(t, s, want)
			wantEqual(t, "FindDeployment", findDeployment(t, s, "app0001", "env0001", 1), want)
			d := findDeployment(t, s, "app0001", "env0001", 1)
			d.EventLog = append(d.EventLog, appconfigd.DeploymentEvent{
				EventType: appconfigd.EventRollbackStarted, TriggeredBy: appconfigd.TriggeredByAppConfig, OccurredAt: instant(500),
				ActionInvocations: []appconfigd.ActionInvocation{newInvocation("rollback", "")},
			})
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.UpdateDeployment(ctx, d) })
			wantEqual(t, "FindDeployment after UpdateDeployment", findDeployment(t, s, "app0001", "env0001", 1), d)
		}},
		{"AddAppendsToOneEvent", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			want := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying)
			createDeployments(t, s, want)
			add := func(position int, invs ...appconfigd.ActionInvocation) {
				t.Helper()
				update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					return tx.AddActionInvocations(ctx, "app0001", "env0001", 1, position, invs)
				})
			}
			add(1, newInvocation("step", "Unreachable"))
			add(1, newInvocation("again", ""))
			add(0, newInvocation("start", ""))
			want.EventLog[0].ActionInvocations = []appconfigd.ActionInvocation{newInvocation("start", "")}
			want.EventLog[1].ActionInvocations = []appconfigd.ActionInvocation{newInvocation("step", "Unreachable"), newInvocation("again", "")}
			wantEqual(t, "FindDeployment", findDeployment(t, s, "app0001", "env0001", 1), want)
		}},
		{"AddToAMissingEventReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			createDeployments(t, s, newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying))
			for _, key := range []struct{ number, position int }{{1, 2}, {2, 0}} {
				err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					return tx.AddActionInvocations(ctx, "app0001", "env0001", key.number, key.position, []appconfigd.ActionInvocation{newInvocation("x", "")})
				})
				wantNotFound(t, err, appconfigd.ResourceDeployment, strconv.Itoa(key.number))
			}
		}},
	}
}
