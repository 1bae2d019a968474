package appconfigd

import (
	"strconv"
	"strings"
)

// ARNs follow the formats of the service authorization reference
// (docs/WIRE.md §3.3): arn:aws:appconfig:REGION:ACCOUNT:RESOURCE. The Format*ARN
// functions are the one place that spells them out; the Service methods
// fill in its Region and AccountID, and tools that work on a store without
// a Service (storecopy, which must find the tags keyed by these ARNs) call
// the functions with the region and account the server ran with.

// formatARN returns the ARN of resource, the part after the account.
func formatARN(region, accountID, resource string) string {
	return "arn:aws:appconfig:" + region + ":" + accountID + ":" + resource
}

// FormatApplicationARN returns the ARN of an application in a region and
// account.
func FormatApplicationARN(region, accountID, appID string) string {
	return formatARN(region, accountID, "application/"+appID)
}

// FormatEnvironmentARN returns the ARN of an environment in a region and
// account.
func FormatEnvironmentARN(region, accountID, appID, envID string) string {
	return formatARN(region, accountID, "application/"+appID+"/environment/"+envID)
}

// FormatConfigurationProfileARN returns the ARN of a configuration profile
// in a region and account.
func FormatConfigurationProfileARN(region, accountID, appID, profileID string) string {
	return formatARN(region, accountID, "application/"+appID+"/configurationprofile/"+profileID)
}

// FormatDeploymentStrategyARN returns the ARN of a deployment strategy in a
// region and account.
func FormatDeploymentStrategyARN(region, accountID, id string) string {
	return formatARN(region, accountID, "deploymentstrategy/"+id)
}

// FormatDeploymentARN returns the ARN of a deployment in a region and
// account.
func FormatDeploymentARN(region, accountID, appID, envID string, number int) string {
	return formatARN(region, accountID, "application/"+appID+"/environment/"+envID+"/deployment/"+strconv.Itoa(number))
}

func (s *Service) arn(resource string) string {
	return formatARN(s.Region, s.AccountID, resource)
}

// ApplicationARN returns the ARN of an application.
func (s *Service) ApplicationARN(appID string) string {
	return FormatApplicationARN(s.Region, s.AccountID, appID)
}

// EnvironmentARN returns the ARN of an environment.
func (s *Service) EnvironmentARN(appID, envID string) string {
	return FormatEnvironmentARN(s.Region, s.AccountID, appID, envID)
}

// ConfigurationProfileARN returns the ARN of a configuration profile.
func (s *Service) ConfigurationProfileARN(appID, profileID string) string {
	return FormatConfigurationProfileARN(s.Region, s.AccountID, appID, profileID)
}

// DeploymentStrategyARN returns the ARN of a deployment strategy.
func (s *Service) DeploymentStrategyARN(id string) string {
	return FormatDeploymentStrategyARN(s.Region, s.AccountID, id)
}

// DeploymentARN returns the ARN of a deployment.
func (s *Service) DeploymentARN(appID, envID string, number int) string {
	return FormatDeploymentARN(s.Region, s.AccountID, appID, envID, number)
}

// taggable is a resource named by an ARN that TagResource accepts.
type taggable struct {
	kind                          ResourceType
	appID, envID, profileID, stID string
	deployment                    int
}

// parseARN splits an ARN naming a resource of this server into the
// resource it names. Clients that build ARNs themselves put their own
// region and account in them (the Terraform AWS provider uses an empty
// account under skip_requesting_account_id), so unless StrictARNs is set
// any partition, region and account name this server's resources
// (docs/COMPATIBILITY.md, "ARNs"); only the service and the resource part
// must be AppConfig's.
func (s *Service) parseARN(arn string) (taggable, error) {
	rest, err := s.checkedARNResource(arn)
	if err != nil {
		return taggable{}, err
	}
	return parseARNResource(arn, rest)
}

