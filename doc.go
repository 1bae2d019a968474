// Package appconfigd is the domain of appconfigd, a self-hosted server that
// speaks the AWS AppConfig control plane (appconfig, 2019-10-09) and the
// AppConfig Data plane (appconfigdata, 2021-11-11).
//
// The root package holds the vocabulary (applications, environments,
// configuration profiles, hosted configuration versions, deployment
// strategies, deployments, configuration sessions), the single error type
// with its codes, the pure rules (validation, growth maths, rollout
// bucketing), the storage contract ([Store], [Tx]) and the [Service] that
// implements every operation on top of that contract.
//
// It imports no HTTP, SQL or AWS SDK package. Adapters live in their own
// packages:
//
//   - sqlite: the embedded default [Store]
//   - storetest: the store contract suite every [Store] must pass
//   - token: sealing of data-plane session tokens
//   - deploy: the deployment engine that advances deployments over time
//   - awsjson: restJson1 encoding helpers shared by the wire surfaces
//   - controlapi, dataapi: the two AWS wire surfaces
//   - cmd/appconfigd: the binary, the only place that wires them together
//
// Section references such as "wire §2.3" point into the project's AWS
// AppConfig wire specification; "evidence Q8" points into the record of
// what the real service returned.
package appconfigd
