// Package appconfigd is the domain of appconfigd, a self-hosted server that
// speaks the AWS AppConfig control plane (appconfig, 2019-10-09) and the
// AppConfig Data plane (appconfigdata, 2021-11-11).
//
// The root package holds the vocabulary (applications, environments,
// configuration profiles, hosted configuration versions, deployment
// strategies, deployments, configuration sessions, alarms, access-key
// principals and audit entries), the single error type with its codes,
// the pure rules (validation, growth maths, rollout bucketing, token
// contents), the storage contract ([Store], [Tx]) and the [Service] that
// implements every operation on top of that contract, with the data
// plane's in-memory [Catalog] and [ReplayGuard] and the watch on the
// store's writes ([WriteState]).
//
// It imports no HTTP, SQL or AWS SDK package, directly or through another
// package (deps_test.go checks both). Adapters live in their own packages,
// and docs/ARCHITECTURE.md has the full table:
//
//   - sqlite, postgres: the two [Store] implementations, both the one SQL
//     store of internal/sqlstore behind a dialect
//   - storetest: the store contract suite every [Store] must pass
//   - storecopy: copies one store into another (SQLite to PostgreSQL)
//   - token: sealing of data-plane session tokens
//   - deploy: the deployment engine that advances deployments over time
//   - accesskey, sigv4, auth: access keys, SigV4 verification and the
//     authentication seam with its rate and failure limits
//   - awsjson, loadshed: the restJson1 plumbing and the one adapter
//     (awsjson.Surface) shared by the wire surfaces, and load shedding
//   - controlapi, dataapi, adminapi: the two AWS wire surfaces and
//     appconfigd's own admin API
//   - validation: JSON Schema and webhook validators
//   - cmd/appconfigd/daemon: the only place that wires them together
//
// Comments cite the wire contract by section, such as docs/WIRE.md §2.3;
// its §7 records what the real service returned.
package appconfigd
