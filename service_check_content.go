package appconfigd

import (
	"context"

	"github.com/appconfigd/appconfigd/featureflag"
)

// CheckConfigurationContent checks content as a new hosted version of a
// profile, without storing anything: the limits CreateHostedConfigurationVersion
// applies, for a feature-flag profile the document validation it does
// (docs/WIRE.md §4.1), and the profile's validators, which a deployment of
// that content would run (docs/WIRE.md §3.11). It returns the *Error the
// creation or the deployment would. The console's editor calls it before
// it saves, so that a user learns what a deployment would refuse while they
// still have their text.
func (s *Service) CheckConfigurationContent(ctx context.Context, appIdent, profileIdent string, content []byte, contentType string) error {
	v := &HostedConfigurationVersion{Content: content, ContentType: contentType}
	if err := v.Validate(s.Limits); err != nil {
		return err
	}
	var p *ConfigurationProfile
	var previous []byte
	err := s.Store.View(ctx, func(tx Tx) error {
		a, found, err := findApplicationProfile(ctx, tx, appIdent, profileIdent)
		if err != nil {
			return err
		}
		if err := authorizeRead(ctx, "ValidateConfiguration", a.ID, a.Name); err != nil {
			return err
		}
		p = found
		v.ApplicationID, v.ConfigurationProfileID = a.ID, p.ID
		if p.Type != ProfileTypeFeatureFlags {
			return nil
		}
		// The stamps the stored version would get come from the newest
		// remaining version, as in prepareFlags, so that validators see
		// the document a deployment would deploy.
		newest, _, err := tx.ListHostedConfigurationVersions(ctx, a.ID, p.ID, HostedConfigurationVersionFilter{}, Page{Limit: 1})
		if err != nil || len(newest) == 0 {
			return err
		}
		prev, err := tx.FindHostedConfigurationVersion(ctx, a.ID, p.ID, newest[0].VersionNumber)
		if err != nil {
			return err
		}
		previous = prev.Content
		return nil
	})
	if err != nil {
		return err
	}
	if p.Type == ProfileTypeFeatureFlags {
		if err := featureflag.Validate(content); err != nil {
			return flagsError(err)
		}
		stamped, err := featureflag.Stamp(content, previous, s.now())
		if err != nil {
			return flagsError(err)
		}
		v.Content = stamped
	}
	if len(p.Validators) == 0 {
		return nil
	}
	return s.Validators.Validate(ctx, p, v)
}
