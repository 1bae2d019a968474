// Package featureflag implements the two formats of AWS AppConfig feature
// flag profiles (type AWS.AppConfig.FeatureFlags, docs/WIRE.md §4):
//
//   - the deployment-time document sent to CreateHostedConfigurationVersion
//     (docs/WIRE.md §4.1), which [Validate] checks as AWS does and [Stamp] gives the
//     _createdAt/_updatedAt metadata AWS adds;
//   - the retrieval-time configuration GetLatestConfiguration serves (wire
//     §4.2), which [Retrieval] produces: JSON for basic flags, Amazon Ion as
//     soon as one flag has variants.
//
// An Agent reads the retrieval-time format back with [ParseRetrieval] and
// answers flag requests with [Set.Resolve], evaluating variant rules (wire
// §4.3, package rules) against the request's context (docs/WIRE.md §4.4).
package featureflag
