#!/usr/bin/env bash
# Stops what start-pds.sh or start-network.sh started (by their pid files) and drops the
# network's schema.
set -uo pipefail
source "$(dirname "$0")/common.sh"
for name in network pds plc; do
    pidfile="$ATP_RUN/$name.pid"
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
done
if [ -f "$ATP_RUN/network.schema" ] && [ -z "${WATCHTIME_ATPROTO_DB_URL:-}" ]; then
    psql -h 127.0.0.1 -U postgres -d watchtime_atproto -qc \
        "DROP SCHEMA IF EXISTS $(cat "$ATP_RUN/network.schema") CASCADE" 2>/dev/null || true
    rm -f "$ATP_RUN/network.schema"
fi
