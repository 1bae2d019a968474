package appconfigd

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/appconfigd/appconfigd/featureflag"
)

// CreateHostedConfigurationVersion stores a new version of a hosted
// configuration (docs/WIRE.md §3.8). When latestVersionNumber is set and is not the
// profile's latest version number, nothing is stored and EConflict is
// returned: the optimistic lock that prevents overwrites.
func (s *Service) CreateHostedConfigurationVersion(ctx context.Context, appIdent, profileIdent string, v *HostedConfigurationVersion, latestVersionNumber *int) (*HostedConfigurationVersion, error) {
	if err := v.Validate(s.Limits); err != nil {
		return nil, err
	}
	if err := s.runPreCreateActions(ctx, appIdent, profileIdent, v); err != nil {
		return nil, err
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		a, err := findApplication(ctx, tx, appIdent)
		if err != nil {
			return err
		}
		p, err := findProfile(ctx, tx, a.ID, profileIdent)
		if err != nil {
			return err
		}
		latest, err := tx.LatestHostedConfigurationVersionNumber(ctx, a.ID, p.ID)
		if err != nil {
			return err
		}
		if latestVersionNumber != nil && *latestVersionNumber != latest {
			return Errorf(EConflict, "Latest-Version-Number %d does not match the latest version number %d of configuration profile %s", *latestVersionNumber, latest, p.ID)
		}
		v.ApplicationID, v.ConfigurationProfileID = a.ID, p.ID
		if p.Type == ProfileTypeFeatureFlags {
			if err := s.prepareFlags(ctx, tx, v); err != nil {
				return err
			}
		}
		v.VersionNumber = latest + 1
		v.CreatedAt = s.now()
		return tx.CreateHostedConfigurationVersion(ctx, v)
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// flagsHelperMessage starts the message AWS sends for a malformed flag
// document (docs/WIRE.md §7.2: "Error invoking extension AppConfig Feature
// Flags Helper: Malformed 'Content' provided"); ours goes on to say what is wrong
// and where.
const flagsHelperMessage = "Error invoking extension AppConfig Feature Flags Helper: Malformed 'Content' provided"

// prepareFlags validates a feature-flag document in the deployment-time
// format and stamps it with _createdAt/_updatedAt as AWS does (docs/WIRE.md §4.1).
// Flags unchanged since the profile's newest remaining version keep their
// stamps (the highest version number may belong to a deleted version).
func (s *Service) prepareFlags(ctx context.Context, tx Tx, v *HostedConfigurationVersion) error {
	if err := featureflag.Validate(v.Content); err != nil {
		return flagsError(err)
	}
	var previous []byte
	newest, _, err := tx.ListHostedConfigurationVersions(ctx, v.ApplicationID, v.ConfigurationProfileID, HostedConfigurationVersionFilter{}, Page{Limit: 1})
	if err != nil {
		return err
	}
	if len(newest) > 0 {
		prev, err := tx.FindHostedConfigurationVersion(ctx, v.ApplicationID, v.ConfigurationProfileID, newest[0].VersionNumber)
		if err != nil {
			return err
		}
		previous = prev.Content
	}
	stamped, err := featureflag.Stamp(v.Content, previous, s.now())
	if err != nil {
		return flagsError(err)
	}
	v.Content = stamped
	return nil
}

// flagsError turns a feature-flag validation failure into a BadRequest
// that lists every problem in Details.InvalidConfiguration.
func flagsError(err error) error {
	var ve *featureflag.ValidationError
	if !errors.As(err, &ve) {
		return badRequest("%s: %v", flagsHelperMessage, err)
	}
	e := &Error{Code: EBadRequest, Message: fmt.Sprintf("%s: %v", flagsHelperMessage, ve)}
	for _, p := range ve.Problems {
		e.InvalidConfiguration = append(e.InvalidConfiguration, InvalidConfigurationDetail{
			Constraint: p.Constraint, Location: p.Location, Reason: p.Reason, Type: p.Type, Value: p.Value,
		})
	}
	return e
}

// GetHostedConfigurationVersion returns one version with its content.
func (s *Service) GetHostedConfigurationVersion(ctx context.Context, appIdent, profileIdent string, number int) (v *HostedConfigurationVersion, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		a, err := findApplication(ctx, tx, appIdent)
		if err != nil {
			return err
		}
		p, err := findProfile(ctx, tx, a.ID, profileIdent)
		if err != nil {
			return err
		}
		v, err = tx.FindHostedConfigurationVersion(ctx, a.ID, p.ID, number)
		return err
	})
	return v, err
}

