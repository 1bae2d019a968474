// Package agent is appconfigd's open stand-in for the AWS AppConfig Agent
// (docs/WIRE.md §4.4): a local HTTP server that answers
//
//	GET /applications/{app}/environments/{env}/configurations/{profile}
//
// from an in-memory cache that it keeps fresh by polling AppConfigData,
// exactly as the closed-source AWS agent does, so that the curl examples
// of AWS's Agent guide work unchanged against appconfigd or real AWS.
//
// It reads the AWS agent's environment variables (ConfigFromEnv), keeps
// one configuration session per configuration (poller.go), survives an
// unreachable service by serving the last good configuration from memory
// or BACKUP_DIRECTORY (backup.go), serves LOCAL_DEVELOPMENT_DIRECTORY
// files without any service (local.go), resolves feature flags with
// package featureflag, and follows entity-based gradual deployments
// through appconfigd's rollout extension headers (rollout.go).
package agent
