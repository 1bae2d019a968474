package apptest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/extensionhttp"
	"github.com/appconfigd/appconfigd/token"
)

// AcceptAll is a validator runner that accepts every validator and every
// configuration, for tests whose profiles have no validators or whose
// validators are not the point.
type AcceptAll struct{}

// Check implements appconfigd.ValidatorRunner.
func (AcceptAll) Check(appconfigd.Validator) error { return nil }

// Validate implements appconfigd.ValidatorRunner.
func (AcceptAll) Validate(context.Context, *appconfigd.ConfigurationProfile, *appconfigd.HostedConfigurationVersion) error {
	return nil
}

// SucceedingActions is an action invoker that takes the Uris the HTTP
// invoker takes and answers every action with success, calling nothing,
// for tests whose extensions' actions are not the point.
type SucceedingActions struct{}

// Check implements appconfigd.ActionInvoker as extensionhttp.Invoker does.
func (SucceedingActions) Check(uri string) error { return (&extensionhttp.Invoker{}).Check(uri) }

// Invoke implements appconfigd.ActionInvoker.
func (SucceedingActions) Invoke(context.Context, *appconfigd.ActionRequest) (*appconfigd.ActionResponse, error) {
	return &appconfigd.ActionResponse{}, nil
}

// NewService opens a Service on store with clock, sealing tokens as the
// binary does, validators from validators (nil: AcceptAll) and
// SucceedingActions. change, when set, adjusts the Service before it
// opens. The extension actions still running when the test ends are
// waited for, before the store closes when it was opened first.
func NewService(t testing.TB, store appconfigd.Store, clock appconfigd.Clock, validators appconfigd.ValidatorRunner, change func(*appconfigd.Service)) *appconfigd.Service {
	t.Helper()
	if validators == nil {
		validators = AcceptAll{}
	}
	svc := appconfigd.NewService(store)
	svc.Clock = clock
	svc.Validators = validators
	svc.Actions = SucceedingActions{}
	svc.NewSealer = func(keys []appconfigd.SealingKey) (appconfigd.TokenSealer, error) {
		return token.NewSealer(keys, nil)
	}
	if change != nil {
		change(svc)
	}
	if err := svc.Open(t.Context()); err != nil {
		t.Fatalf("open service: %v", err)
	}
	t.Cleanup(func() { svc.StopActions(context.Background()) })
	return svc
}
