# shellcheck shell=bash
# Sourced by the bench/ scripts, not run: where the binaries are, building them, one
# temporary directory per run, starting and stopping processes (none outlives the script),
# and small helpers to read the JSON that crmd-bench prints.
#
# Environment:
#   CRMD, CRMD_BENCH   binaries to use (default .build/release/crmd and .build/release/crmd-bench;
#                      a binary given here is not built)
#   NO_BUILD=1         build nothing, use what is there
#   DURATION, WARMUP   seconds measured per load run (10) and of warm-up before it (2)
#   REPEAT             runs of each measurement; the median run is reported (3)
#   TMPDIR             where the temporary directory goes (/tmp)

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_CRMD=1
BUILD_BENCH=1
[ -n "${CRMD:-}" ] && BUILD_CRMD=0
[ -n "${CRMD_BENCH:-}" ] && BUILD_BENCH=0
if [ "${NO_BUILD:-0}" = 1 ]; then BUILD_CRMD=0; BUILD_BENCH=0; fi
CRMD=${CRMD:-$BENCH_ROOT/.build/release/crmd}
CRMD_BENCH=${CRMD_BENCH:-$BENCH_ROOT/.build/release/crmd-bench}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
REPEAT=${REPEAT:-3}

STARTED_PIDS=()
WORK=""

say() { printf '\n== %s\n' "$*"; }

# Prints a command, then runs it.
run() {
    printf '$ %s\n' "$*" >&2
    "$@"
}

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

build_binaries() {
    if [ "$BUILD_CRMD" = 1 ]; then
        say "building crmd (release)"
        (cd "$BENCH_ROOT" && run swift build -c release --product crmd)
    fi
    if [ "$BUILD_BENCH" = 1 ]; then
        say "building crmd-bench (release)"
        (cd "$BENCH_ROOT" && run swift build -c release --product crmd-bench)
    fi
    [ -x "$CRMD" ] || die "no crmd binary at $CRMD"
    [ -x "$CRMD_BENCH" ] || die "no crmd-bench binary at $CRMD_BENCH"
    say "binaries: $CRMD, $CRMD_BENCH"
}

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [ -n "$WORK" ] && [ -d "$WORK" ]; then rm -rf "$WORK"; fi
}

# Creates the run's temporary directory ($WORK) and arranges for everything to be cleaned up.
make_workdir() {
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/crmd-bench.XXXXXX")
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    SOCKET="$WORK/crmd.sock"
    DB="${DB:-$WORK/crmd.sqlite}"
    say "working directory $WORK"
}

# Starts a command in the background (output appended to $2), remembering its pid in LAST_PID.
start_background() {
    local log=$1
    shift
    printf '$ %s &   (output in %s)\n' "$*" "$log"
    "$@" >>"$log" 2>&1 &
    LAST_PID=$!
    STARTED_PIDS+=("$LAST_PID")
}

# Sends SIGTERM to a pid this script started and waits; prints a warning unless it exits 0.
stop_pid() {
    local pid=$1 name=$2 status=0
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" || status=$?
    if [ "$status" != 0 ] && [ "$status" != 143 ]; then
        printf 'warning: %s ended with status %s after SIGTERM\n' "$name" "$status" >&2
    fi
    if [ "$status" = 143 ] && [ "$name" = crmd ]; then
        printf 'warning: crmd was killed by SIGTERM instead of exiting 0 (API.md: finish calls, exit 0)\n' >&2
    fi
    local p
    local -a keep=()
    for p in "${STARTED_PIDS[@]}"; do
        if [ "$p" != "$pid" ]; then keep+=("$p"); fi
    done
    STARTED_PIDS=("${keep[@]}")
}

# start_crmd full|normal: crmd on $SOCKET and $DB with crmd.json {"synchronous": ...}.
start_crmd() {
    printf '{"synchronous":"%s"}\n' "$1" >"$WORK/crmd.json"
    say "starting crmd (synchronous=$1, database $DB)"
    start_background "$WORK/crmd.log" "$CRMD" serve --socket "$SOCKET" --db "$DB" --config "$WORK/crmd.json"
    CRMD_PID=$LAST_PID
    if ! "$CRMD_BENCH" ping --socket "$SOCKET" --timeout 60 >/dev/null; then
        tail -n 20 "$WORK/crmd.log" >&2
        die "crmd did not answer server.info"
    fi
}

stop_crmd() {
    say "stopping crmd (SIGTERM)"
    stop_pid "$CRMD_PID" crmd
}

# json_num FIELD JSON: the number in "FIELD":<number> of a flat JSON object.
json_num() {
    printf '%s\n' "$2" | sed -n "s/.*\"$1\":\(-\{0,1\}[0-9][0-9.eE+-]*\).*/\1/p" | head -n 1
}

# measure_load ARGS...: runs `crmd-bench load ARGS` $REPEAT times (each line shown as it
# comes) and prints the JSON of the run with the median throughput.
measure_load() {
    local i out
    local -a outs=()
    for ((i = 1; i <= REPEAT; i++)); do
        out=$("$CRMD_BENCH" load "$@" --seconds "$DURATION" --warmup "$WARMUP" --json)
        outs+=("$out")
    done
    for out in "${outs[@]}"; do
        printf '%s %s\n' "$(json_num throughput "$out")" "$out"
    done | sort -g | awk -v n="${#outs[@]}" 'NR == int((n + 1) / 2) { sub(/^[^ ]* /, ""); print }'
}

# ratio A B: A / B with three decimals.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'
}

# verdict VALUE OP TARGET (OP one of < <= > >=): PASS or MISS.
verdict() {
    awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
        ok = (op == "<" && v < t) || (op == "<=" && v <= t) || (op == ">" && v > t) || (op == ">=" && v >= t)
        print (v == "" || v == "n/a") ? "n/a" : (ok ? "PASS" : "MISS")
    }'
}
