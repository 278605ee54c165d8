# Shared by the start and stop scripts: where the installed tree, the logs and the pid files go.
ATP_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ATP_RUN="${WATCHTIME_ATPROTO_RUN:-${TMPDIR:-/tmp}/watchtime-atproto}"
mkdir -p "$ATP_RUN"

# Node 20 lacks the iterator helpers @atproto's code uses; core-js provides them.
# Always started in the background (`atp_node … &`): exec, so that `$!` is node's own pid and
# stop.sh, which kills by that pid, really stops the server.
atp_node() {
    exec nice node -r "$ATP_NM/core-js/actual/index.js" "$@"
}

# Waits until $2 (a file) holds a line starting with $3 while process $1 lives; $4 seconds at most.
atp_wait_for() {
    local pid=$1 log=$2 mark=$3 seconds=$4
    for _ in $(seq 1 $((seconds * 5))); do
        grep -q "^$mark" "$log" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    echo "atproto: not ready ($mark) after ${seconds}s; the end of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
}
