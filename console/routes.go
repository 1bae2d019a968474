package console

// routes returns every console page and change, in one place. Changes
// name the operation the audit trail records, the AWS operation's name
// where the change is one.
func (s *Server) routes() []route {
	return []route{
		{pattern: "GET " + Path + "/signin", handler: s.handleSignInPage, public: true},
		{pattern: "POST " + Path + "/signin", handler: s.handleSignIn, public: true},
		{pattern: "POST " + Path + "/signout", handler: s.handleSignOut},

		// Applications.
		{pattern: "GET " + Path + "/applications", handler: s.handleApplications},
		{pattern: "POST " + Path + "/applications", handler: s.handleCreateApplication, change: "CreateApplication"},
		{pattern: "GET " + Path + "/applications/{app}", handler: s.handleApplication},
		{pattern: "POST " + Path + "/applications/{app}", handler: s.handleUpdateApplication, change: "UpdateApplication"},
		{pattern: "POST " + Path + "/applications/{app}/delete", handler: s.handleDeleteApplication, change: "DeleteApplication"},

		// Configuration profiles and deployment strategies.
		{pattern: "POST " + Path + "/applications/{app}/profiles", handler: s.handleCreateProfile, change: "CreateConfigurationProfile"},
		{pattern: "GET " + Path + "/applications/{app}/profiles/{profile}", handler: s.handleProfile},
		{pattern: "POST " + Path + "/applications/{app}/profiles/{profile}", handler: s.handleUpdateProfile, change: "UpdateConfigurationProfile"},
		{pattern: "POST " + Path + "/applications/{app}/profiles/{profile}/delete", handler: s.handleDeleteProfile, change: "DeleteConfigurationProfile"},
		{pattern: "GET " + Path + "/strategies", handler: s.handleStrategies},
		{pattern: "POST " + Path + "/strategies", handler: s.handleCreateStrategy, change: "CreateDeploymentStrategy"},
		{pattern: "GET " + Path + "/strategies/{id}", handler: s.handleStrategy},
		{pattern: "POST " + Path + "/strategies/{id}", handler: s.handleUpdateStrategy, change: "UpdateDeploymentStrategy"},
		{pattern: "POST " + Path + "/strategies/{id}/delete", handler: s.handleDeleteStrategy, change: "DeleteDeploymentStrategy"},

		// Hosted versions, diffs, the editor and feature flags.
		{pattern: "GET " + Path + "/applications/{app}/profiles/{profile}/versions", handler: s.handleVersions},
		{pattern: "GET " + Path + "/applications/{app}/profiles/{profile}/versions/new", handler: s.handleNewVersion},
		{pattern: "POST " + Path + "/applications/{app}/profiles/{profile}/versions/validate", handler: s.handleValidateVersion},
		{pattern: "POST " + Path + "/applications/{app}/profiles/{profile}/versions/new", handler: s.handleCreateVersion, change: "CreateHostedConfigurationVersion"},
		{pattern: "GET " + Path + "/applications/{app}/profiles/{profile}/versions/{version}", handler: s.handleVersion},
		{pattern: "GET " + Path + "/applications/{app}/profiles/{profile}/versions/{version}/created", handler: s.handleVersionCreated},
		{pattern: "POST " + Path + "/applications/{app}/profiles/{profile}/versions/{version}/delete", handler: s.handleDeleteVersion, change: "DeleteHostedConfigurationVersion"},
		{pattern: "GET " + Path + "/applications/{app}/profiles/{profile}/diff", handler: s.handleDiff},
		{pattern: "GET " + Path + "/applications/{app}/profiles/{profile}/flags", handler: s.handleFlags},
		{pattern: "POST " + Path + "/applications/{app}/profiles/{profile}/flags/{flag}", handler: s.handleEditFlag, change: "CreateHostedConfigurationVersion"},
		{pattern: "POST " + Path + "/applications/{app}/profiles/{profile}/flags/{flag}/toggle", handler: s.handleToggleFlag, change: "CreateHostedConfigurationVersion"},

		// Environments, deployments and their live page, alarms, the audit
		// trail and the fleet view.
		{pattern: "POST " + Path + "/applications/{app}/environments", handler: s.handleCreateEnvironment, change: "CreateEnvironment"},
		{pattern: "GET " + Path + "/applications/{app}/environments/{env}", handler: s.handleEnvironment},
		{pattern: "POST " + Path + "/applications/{app}/environments/{env}", handler: s.handleUpdateEnvironment, change: "UpdateEnvironment"},
		{pattern: "POST " + Path + "/applications/{app}/environments/{env}/delete", handler: s.handleDeleteEnvironment, change: "DeleteEnvironment"},
		{pattern: "POST " + Path + "/applications/{app}/environments/{env}/deployments", handler: s.handleStartDeployment, change: "StartDeployment"},
		{pattern: "GET " + Path + "/applications/{app}/environments/{env}/deployments/{n}", handler: s.handleDeployment},
		{pattern: "GET " + Path + "/applications/{app}/environments/{env}/deployments/{n}/events", handler: s.handleDeploymentEvents},
		{pattern: "POST " + Path + "/applications/{app}/environments/{env}/deployments/{n}/stop", handler: s.handleStopDeployment, change: "StopDeployment"},
		{pattern: "POST " + Path + "/applications/{app}/environments/{env}/deployments/{n}/revert", handler: s.handleRevertDeployment, change: "StopDeployment"},
		{pattern: "GET " + Path + "/alarms", handler: s.handleAlarms},
		{pattern: "POST " + Path + "/alarms/state", handler: s.handleSetAlarmState, change: "SetAlarmState"},
		{pattern: "GET " + Path + "/audit", handler: s.handleAudit},
		{pattern: "GET " + Path + "/fleet", handler: s.handleFleet},
	}
}
