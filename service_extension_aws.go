package appconfigd

// The AWS-owned extensions every account lists (docs/WIRE.md §3.13). They
// are built in rather than stored: nobody may change or delete them, and
// their ARNs have an empty account, as AWS's do.

// Extension IDs of the AWS-owned extensions.
const (
	ExtensionFeatureFlags               = "AWS.AppConfig.FeatureFlags"
	ExtensionJiraIntegration            = "AWS.AppConfig.JiraIntegration"
	ExtensionNotificationsToEventBridge = "AWS.AppConfig.DeploymentNotificationsToEventBridge"
	ExtensionNotificationsToSQS         = "AWS.AppConfig.DeploymentNotificationsToSqs"
	ExtensionNotificationsToSNS         = "AWS.AppConfig.DeploymentNotificationsToSns"
)

// notificationsDescription ends the descriptions of the three notification
// extensions, as AWS words them.
const notificationsDescription = " when a deployment of configuration data in AppConfig is started, completed, or rolled back. Can be associated to the following resources in AppConfig: Application, Environment, Configuration Profile."

// AWSOwnedExtensions returns the AWS-owned extensions in the order
// ListExtensions shows them, after the custom ones (docs/WIRE.md §3.13).
// Their actions name the action points AWS documents; they have no Uri,
// since what they invoke lives inside AWS.
func AWSOwnedExtensions() []*Extension {
	notifications := func(id, name, description string, params map[string]ExtensionParameter) *Extension {
		return &Extension{
			ID: id, Name: name, VersionNumber: 1, AWSOwned: true,
			Description: description + notificationsDescription,
			Actions: map[ActionPoint][]ExtensionAction{
				ActionOnDeploymentStart:      {{Name: "OnDeploymentStart"}},
				ActionOnDeploymentComplete:   {{Name: "OnDeploymentComplete"}},
				ActionOnDeploymentRolledBack: {{Name: "OnDeploymentRolledBack"}},
			},
			Parameters: params,
		}
	}
	return []*Extension{
		{
			ID: ExtensionFeatureFlags, Name: "AppConfig Feature Flags Helper", VersionNumber: 1, AWSOwned: true,
			Description: "Validates AppConfig feature flag data automatically against a JSON schema that includes structure and constraints. Also transforms feature flag data prior to sending to the client. This extension is automatically associated to configuration profiles with type \"AWS.AppConfig.FeatureFlags\".",
			Actions: map[ActionPoint][]ExtensionAction{
				ActionPreCreateHostedConfigurationVersion: {{Name: "ValidateFeatureFlags"}},
			},
		},
		{
			ID: ExtensionJiraIntegration, Name: "AppConfig integration with Atlassian Jira", VersionNumber: 1, AWSOwned: true,
			Description: "Exports feature flag data from AWS AppConfig into Jira. The lifecycle of each feature flag in AppConfig is tracked in Jira as an individual issue. Customers can see in Jira when flags are updated, turned on or off. Works in conjunction with the AppConfig app in the Atlassian Marketplace and is automatically associated to configuration profiles configured within that app.",
			Actions: map[ActionPoint][]ExtensionAction{
				ActionOnDeploymentComplete: {{Name: "ExportToJira"}},
			},
		},
		notifications(ExtensionNotificationsToEventBridge, "AppConfig deployment events to Amazon EventBridge",
			"Sends events to Amazon EventBridge", nil),
		notifications(ExtensionNotificationsToSQS, "AppConfig deployment events to Amazon SQS",
			"Sends messages to the configured Amazon SQS queue",
			map[string]ExtensionParameter{"queueArn": {Description: "The ARN of the Amazon SQS queue that receives the messages.", Required: true}}),
		notifications(ExtensionNotificationsToSNS, "AppConfig deployment events to Amazon SNS",
			"Sends events to the configured Amazon SNS topic",
			map[string]ExtensionParameter{"topicArn": {Description: "The ARN of the Amazon SNS topic that receives the events.", Required: true}}),
	}
}

// findAWSOwnedExtension returns the AWS-owned extension with the ID or
// name ident, or nil.
func findAWSOwnedExtension(ident string) *Extension {
	for _, e := range AWSOwnedExtensions() {
		if e.ID == ident || e.Name == ident {
			return e
		}
	}
	return nil
}

// checkAssociable refuses to associate an AWS-owned extension that needs
// an AWS service: appconfigd cannot reach Jira, EventBridge, SQS or SNS
// on a client's behalf (docs/COMPATIBILITY.md, "Extensions"). The feature
// flags extension may be associated: its checks are built into appconfigd
// and run for every feature flag profile anyway, so the association
// changes nothing.
func checkAssociable(e *Extension) error {
	if !e.AWSOwned || e.ID == ExtensionFeatureFlags {
		return nil
	}
	return badRequest("Extension %s (%s) needs AWS services that do not exist outside AWS, so appconfigd cannot run it; create a custom extension whose actions have an http(s) Uri instead", e.ID, e.Name)
}
