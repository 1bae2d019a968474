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

// DeleteHostedConfigurationVersion deletes a version. A version that some
// environment serves, or that a deployment in progress is rolling out, is
// refused: deleting it would take configuration away from clients.
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
		for k, plan := range planServing(deployments) {
			if k.ApplicationID == a.ID && k.ConfigurationProfileID == p.ID && plan.uses(number) {
				return badRequest("Hosted configuration version %d is deployed to environment %s; deploy another version there first", number, k.EnvironmentID)
			}
		}
		return tx.DeleteHostedConfigurationVersion(ctx, a.ID, p.ID, number)
	})
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
