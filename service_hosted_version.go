package appconfigd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

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
		a, p, err := findApplicationProfile(ctx, tx, appIdent, profileIdent)
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
		a, p, err := findApplicationProfile(ctx, tx, appIdent, profileIdent)
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
		a, p, err := findApplicationProfile(ctx, tx, appIdent, profileIdent)
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
		a, p, err := findApplicationProfile(ctx, tx, appIdent, profileIdent)
		if err != nil {
			return err
		}
		if _, err := tx.FindHostedConfigurationVersion(ctx, a.ID, p.ID, number); err != nil {
			return err
		}
		deployments, err := tx.ListApplicationServingDeployments(ctx, a.ID)
		if err != nil {
			return err
		}
		if now := s.now(); versionNeeded(planServing(deployments), a.ID, p.ID, number, now) {
			return tx.MarkHostedConfigurationVersionDeleted(ctx, a.ID, p.ID, number, now)
		}
		return tx.DeleteHostedConfigurationVersion(ctx, a.ID, p.ID, number)
	})
}

// purgeInterval is how often the deployment engine looks for deleted
// versions to purge when no deployment changed: a revert window that ends
// makes a version unneeded without any change (docs/COMPATIBILITY.md,
// "Deleting a deployed hosted version").
const purgeInterval = 10 * time.Minute

// servingChanged refreshes the data plane's view after deployments
// changed (started, advanced, stopped or deleted with their environment)
// and purges the deleted versions they no longer need. Other changes
// cannot make a version unneeded, so they refresh with changed alone.
func (s *Service) servingChanged(ctx context.Context, appIDs ...string) {
	s.changed(ctx, appIDs...)
	s.purgeDeletedVersions(ctx)
}

// purgeDeletedVersionsWhenDue purges deleted versions unless this process
// looked less than purgeInterval ago. The deployment engine's every pass
// calls it, through AdvanceDeployments.
func (s *Service) purgeDeletedVersionsWhenDue(ctx context.Context) {
	if last := s.versionsPurged.Load(); last != 0 && s.Clock.Now().Sub(time.Unix(0, last)) < purgeInterval {
		return
	}
	s.purgeDeletedVersions(ctx)
}

// purgeDeletedVersions removes the versions marked deleted that no
// environment needs any more: a later deployment replaced them, or the
// revert window passed. The first look costs one query of the versions
// marked deleted, judged by the plans the catalog last computed; only when
// it finds some unneeded are the deployments of their applications loaded
// again, inside the write, to decide for sure. A failure is only logged, as the versions
// stay hidden and the next look tries again.
func (s *Service) purgeDeletedVersions(ctx context.Context) {
	now := s.now()
	s.versionsPurged.Store(now.UnixNano())
	var candidates []*HostedConfigurationVersion
	err := s.Store.View(ctx, func(tx Tx) error {
		deleted, err := tx.ListDeletedHostedConfigurationVersions(ctx)
		var plans map[servingKey]*servingPlan
		if snap := s.catalog.snapshot.Load(); snap != nil {
			plans = snap.plansOf(applicationsOf(deleted))
		}
		candidates = unneededVersions(plans, deleted, now)
		return err
	})
	if err == nil && len(candidates) > 0 {
		// Decide again inside the write: the catalog may be behind
		// the store, and a deployment may have changed what is needed
		// since the look.
		err = s.Store.Update(ctx, func(tx Tx) error {
			deleted, err := tx.ListDeletedHostedConfigurationVersions(ctx)
			if err != nil || len(deleted) == 0 {
				return err
			}
			// Only the applications of the candidates are decided
			// again, so the write loads the deployments of those
			// alone: the others' versions are left for the next look.
			apps := applicationsOf(candidates)
			decided := make(map[string]bool, len(apps))
			for _, id := range apps {
				decided[id] = true
			}
			deleted = slices.DeleteFunc(deleted, func(v *HostedConfigurationVersion) bool { return !decided[v.ApplicationID] })
			var deployments []*Deployment
			for _, appID := range apps {
				ds, err := tx.ListApplicationServingDeployments(ctx, appID)
				if err != nil {
					return err
				}
				deployments = append(deployments, ds...)
			}
			for _, v := range unneededVersions(planServing(deployments), deleted, s.now()) {
				if err := tx.DeleteHostedConfigurationVersion(ctx, v.ApplicationID, v.ConfigurationProfileID, v.VersionNumber); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		s.Logger.Warn("purge deleted hosted configuration versions", "err", err)
	}
}

// applicationsOf returns the applications of versions, each once.
func applicationsOf(versions []*HostedConfigurationVersion) []string {
	var ids []string
	seen := make(map[string]bool)
	for _, v := range versions {
		if !seen[v.ApplicationID] {
			seen[v.ApplicationID] = true
			ids = append(ids, v.ApplicationID)
		}
	}
	return ids
}

// unneededVersions returns the versions of deleted that no plan needs at
// now.
func unneededVersions(plans map[servingKey]*servingPlan, deleted []*HostedConfigurationVersion, now time.Time) []*HostedConfigurationVersion {
	var unneeded []*HostedConfigurationVersion
	for _, v := range deleted {
		if !versionNeeded(plans, v.ApplicationID, v.ConfigurationProfileID, v.VersionNumber, now) {
			unneeded = append(unneeded, v)
		}
	}
	return unneeded
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
