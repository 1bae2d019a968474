package apptest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
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

// NewService opens a Service on store with clock, sealing tokens as the
// binary does and validators from validators (nil: AcceptAll). change,
// when set, adjusts the Service before it opens.
func NewService(t testing.TB, store appconfigd.Store, clock appconfigd.Clock, validators appconfigd.ValidatorRunner, change func(*appconfigd.Service)) *appconfigd.Service {
	t.Helper()
	if validators == nil {
		validators = AcceptAll{}
	}
	svc := appconfigd.NewService(store)
	svc.Clock = clock
	svc.Validators = validators
	svc.NewSealer = func(keys []appconfigd.SealingKey) (appconfigd.TokenSealer, error) {
		return token.NewSealer(keys, nil)
	}
	if change != nil {
		change(svc)
	}
	if err := svc.Open(t.Context()); err != nil {
		t.Fatalf("open service: %v", err)
	}
	return svc
}
