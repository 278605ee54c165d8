#!/usr/bin/env bash
# Starts a PLC directory (in memory) and the reference PDS, without an AppView: enough for
# posting, not for notifications. Prints the variables the tests read, as shell exports:
#   eval "$(.ci/atproto/start-pds.sh)"      ... then .ci/atproto/stop.sh
# Ports: PLC_PORT (2582), PDS_PORT (2583). Logs and pids in $WATCHTIME_ATPROTO_RUN.
set -euo pipefail
source "$(dirname "$0")/common.sh"
ATP_NM="$(bash "$ATP_HERE/install.sh")"
export ATP_NM
plc_port=${PLC_PORT:-2582}
pds_port=${PDS_PORT:-2583}
data="$ATP_RUN/pds-data"
rm -rf "$data"
mkdir -p "$data/blobs"

PLC_PORT=$plc_port atp_node "$ATP_HERE/plc.cjs" >"$ATP_RUN/plc.log" 2>&1 &
echo $! >"$ATP_RUN/plc.pid"
atp_wait_for "$(cat "$ATP_RUN/plc.pid")" "$ATP_RUN/plc.log" PLC 30

# Fixed secrets are fine: this server lives for one test run on the loopback interface.
PDS_HOSTNAME=localhost PDS_PORT=$pds_port PDS_DEV_MODE=true PDS_INVITE_REQUIRED=false \
    PDS_DATA_DIRECTORY="$data" PDS_BLOBSTORE_DISK_LOCATION="$data/blobs" \
    PDS_JWT_SECRET=watchtime-test-jwt-secret PDS_ADMIN_PASSWORD=watchtime-test-admin \
    PDS_DPOP_SECRET=$(openssl rand -hex 32) \
    PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX=$(openssl rand -hex 32) \
    PDS_DID_PLC_URL=http://127.0.0.1:$plc_port PDS_RATE_LIMITS_ENABLED=false \
    LOG_ENABLED=${LOG_ENABLED:-false} \
    atp_node "$ATP_HERE/pds.mjs" >"$ATP_RUN/pds.log" 2>&1 &
echo $! >"$ATP_RUN/pds.pid"
atp_wait_for "$(cat "$ATP_RUN/pds.pid")" "$ATP_RUN/pds.log" PDS 120

echo "export WATCHTIME_TEST_PDS_URL=http://localhost:$pds_port"
