package appconfigd

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strconv"
)

// GetConfigurationInput is what the deprecated GetConfiguration takes
// (docs/WIRE.md §3.15).
type GetConfigurationInput struct {
	// Application, Environment and Configuration (the profile) are each
	// an ID or a name.
	Application, Environment, Configuration string
	// ClientID identifies the client for gradual deployments: the same
	// client in the same environment always falls in the same rollout
	// bucket.
	ClientID string
	// ClientConfigurationVersion is the version the client has, or "".
	ClientConfigurationVersion string
}

func (in *GetConfigurationInput) validate() error {
	for _, f := range []struct{ name, v string }{
		{"Application", in.Application},
		{"Environment", in.Environment},
		{"Configuration", in.Configuration},
		{"ClientId", in.ClientID},
	} {
		if err := checkLength(f.name, f.v, 1, maxNameLength); err != nil {
			return err
		}
	}
	if in.ClientConfigurationVersion == "" {
		return nil
	}
	return checkLength("ClientConfigurationVersion", in.ClientConfigurationVersion, 1, 1024)
}

// Configuration is what GetConfiguration returns.
type Configuration struct {
	// Content is empty when the client already has ConfigurationVersion.
	Content     []byte
	ContentType string
	// ConfigurationVersion is the number of the hosted version served.
	ConfigurationVersion string
	// Unchanged reports that the client has ConfigurationVersion already;
	// Content is then empty.
	Unchanged bool
}

// featureFlagsViaDataPlane is AWS's refusal of GetConfiguration on a
// feature-flag profile (docs/WIRE.md §7.2).
const featureFlagsViaDataPlane = "Feature flag configurations must be accessed via AWS AppConfig Data's GetLatestConfiguration API."

// GetConfiguration serves the deprecated GetConfiguration (docs/WIRE.md
// §3.15): the configuration the environment serves the client, from the
// data plane's in-memory view without database work, with an empty Content when the client
// already has that version. It counts as a poll for deletion protection.
// Feature-flag profiles are refused, as AWS refuses them. A profile
// without a deployment in the environment is ResourceNotFound.
func (s *Service) GetConfiguration(ctx context.Context, in GetConfigurationInput) (*Configuration, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	r, err := s.catalog.resolve(in.Application, in.Environment, in.Configuration)
	if err != nil {
		return nil, err
	}
	if err := authorizeRead(ctx, "GetConfiguration", r.ApplicationID, r.ApplicationName); err != nil {
		return nil, err
	}
	if r.FeatureFlags {
		return nil, badRequest(featureFlagsViaDataPlane)
	}
	t := SessionToken{ApplicationID: r.ApplicationID, EnvironmentID: r.EnvironmentID, ConfigurationProfileID: r.ConfigurationProfileID}
	t.SessionID = clientIdentity(r.ApplicationID, r.EnvironmentID, in.ClientID)
	app, plan, err := s.catalog.plan(&t)
	if err != nil {
		return nil, err
	}
	var v *ServedVersion
	if plan != nil {
		v = app.version(&t, plan.versionFor(t.SessionID, t.EnvironmentID))
	}
	if v == nil {
		return nil, &Error{
			Code:         ENotFound,
			Message:      fmt.Sprintf("Configuration profile %s has not been deployed to environment %s", r.ConfigurationProfileID, r.EnvironmentID),
			ResourceType: ResourceConfiguration,
			ResourceName: r.ConfigurationProfileID,
		}
	}
	s.recordPoll(r.ApplicationID, r.EnvironmentID, r.ConfigurationProfileID, s.now())
	out := &Configuration{ContentType: v.ContentType, ConfigurationVersion: strconv.Itoa(v.VersionNumber)}
	out.Unchanged = in.ClientConfigurationVersion == out.ConfigurationVersion
	if !out.Unchanged {
		out.Content = v.Content
	}
	return out, nil
}

// clientIdentity derives the rollout identity of a GetConfiguration client
// from its client ID, the same on every call and every replica, so that the
// client keeps its rollout bucket during a gradual deployment as a data
// plane session does.
func clientIdentity(appID, envID, clientID string) [16]byte {
	sum := sha256.Sum256([]byte("appconfigd GetConfiguration client\x00" + appID + "\x00" + envID + "\x00" + clientID))
	return [16]byte(sum[:16])
}
