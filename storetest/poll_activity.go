package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// lastPolled returns LastPolled read in its own View.
func lastPolled(t *testing.T, s appconfigd.Store, r appconfigd.PolledResource) time.Time {
	t.Helper()
	var got time.Time
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		var err error
		got, err = tx.LastPolled(ctx, r)
		return err
	})
	return got
}

// raiseLastPolled calls RaiseLastPolled in its own Update.
func raiseLastPolled(t *testing.T, s appconfigd.Store, r appconfigd.PolledResource, at time.Time) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.RaiseLastPolled(ctx, r, at) })
}

func pollActivitySpecs() []spec {
	env := appconfigd.PolledResource{Type: appconfigd.ResourceEnvironment, ApplicationID: "app1", ID: "env1"}
	profile := appconfigd.PolledResource{Type: appconfigd.ResourceConfigurationProfile, ApplicationID: "app1", ID: "env1"}
	seed := func(t *testing.T, s appconfigd.Store) {
		t.Helper()
		// The environment and the profile share an ID, so that a mix-up
		// of the two shows.
		seedEnvironment(t, s, "app1", "env1")
		update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
			return tx.CreateConfigurationProfile(ctx, newProfile("app1", "env1", "profile"))
		})
	}
	return []spec{
		{"NeverPolledIsZero", func(t *testing.T, s appconfigd.Store) {
			seed(t, s)
			for _, r := range []appconfigd.PolledResource{env, profile} {
				if got := lastPolled(t, s, r); !got.IsZero() {
					t.Errorf("LastPolled(%+v) = %v, want the zero time", r, got)
				}
			}
		}},
		{"RaiseKeepsTheLatest", func(t *testing.T, s appconfigd.Store) {
			seed(t, s)
			raiseLastPolled(t, s, env, instant(5))
			raiseLastPolled(t, s, env, instant(4))
			wantEqual(t, "LastPolled after polls at 5 then 4", lastPolled(t, s, env), instant(5))
			raiseLastPolled(t, s, env, instant(6))
			wantEqual(t, "LastPolled after a poll at 6", lastPolled(t, s, env), instant(6))
		}},
		{"EnvironmentAndProfileAreApart", func(t *testing.T, s appconfigd.Store) {
			seed(t, s)
			raiseLastPolled(t, s, profile, instant(7))
			if got := lastPolled(t, s, env); !got.IsZero() {
				t.Errorf("LastPolled(environment) = %v after a poll of the profile with the same ID, want the zero time", got)
			}
			wantEqual(t, "LastPolled(profile)", lastPolled(t, s, profile), instant(7))
		}},
		{"MissingResourceIsNoError", func(t *testing.T, s appconfigd.Store) {
			missing := appconfigd.PolledResource{Type: appconfigd.ResourceEnvironment, ApplicationID: "app1", ID: "gone"}
			raiseLastPolled(t, s, missing, instant(1))
			if got := lastPolled(t, s, missing); !got.IsZero() {
				t.Errorf("LastPolled of a missing environment = %v, want the zero time", got)
			}
		}},
		{"DeleteForgets", func(t *testing.T, s appconfigd.Store) {
			seed(t, s)
			raiseLastPolled(t, s, env, instant(3))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.DeleteEnvironment(ctx, "app1", "env1") })
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateEnvironment(ctx, newEnvironment("app1", "env1", "again"))
			})
			if got := lastPolled(t, s, env); !got.IsZero() {
				t.Errorf("LastPolled of an environment created again with the ID of a deleted one = %v, want the zero time", got)
			}
		}},
	}
}