// ListHostedConfigurationVersions lists a profile's versions newest first,
// without content.
func (s *Service) ListHostedConfigurationVersions(ctx context.Context, appIdent, profileIdent string, filter HostedConfigurationVersionFilter, in ListInput) (*ListOutput[*HostedConfigurationVersion], error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	if filter.VersionLabel != "" {
		if err := checkLength("VersionLabel", filter.VersionLabel, 1, 64); err != nil {
			return nil, err
		}
	}
	out := &ListOutput[*HostedConfigurationVersion]{}
	err = s.Store.View(ctx, func(tx Tx) error {
		a, err := findApplication(ctx, tx, appIdent)
		if err != nil {
			return err
		}
		p, err := findProfile(ctx, tx, a.ID, profileIdent)
		if err != nil {
			return err
		}
		items, next, err := tx.ListHostedConfigurationVersions(ctx, a.ID, p.ID, filter, page)
		out.Items, out.NextToken = items, nextToken(next)
		return err
	})
	return out, err
}

// DeleteHostedConfigurationVersion deletes a version, as AWS does even
// when it is deployed: Terraform replaces a version whose content changed
// by deleting it before deploying the new one. A version that some
// environment serves, is rolling out, or could return to by a rollback or
// revert is only marked deleted: it disappears from the control plane at
// once, and the data plane goes on serving it until a deployment replaces
// it, when purgeDeletedVersions removes it (docs/COMPATIBILITY.md,
// "Deleting a deployed hosted version").
func (s *Service) DeleteHostedConfigurationVersion(ctx context.Context, appIdent, profileIdent string, number int) error {
	return s.Store.Update(ctx, func(tx Tx) error {
		a, err := findApplication(ctx, tx, appIdent)
		if err != nil {
			return err
		}
		p, err := findProfile(ctx, tx, a.ID, profileIdent)
		if err != nil {
			return err
		}
		if _, err := tx.FindHostedConfigurationVersion(ctx, a.ID, p.ID, number); err != nil {
			return err
		}
		deployments, err := tx.ListServingDeployments(ctx)
		if err != nil {
			return err
		}
		if now := s.now(); versionNeeded(planServing(deployments), a.ID, p.ID, number, now) {
			return tx.MarkHostedConfigurationVersionDeleted(ctx, a.ID, p.ID, number, now)
		}
		return tx.DeleteHostedConfigurationVersion(ctx, a.ID, p.ID, number)
	})
}

// purgeDeletedVersions removes the versions marked deleted that no
// environment needs any more: a later deployment replaced them, or the
// revert window passed. It runs after every change; a failure is only
// logged, as the versions stay hidden and the next change tries again.
func (s *Service) purgeDeletedVersions(ctx context.Context) {
	var candidates []*HostedConfigurationVersion
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		candidates, err = s.unneededDeletedVersions(ctx, tx)
		return err
	})
	if err == nil && len(candidates) > 0 {
		// Decide again inside the write: a deployment may have
		// changed what is needed since the look.
		err = s.Store.Update(ctx, func(tx Tx) error {
			unneeded, err := s.unneededDeletedVersions(ctx, tx)
			for _, v := range unneeded {
				if err == nil {
					err = tx.DeleteHostedConfigurationVersion(ctx, v.ApplicationID, v.ConfigurationProfileID, v.VersionNumber)
				}
			}
			return err
		})
	}
	if err != nil {
		s.Logger.Warn("purge deleted hosted configuration versions", "err", err)
	}
}

// unneededDeletedVersions returns the versions marked deleted that no
// environment needs.
func (s *Service) unneededDeletedVersions(ctx context.Context, tx Tx) ([]*HostedConfigurationVersion, error) {
	deleted, err := tx.ListDeletedHostedConfigurationVersions(ctx)
	if err != nil || len(deleted) == 0 {
		return nil, err
	}
	deployments, err := tx.ListServingDeployments(ctx)
	if err != nil {
		return nil, err
	}
	plans, now := planServing(deployments), s.now()
	var unneeded []*HostedConfigurationVersion
	for _, v := range deleted {
		if !versionNeeded(plans, v.ApplicationID, v.ConfigurationProfileID, v.VersionNumber, now) {
			unneeded = append(unneeded, v)
		}
	}
	return unneeded, nil
}

// findVersion resolves StartDeployment's ConfigurationVersion, which is a
// version number or a version label (docs/WIRE.md §3.10). A label that several
// versions share resolves to the newest of them.
func findVersion(ctx context.Context, tx Tx, appID, profileID, ident string) (*HostedConfigurationVersion, error) {
	if n, err := strconv.Atoi(ident); err == nil {
		return tx.FindHostedConfigurationVersion(ctx, appID, profileID, n)
	}
	return tx.FindHostedConfigurationVersionByLabel(ctx, appID, profileID, ident)
}
