#!/usr/bin/env bash
# Makes an upgrade fixture: builds appconfigd at COMMIT, fills a new SQLite
# data directory through the AWS CLI (an application, an environment, a
# hosted profile with one version, a strategy, a completed deployment, a
# configuration session polled once), stops the server and keeps its
# database as testdata/upgrade/schema-N.db, N the newest migration of
# COMMIT, with what conformance/upgrade_test.go checks in schema-N.json.
# Run it once per schema version worth keeping; the files are committed.
#
#   bash testdata/upgrade/make-fixture.sh 1262e42
set -euo pipefail
cd "$(dirname "$0")/../.."
commit="$1"
work="$(mktemp -d)"
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	git worktree remove --force "$work/src" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
git worktree add --detach "$work/src" "$commit" >/dev/null 2>&1
(cd "$work/src" && CGO_ENABLED=0 go build -o "$work/appconfigd" ./cmd/appconfigd)
schema="$(ls "$work/src/sqlite/migration" | sort | tail -n 1 | cut -d_ -f1 | sed 's/^0*//')"
revision="$(git rev-parse "$commit")"

export APPCONFIGD_ADMIN_ACCESS_KEY_ID=AKIDUPGRADEFIXTURE APPCONFIGD_ADMIN_SECRET_ACCESS_KEY=upgrade-fixture-secret-access-key
export AWS_ACCESS_KEY_ID="$APPCONFIGD_ADMIN_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$APPCONFIGD_ADMIN_SECRET_ACCESS_KEY"
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
url=http://127.0.0.1:27901
"$work/appconfigd" serve --data "$work/data" --listen 127.0.0.1:27901 >"$work/log" 2>&1 &
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
[ ! -s "$work/data/appconfigd.db-wal" ] || { echo "the server left a write-ahead log; the fixture would be incomplete" >&2; exit 1; }
cp "$work/data/appconfigd.db" "testdata/upgrade/schema-$schema.db"
cat >"testdata/upgrade/schema-$schema.json" <<JSON
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
echo "testdata/upgrade/schema-$schema.db from $commit"
