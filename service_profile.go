package appconfigd

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// CreateConfigurationProfile creates a configuration profile (docs/WIRE.md §3.7).
// appconfigd serves the hosted store only, so LocationUri must be "hosted".
func (s *Service) CreateConfigurationProfile(ctx context.Context, appIdent string, p *ConfigurationProfile, tags map[string]string) (*ConfigurationProfile, error) {
	if err := s.checkProfile(p); err != nil {
		return nil, err
	}
	if err := ValidateTags(tags, s.Limits.TagsPerResource); err != nil {
		return nil, err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		a, err := findApplication(ctx, tx, appIdent)
		if err != nil {
			return err
		}
		n, err := tx.CountConfigurationProfiles(ctx, a.ID)
		if err != nil {
			return err
		}
		if n >= s.Limits.ProfilesPerApplication {
			return Errorf(EServiceQuotaExceeded, "The number of configuration profiles per application cannot exceed %d", s.Limits.ProfilesPerApplication)
		}
		p.ApplicationID = a.ID
		if p.ID, err = s.newID(); err != nil {
			return err
		}
		p.CreatedAt = s.now()
		if err := tx.CreateConfigurationProfile(ctx, p); err != nil {
			return err
		}
		return tx.ReplaceTags(ctx, s.ConfigurationProfileARN(a.ID, p.ID), tags)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, p.ApplicationID)
	return p, nil
}

// GetConfigurationProfile returns a profile by ID or name.
func (s *Service) GetConfigurationProfile(ctx context.Context, appIdent, profileIdent string) (p *ConfigurationProfile, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		_, p, err = findApplicationProfile(ctx, tx, appIdent, profileIdent)
		return err
	})
	return p, err
}

// ListConfigurationProfiles lists an application's profiles in creation
// order, optionally only those of one type.
func (s *Service) ListConfigurationProfiles(ctx context.Context, appIdent string, filter ConfigurationProfileFilter, in ListInput) (*ListOutput[*ConfigurationProfile], error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	if t := filter.Type; t != "" && t != ProfileTypeFreeform && t != ProfileTypeFeatureFlags {
		return nil, badRequest("Type must be %s or %s, got %q", ProfileTypeFreeform, ProfileTypeFeatureFlags, truncateRunes(t, 64))
	}
	out := &ListOutput[*ConfigurationProfile]{}
	err = s.Store.View(ctx, func(tx Tx) error {
		a, err := findApplication(ctx, tx, appIdent)
		if err != nil {
			return err
		}
		items, next, err := tx.ListConfigurationProfiles(ctx, a.ID, filter, page)
		out.Items, out.NextToken = items, nextToken(next)
		return err
	})
	return out, err
}

// UpdateConfigurationProfile changes a profile's mutable members.
func (s *Service) UpdateConfigurationProfile(ctx context.Context, appIdent, profileIdent string, u ConfigurationProfileUpdate) (p *ConfigurationProfile, err error) {
	err = s.Store.Update(ctx, func(tx Tx) error {
		if _, p, err = findApplicationProfile(ctx, tx, appIdent, profileIdent); err != nil {
			return err
		}
		u.Apply(p)
		if err := s.checkProfile(p); err != nil {
			return err
		}
		return tx.UpdateConfigurationProfile(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	s.changed(ctx, p.ApplicationID)
	return p, nil
}

// DeleteConfigurationProfile deletes a profile. Its hosted versions must be
// deleted first and none of its deployments may be in progress, and
// deletion protection may keep it under check (docs/WIRE.md §3.14).
func (s *Service) DeleteConfigurationProfile(ctx context.Context, appIdent, profileIdent string, check DeletionProtectionCheck) error {
	if err := check.validate(); err != nil {
		return err
	}
	var appID string
	err := s.Store.Update(ctx, func(tx Tx) error {
		a, p, err := findApplicationProfile(ctx, tx, appIdent, profileIdent)
		if err != nil {
			return err
		}
		appID = a.ID
		n, err := tx.CountHostedConfigurationVersions(ctx, a.ID, p.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			// AWS's words, which Terraform users meet when destroying a
			// profile whose older versions it no longer tracks.
			return badRequest("Cannot delete configuration profile %s because there are still hosted configuration versions existing under it.", p.ID)
		}
		if err := checkNotDeploying(ctx, tx, p, s.now()); err != nil {
			return err
		}
		if err := s.checkDeletionProtection(ctx, tx, check, PolledResource{Type: ResourceConfigurationProfile, ApplicationID: a.ID, ID: p.ID}, p.CreatedAt); err != nil {
			return err
		}
		if err := s.deleteAssociationTags(ctx, tx, AssociatedResource{ApplicationID: a.ID, ConfigurationProfileID: p.ID}); err != nil {
			return err
		}
		if err := tx.ReplaceTags(ctx, s.ConfigurationProfileARN(a.ID, p.ID), nil); err != nil {
			return err
		}
		return tx.DeleteConfigurationProfile(ctx, a.ID, p.ID)
	})
	if err != nil {
		return err
	}
	s.changed(ctx, appID)
	return nil
}

// checkNotDeploying refuses to delete p while one of its deployments is in
// progress in any environment. Its versions may all be deleted by then,
// marked deleted while the deployment rolls one out, and a deployment must
// not outlive the profile it deploys (docs/WIRE.md §6 Q9). A deployment
// whose bake has ended by now is complete, even if the engine has not
// recorded it yet.
func checkNotDeploying(ctx context.Context, tx Tx, p *ConfigurationProfile, now time.Time) error {
	active, err := tx.ListActiveDeployments(ctx)
	if err != nil {
		return err
	}
	for _, d := range active {
		if d.ApplicationID != p.ApplicationID || d.ConfigurationProfileID != p.ID {
			continue
		}
		// Only this check sees the advanced copy; the engine records it.
		d.Advance(now)
		if d.State.Active() {
			return Errorf(EConflict, "Configuration profile %s is being deployed to environment %s by deployment %d; stop it or wait for it to finish before deleting the profile", p.ID, d.EnvironmentID, d.DeploymentNumber)
		}
	}
	return nil
}

// checkProfile validates a profile's members and that each of its
// validators can run.
func (s *Service) checkProfile(p *ConfigurationProfile) error {
	if err := p.Validate(s.Limits); err != nil {
		return err
	}
	for i, v := range p.Validators {
		if err := s.Validators.Check(v); err != nil {
			var e *Error
			if errors.As(err, &e) {
				return &Error{Code: e.Code, Message: fmt.Sprintf("Validators[%d].%s", i, e.Message)}
			}
			return err
		}
	}
	return nil
}

// ValidateConfiguration runs a profile's validators against one of its
// hosted versions, given by number or label (docs/WIRE.md §3.11).
func (s *Service) ValidateConfiguration(ctx context.Context, appIdent, profileIdent, version string) error {
	if err := checkLength("ConfigurationVersion", version, 1, 1024); err != nil {
		return err
	}
	p, v, err := s.findProfileVersion(ctx, appIdent, profileIdent, version)
	if err != nil {
		return err
	}
	return s.Validators.Validate(ctx, p, v)
}

// findProfileVersion resolves a profile and one of its hosted versions.
func (s *Service) findProfileVersion(ctx context.Context, appIdent, profileIdent, version string) (p *ConfigurationProfile, v *HostedConfigurationVersion, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		if _, p, err = findApplicationProfile(ctx, tx, appIdent, profileIdent); err != nil {
			return err
		}
		v, err = findVersion(ctx, tx, p.ApplicationID, p.ID, version)
		return err
	})
	return p, v, err
}
