#!/usr/bin/env bash
# Makes an upgrade fixture: builds appconfigd at COMMIT, fills a new store
# through the AWS CLI (an application, an environment, a hosted profile
# with one version, a strategy, a completed deployment, a configuration
# session polled once), stops the server and keeps the store, with what
# conformance/upgrade_test.go checks in a manifest beside it. N is the
# newest migration of COMMIT:
#   - SQLite (the default): its database as testdata/upgrade/schema-N.db
#     and schema-N.json;
#   - --postgres DSN: a new schema of that database, dumped by pg_dump as
#     testdata/upgrade/postgres-schema-N.sql (the schema's name written
#     __SCHEMA__) and postgres-schema-N.json, then dropped.
# Run it once per schema version worth keeping; the files are committed.
#
#   bash testdata/upgrade/make-fixture.sh 1262e42
#   bash testdata/upgrade/make-fixture.sh --postgres postgres://postgres@127.0.0.1:5432/test?sslmode=disable f20f4f6
set -euo pipefail
cd "$(dirname "$0")/../.."
dsn=
if [ "$1" = --postgres ]; then
	dsn="$2"
	shift 2
fi
commit="$1"
work="$(mktemp -d)"
pid=
pg_schema="upgrade_fixture_$$"
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	[ -n "$dsn" ] && psql "$dsn" -X -q -c "DROP SCHEMA IF EXISTS $pg_schema CASCADE" >/dev/null 2>&1 || true
	git worktree remove --force "$work/src" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
git worktree add --detach "$work/src" "$commit" >/dev/null 2>&1
(cd "$work/src" && CGO_ENABLED=0 go build -o "$work/appconfigd" ./cmd/appconfigd)
store_flags=()
prefix=schema
migrations=sqlite/migration
if [ -n "$dsn" ]; then
	psql "$dsn" -X -q -c "CREATE SCHEMA $pg_schema"
	case "$dsn" in *\?*) sep='&' ;; *) sep='?' ;; esac
	store_flags=(--database-url "$dsn${sep}search_path=$pg_schema")
	prefix=postgres-schema
	migrations=postgres/migration
fi
schema="$(ls "$work/src/$migrations" | sort | tail -n 1 | cut -d_ -f1 | sed 's/^0*//')"
revision="$(git rev-parse "$commit")"

export APPCONFIGD_ADMIN_ACCESS_KEY_ID=AKIDUPGRADEFIXTURE APPCONFIGD_ADMIN_SECRET_ACCESS_KEY=upgrade-fixture-secret-access-key
export AWS_ACCESS_KEY_ID="$APPCONFIGD_ADMIN_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$APPCONFIGD_ADMIN_SECRET_ACCESS_KEY"
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
url=http://127.0.0.1:27901
"$work/appconfigd" serve --data "$work/data" --listen 127.0.0.1:27901 "${store_flags[@]}" >"$work/log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	aws appconfig list-applications --endpoint-url "$url" >/dev/null 2>&1 && break
	sleep 0.2
done
ac() { aws appconfig --endpoint-url "$url" --output text "$@"; }
app="$(ac create-application --name upgraded --query Id)"
env="$(ac create-environment --application-id "$app" --name prod --query Id)"
profile="$(ac create-configuration-profile --application-id "$app" --name settings --location-uri hosted --query Id)"
content="{\"made-by-schema\":$schema}"
printf '%s' "$content" >"$work/content.json"
aws appconfig create-hosted-configuration-version --endpoint-url "$url" --application-id "$app" \
	--configuration-profile-id "$profile" --content-type application/json \
	--content "fileb://$work/content.json" "$work/created" >/dev/null
strategy="$(ac create-deployment-strategy --name upgrade-quick --deployment-duration-in-minutes 0 \
	--growth-factor 100 --final-bake-time-in-minutes 0 --replicate-to NONE --query Id)"
ac start-deployment --application-id "$app" --environment-id "$env" --configuration-profile-id "$profile" \
	--configuration-version 1 --deployment-strategy-id "$strategy" >/dev/null
for _ in $(seq 1 100); do
	state="$(ac get-deployment --application-id "$app" --environment-id "$env" --deployment-number 1 --query State)"
	[ "$state" = COMPLETE ] && break
	sleep 0.2
done
[ "$state" = COMPLETE ] || { echo "deployment is $state, not COMPLETE" >&2; exit 1; }
token="$(aws appconfigdata start-configuration-session --endpoint-url "$url" --output text \
	--application-identifier upgraded --environment-identifier prod \
	--configuration-profile-identifier settings --query InitialConfigurationToken)"
next="$(aws appconfigdata get-latest-configuration --endpoint-url "$url" --output text \
	--configuration-token "$token" --query NextPollConfigurationToken "$work/body")"
[ "$(cat "$work/body")" = "$content" ] || { echo "first poll got $(cat "$work/body"), not $content" >&2; exit 1; }
polled="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
kill -TERM "$pid"
wait "$pid" || true
pid=
if [ -n "$dsn" ]; then
	# --inserts: statements that any client can run, not COPY; psql's
	# meta-commands (\restrict) and the CREATE SCHEMA go, since the test
	# makes the schema itself.
	pg_dump "$dsn" --schema="$pg_schema" --inserts --no-owner --no-privileges |
		sed -e '/^\\/d' -e '/^CREATE SCHEMA /d' -e "s/\b$pg_schema\b/__SCHEMA__/g" >"testdata/upgrade/$prefix-$schema.sql"
else
	[ ! -s "$work/data/appconfigd.db-wal" ] || { echo "the server left a write-ahead log; the fixture would be incomplete" >&2; exit 1; }
	cp "$work/data/appconfigd.db" "testdata/upgrade/$prefix-$schema.db"
fi
cat >"testdata/upgrade/$prefix-$schema.json" <<JSON
{
  "commit": "$revision",
  "schema": $schema,
  "polledAt": "$polled",
  "nextPollToken": "$next",
  "application": "upgraded",
  "environment": "prod",
  "profile": "settings",
  "strategy": "upgrade-quick",
  "content": $(printf '%s' "$content" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')
}
JSON
echo "testdata/upgrade/$prefix-$schema from $commit"
