#!/usr/bin/env bash
# Starts the whole local network (PLC + PDS + Bluesky AppView, dev-env's TestNetwork) with the
# AppView on the local PostgreSQL, database watchtime_atproto, a fresh schema each run. Prints
# the variables the tests read, as shell exports:
#   eval "$(.ci/atproto/start-network.sh)"      ... then .ci/atproto/stop.sh
# Ports: PLC_PORT (2582), PDS_PORT (2583), APPVIEW_PORT (2584), OZONE_PORT (2587).
# PostgreSQL: WATCHTIME_ATPROTO_DB_URL, default postgres://postgres@127.0.0.1:5432/watchtime_atproto.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ATP_NM="$(bash "$ATP_HERE/install.sh")"
export ATP_NM
db_url=${WATCHTIME_ATPROTO_DB_URL:-postgres://postgres@127.0.0.1:5432/watchtime_atproto}
if [ -z "${WATCHTIME_ATPROTO_DB_URL:-}" ]; then
    psql -h 127.0.0.1 -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'watchtime_atproto'" | grep -q 1 \
        || psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE watchtime_atproto'
fi
# Schema names may hold letters and underscores only: a random hex name with digits as letters.
hash=$(head -c 16 /dev/urandom | md5sum)
schema="run_$(tr 0-9 g-p <<<"${hash:0:12}")"
pds_port=${PDS_PORT:-2583}
appview_port=${APPVIEW_PORT:-2584}

DB_POSTGRES_URL=$db_url DB_POSTGRES_SCHEMA=$schema REDIS_HOST=unused.invalid:6379 \
    LOG_ENABLED=${LOG_ENABLED:-false} PDS_PORT=$pds_port APPVIEW_PORT=$appview_port \
    atp_node "$ATP_HERE/network.mjs" >"$ATP_RUN/network.log" 2>&1 &
echo $! >"$ATP_RUN/network.pid"
echo "$schema" >"$ATP_RUN/network.schema"
atp_wait_for "$(cat "$ATP_RUN/network.pid")" "$ATP_RUN/network.log" READY 180

echo "export WATCHTIME_TEST_PDS_URL=http://localhost:$pds_port"
echo "export WATCHTIME_TEST_APPVIEW_URL=http://localhost:$appview_port"
