package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

func timeSpecs() []spec {
	return []spec{
		{"RoundTripToTheNanosecondInUTC", func(t *testing.T, s appconfigd.Store) {
			instants := []time.Time{
				instant(0),
				time.Unix(0, 0),
				time.Unix(0, -1),
				time.Date(1999, time.December, 31, 23, 59, 59, 999999999, time.FixedZone("", -5*60*60)),
				time.Date(2200, time.January, 1, 0, 0, 0, 1, time.UTC),
				time.Now(), // with a monotonic clock reading
			}
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				for i, at := range instants {
					a := newApplication(fmt.Sprintf("app%04d", i), "times")
					a.CreatedAt = at
					if err := tx.CreateApplication(ctx, a); err != nil {
						return err
					}
				}
				return nil
			})
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				for i, want := range instants {
					a, err := tx.FindApplication(ctx, fmt.Sprintf("app%04d", i))
					if err != nil {
						return err
					}
					if got := a.CreatedAt; !got.Equal(want) {
						t.Errorf("CreatedAt = %v, want %v", got, want)
					}
					if got := a.CreatedAt.Location(); got != time.UTC {
						t.Errorf("CreatedAt of %v is in %v, want UTC", want, got)
					}
				}
				return nil
			})
		}},
		{"ZeroTimeRoundTrips", func(t *testing.T, s appconfigd.Store) {
			seedEnvironment(t, s, "app0001", "env0001")
			d := newDeployment("app0001", "env0001", 1, appconfigd.DeploymentDeploying)
			d.StartedAt, d.CompletedAt, d.EventLog[0].OccurredAt = time.Time{}, time.Time{}, time.Time{}
			createDeployments(t, s, d)
			got := findDeployment(t, s, "app0001", "env0001", 1)
			wantEqual(t, "FindDeployment", got, d)
			for what, at := range map[string]time.Time{
				"StartedAt": got.StartedAt, "CompletedAt": got.CompletedAt, "EventLog[0].OccurredAt": got.EventLog[0].OccurredAt,
			} {
				if !at.IsZero() {
					t.Errorf("%s = %v, want the zero time", what, at)
				}
			}
		}},
	}
}
