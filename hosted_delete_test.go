package appconfigd_test

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

// served starts a session on the fixture's environment and profile and
// returns the content its first poll gets.
func (f *rolloutFixture) served(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	token := must(f.svc.StartConfigurationSession(ctx, appconfigd.StartSessionInput{
		ApplicationIdentifier: f.app.ID, EnvironmentIdentifier: f.env.ID, ConfigurationProfileIdentifier: f.profile.ID,
	}))
	return string(must(f.svc.GetLatestConfiguration(ctx, token, appconfigd.PollOptions{})).Content)
}

// deletedVersions returns the numbers of the versions the store keeps
// marked deleted.
func deletedVersions(t *testing.T, svc *appconfigd.Service) []int {
	t.Helper()
	var numbers []int
	err := svc.Store.View(t.Context(), func(tx appconfigd.Tx) error {
		vs, err := tx.ListDeletedHostedConfigurationVersions(t.Context())
		for _, v := range vs {
			numbers = append(numbers, v.VersionNumber)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return numbers
}

// TestDeleteDeployedVersion deletes the version an environment serves, as
// Terraform does when it replaces a version (docs/COMPATIBILITY.md,
// "Deleting a deployed hosted version"): the control plane forgets it at
// once, the data plane serves it until a deployment replaces it, rollbacks
// and reverts return to it, and it is purged when nothing can.
func TestDeleteDeployedVersion(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newRolloutFixture(t)
	instant := appconfigd.DeploymentStrategy{Name: "instant", GrowthFactor: 100}
	linear := appconfigd.DeploymentStrategy{Name: "linear", DeploymentDurationInMinutes: 10, GrowthType: appconfigd.GrowthLinear, GrowthFactor: 50}
	if err := f.svc.DeleteHostedConfigurationVersion(ctx, f.app.ID, f.profile.ID, f.v1.VersionNumber); err != nil {
		t.Fatalf("DeleteHostedConfigurationVersion of the deployed version: %v", err)
	}

	t.Run("GoneFromTheControlPlane", func(t *testing.T) {
		_, err := f.svc.GetHostedConfigurationVersion(ctx, f.app.ID, f.profile.ID, f.v1.VersionNumber)
		if got := appconfigd.ErrorCodeOf(err); got != appconfigd.ENotFound {
			t.Errorf("GetHostedConfigurationVersion of the deleted version: %v, want ENotFound", err)
		}
		list := must(f.svc.ListHostedConfigurationVersions(ctx, f.app.ID, f.profile.ID, appconfigd.HostedConfigurationVersionFilter{}, appconfigd.ListInput{}))
		if len(list.Items) != 1 || list.Items[0].VersionNumber != f.v2.VersionNumber {
			t.Errorf("ListHostedConfigurationVersions = %d items, want only version %d", len(list.Items), f.v2.VersionNumber)
		}
		_, err = f.svc.StartDeployment(ctx, f.app.ID, f.env.ID, appconfigd.StartDeploymentInput{
			DeploymentStrategyID: "AppConfig.AllAtOnce", ConfigurationProfileID: f.profile.ID, ConfigurationVersion: itoa(f.v1.VersionNumber),
		})
		if got := appconfigd.ErrorCodeOf(err); got != appconfigd.ENotFound {
			t.Errorf("StartDeployment of the deleted version: %v, want ENotFound", err)
		}
		err = f.svc.DeleteHostedConfigurationVersion(ctx, f.app.ID, f.profile.ID, f.v1.VersionNumber)
		if got := appconfigd.ErrorCodeOf(err); got != appconfigd.ENotFound {
			t.Errorf("deleting the version again: %v, want ENotFound", err)
		}
	})
	if got := f.served(t); got != "v1" {
		t.Fatalf("after deleting the deployed version a new session gets %q, want v1 until a deployment replaces it", got)
	}

	d := f.deploy(t, linear, f.v2)
	must(f.svc.StopDeployment(ctx, f.app.ID, f.env.ID, d.DeploymentNumber, false))
	if got := f.served(t); got != "v1" {
		t.Fatalf("after rolling back a deployment over the deleted version a new session gets %q, want v1", got)
	}

	d = f.deploy(t, instant, f.v2)
	if got := f.served(t); got != "v2" {
		t.Fatalf("after deploying v2 a new session gets %q, want v2", got)
	}
	if got := deletedVersions(t, f.svc); len(got) != 1 || got[0] != f.v1.VersionNumber {
		t.Fatalf("versions kept marked deleted while a revert may return to v1 = %v, want [%d]", got, f.v1.VersionNumber)
	}
	must(f.svc.StopDeployment(ctx, f.app.ID, f.env.ID, d.DeploymentNumber, true))
	if got := f.served(t); got != "v1" {
		t.Fatalf("after reverting to the deleted version a new session gets %q, want v1", got)
	}

	f.deploy(t, instant, f.v2)
	f.clock.Advance(appconfigd.RevertWindow + time.Second)
	// The deployment engine looks for versions to purge now and then,
	// even when no deployment changed.
	must(f.svc.AdvanceDeployments(ctx))
	if got := deletedVersions(t, f.svc); len(got) != 0 {
		t.Errorf("versions marked deleted once nothing can serve them = %v, want none", got)
	}
	if got := f.served(t); got != "v2" {
		t.Errorf("after the purge a new session gets %q, want v2", got)
	}
}

// TestDeleteUndeployedVersion deletes a version no environment serves: it
// is removed at once, not kept marked deleted.
func TestDeleteUndeployedVersion(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	f := newRolloutFixture(t)
	if err := f.svc.DeleteHostedConfigurationVersion(ctx, f.app.ID, f.profile.ID, f.v2.VersionNumber); err != nil {
		t.Fatalf("DeleteHostedConfigurationVersion: %v", err)
	}
	if got := deletedVersions(t, f.svc); len(got) != 0 {
		t.Errorf("versions marked deleted = %v, want none: nothing served version %d", got, f.v2.VersionNumber)
	}
}

// deploymentLoads is a Store that counts how often every deployment is
// loaded (ListServingDeployments), inside writes and in reads.
type deploymentLoads struct {
	appconfigd.Store
	inWrites, inReads atomic.Int32
}

func (s *deploymentLoads) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return s.Store.Update(ctx, func(tx appconfigd.Tx) error { return fn(countingTx{tx, &s.inWrites}) })
}

func (s *deploymentLoads) View(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	return s.Store.View(ctx, func(tx appconfigd.Tx) error { return fn(countingTx{tx, &s.inReads}) })
}

// reset forgets the loads counted so far.
func (s *deploymentLoads) reset() {
	s.inWrites.Store(0)
	s.inReads.Store(0)
}

// countingTx counts its calls of ListServingDeployments in n.
type countingTx struct {
	appconfigd.Tx
	n *atomic.Int32
}

func (tx countingTx) ListServingDeployments(ctx context.Context) ([]*appconfigd.Deployment, error) {
	tx.n.Add(1)
	return tx.Tx.ListServingDeployments(ctx)
}

// TestPurgeCost keeps a deleted version that a revert may return to, as
// Terraform leaves one after every change of content, and checks that
// looking for versions to purge stays cheap: a write that changes no
// deployment never loads every deployment, neither inside the write nor
// for the data plane's view, which re-reads only the application; the
// deployment engine's passes load none until the purge is due; the
// version is purged once the revert window passed.
func TestPurgeCost(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := &deploymentLoads{Store: newSQLiteStore(t)}
	f := newRolloutFixtureOn(t, store)
	f.deploy(t, appconfigd.DeploymentStrategy{Name: "instant", GrowthFactor: 100}, f.v2)
	if err := f.svc.DeleteHostedConfigurationVersion(ctx, f.app.ID, f.profile.ID, f.v1.VersionNumber); err != nil {
		t.Fatalf("DeleteHostedConfigurationVersion of the version a revert returns to: %v", err)
	}
	if got := deletedVersions(t, f.svc); len(got) != 1 {
		t.Fatalf("versions kept marked deleted = %v, want [%d]", got, f.v1.VersionNumber)
	}

	store.reset()
	must(f.svc.UpdateApplication(ctx, f.app.ID, appconfigd.ApplicationUpdate{Description: new("renamed")}))
	if got, want := store.inWrites.Load(), int32(0); got != want {
		t.Errorf("UpdateApplication loaded every deployment %d times inside writes, want %d", got, want)
	}
	if got, want := store.inReads.Load(), int32(0); got != want {
		t.Errorf("UpdateApplication loaded every deployment %d times in reads, want %d", got, want)
	}

	store.reset()
	for range 3 {
		f.clock.Advance(time.Minute)
		must(f.svc.AdvanceDeployments(ctx))
	}
	if got := store.inWrites.Load() + store.inReads.Load(); got != 0 {
		t.Errorf("passes of the deployment engine with nothing to do loaded every deployment %d times, want none", got)
	}

	f.clock.Advance(appconfigd.RevertWindow)
	must(f.svc.AdvanceDeployments(ctx))
	if got := deletedVersions(t, f.svc); len(got) != 0 {
		t.Errorf("versions kept marked deleted after the revert window = %v, want none", got)
	}
}

// applicationLoads is a Store that records, for each write, the
// applications whose deployments it loaded (ListApplicationServingDeployments).
type applicationLoads struct {
	appconfigd.Store
	mu     sync.Mutex
	writes [][]string
}

func (s *applicationLoads) Update(ctx context.Context, fn func(tx appconfigd.Tx) error) error {
	var apps []string
	err := s.Store.Update(ctx, func(tx appconfigd.Tx) error { return fn(applicationLoadTx{tx, &apps}) })
	s.mu.Lock()
	defer s.mu.Unlock()
	s.writes = append(s.writes, apps)
	return err
}

// take returns the applications loaded by each write since the last take.
func (s *applicationLoads) take() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.writes
	s.writes = nil
	return w
}

// applicationLoadTx appends to apps the application of its every call of
// ListApplicationServingDeployments.
type applicationLoadTx struct {
	appconfigd.Tx
	apps *[]string
}

func (tx applicationLoadTx) ListApplicationServingDeployments(ctx context.Context, appID string) ([]*appconfigd.Deployment, error) {
	*tx.apps = append(*tx.apps, appID)
	return tx.Tx.ListApplicationServingDeployments(ctx, appID)
}

// TestPurgeDecidesOnlyTheCandidatesApplications keeps two deleted
// versions, one that an environment serves and one that only a revert
// could return to, in two applications. When the revert window passes,
// the purge's write loads the deployments of the application whose
// version became unneeded, not of every application with a deleted
// version, and removes that version alone.
func TestPurgeDecidesOnlyTheCandidatesApplications(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	store := &applicationLoads{Store: newSQLiteStore(t)}
	f := newRolloutFixtureOn(t, store)
	must(0, f.svc.DeleteHostedConfigurationVersion(ctx, f.app.ID, f.profile.ID, f.v1.VersionNumber))

	other := must(f.svc.CreateApplication(ctx, &appconfigd.Application{Name: "other"}, nil))
	env := must(f.svc.CreateEnvironment(ctx, other.ID, &appconfigd.Environment{Name: "env"}, nil))
	p := must(f.svc.CreateConfigurationProfile(ctx, other.ID, &appconfigd.ConfigurationProfile{Name: "p", LocationURI: "hosted"}, nil))
	instant := must(f.svc.CreateDeploymentStrategy(ctx, &appconfigd.DeploymentStrategy{Name: "instant", GrowthFactor: 100}, nil))
	var replaced *appconfigd.HostedConfigurationVersion
	for _, content := range []string{"w1", "w2"} {
		v := must(f.svc.CreateHostedConfigurationVersion(ctx, other.ID, p.ID, &appconfigd.HostedConfigurationVersion{Content: []byte(content), ContentType: "text/plain"}, nil))
		must(f.svc.StartDeployment(ctx, other.ID, env.ID, appconfigd.StartDeploymentInput{
			DeploymentStrategyID: instant.ID, ConfigurationProfileID: p.ID, ConfigurationVersion: itoa(v.VersionNumber),
		}))
		if replaced == nil {
			replaced = v
		}
	}
	must(0, f.svc.DeleteHostedConfigurationVersion(ctx, other.ID, p.ID, replaced.VersionNumber))
	if got := deletedVersions(t, f.svc); len(got) != 2 {
		t.Fatalf("versions kept marked deleted = %v, want the served one and the one a revert returns to", got)
	}

	store.take()
	f.clock.Advance(appconfigd.RevertWindow + time.Minute)
	must(f.svc.AdvanceDeployments(ctx))
	var loaded []string
	for _, apps := range store.take() {
		loaded = append(loaded, apps...)
	}
	if want := []string{other.ID}; !slices.Equal(loaded, want) {
		t.Errorf("the purge's writes loaded the deployments of %v, want only %v (application %s's deleted version is still served)", loaded, want, f.app.ID)
	}
	if got, want := deletedVersions(t, f.svc), []int{f.v1.VersionNumber}; !slices.Equal(got, want) {
		t.Errorf("versions kept marked deleted after the revert window = %v, want %v (the served one)", got, want)
	}
}