// checkedARNResource checks the length of an ARN a client sent and returns
// its resource part, the part after the account.
func (s *Service) checkedARNResource(arn string) (string, error) {
	if len(arn) < 20 || len(arn) > 2048 {
		return "", badRequest("ResourceArn must be 20 to 2048 characters long")
	}
	return s.arnResource(arn)
}

// parseARNResource splits rest, the resource part of arn, into the
// application, environment, profile, strategy or deployment it names.
func parseARNResource(arn, rest string) (taggable, error) {
	var t taggable
	parts := strings.Split(rest, "/")
	bad := badRequest("ResourceArn %q does not name an AppConfig application, environment, configuration profile, deployment strategy, deployment, extension or extension association", arn)
	switch {
	case len(parts) == 2 && parts[0] == "application":
		t.kind, t.appID = ResourceApplication, parts[1]
	case len(parts) == 2 && parts[0] == "deploymentstrategy":
		t.kind, t.stID = ResourceDeploymentStrategy, parts[1]
	case len(parts) == 4 && parts[0] == "application" && parts[2] == "environment":
		t.kind, t.appID, t.envID = ResourceEnvironment, parts[1], parts[3]
	case len(parts) == 4 && parts[0] == "application" && parts[2] == "configurationprofile":
		t.kind, t.appID, t.profileID = ResourceConfigurationProfile, parts[1], parts[3]
	case len(parts) == 6 && parts[0] == "application" && parts[2] == "environment" && parts[4] == "deployment":
		n, err := strconv.Atoi(parts[5])
		if err != nil || n < 1 {
			return t, bad
		}
		t.kind, t.appID, t.envID, t.deployment = ResourceDeployment, parts[1], parts[3], n
	default:
		return t, bad
	}
	for _, p := range parts {
		if p == "" {
			return t, bad
		}
	}
	return t, nil
}

// arnResource returns the resource part of an AppConfig ARN, the part after
// the account. With StrictARNs the ARN must be this server's, or an
// AWS-owned extension's, which has no account (docs/COMPATIBILITY.md,
// "ARNs").
func (s *Service) arnResource(arn string) (string, error) {
	if s.StrictARNs {
		prefix := s.arn("")
		if rest, ok := strings.CutPrefix(arn, prefix); ok {
			return rest, nil
		}
		rest, ok := strings.CutPrefix(arn, formatARN(s.Region, "", ""))
		if ok && strings.HasPrefix(rest, "extension/"+awsOwnedPrefix) {
			return rest, nil
		}
		if strings.HasPrefix(arn, "arn:") {
			return "", &Error{Code: ENotFound, Message: "Resource " + arn + " not found: appconfigd serves only ARNs beginning with " + prefix, ResourceType: ResourceTaggable, ResourceName: arn}
		}
		return "", badRequest("ResourceArn %q is not an ARN", arn)
	}
	// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE.
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" {
		return "", badRequest("ResourceArn %q is not an ARN", arn)
	}
	if parts[2] != "appconfig" {
		return "", &Error{Code: ENotFound, Message: "Resource " + arn + " not found: appconfigd serves only AppConfig ARNs (arn:aws:appconfig:…)", ResourceType: ResourceTaggable, ResourceName: arn}
	}
	return parts[5], nil
}

// canonicalARN returns the ARN this server gives the resource t, the key
// its tags are stored under, whatever region and account the client's ARN
// carried.
func (s *Service) canonicalARN(t taggable) string {
	switch t.kind {
	case ResourceApplication:
		return s.ApplicationARN(t.appID)
	case ResourceEnvironment:
		return s.EnvironmentARN(t.appID, t.envID)
	case ResourceConfigurationProfile:
		return s.ConfigurationProfileARN(t.appID, t.profileID)
	case ResourceDeploymentStrategy:
		return s.DeploymentStrategyARN(t.stID)
	default:
		return s.DeploymentARN(t.appID, t.envID, t.deployment)
	}
}
