#!/usr/bin/env bash
# vigil's benchmarks, as recorded in BENCHMARKS.md. Needs only cargo, bash and coreutils
# (GNU time is used for peak RSS when present; otherwise VmHWM is polled from /proc).
#
#   scripts/bench.sh [all|import|peers|rules|tui]     (default: all)
#
# Environment: BENCH_DIR (default /tmp/vigil-bench) holds generated data, the peers'
# corpus and workspaces; BENCH_EVENTS (default 1000000) sizes the generated dataset;
# SHARED (default ../shared next to the crate, else /work/shared) locates datasets/rules.
# Everything it writes stays under BENCH_DIR; nothing is committed.
set -euo pipefail

cd "$(dirname "$0")/.."
CRATE=$(pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/vigil-bench}
EVENTS=${BENCH_EVENTS:-1000000}
if [[ -z ${SHARED:-} ]]; then
    if [[ -d "$CRATE/../shared" ]]; then SHARED="$CRATE/../shared"; else SHARED=/work/shared; fi
fi
WHAT=${1:-all}
VIGIL="$CRATE/target/release/vigil"
mkdir -p "$BENCH_DIR"

machine() {
    echo "== machine"
    echo "cpus: $(nproc)  model: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "memory: $(grep MemTotal /proc/meminfo | awk '{printf "%.1f GiB", $2/1048576}')"
    echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}

build() {
    echo "== cargo build --release"
    cargo build --release --quiet --bin vigil --example gen_events --example bench_rules \
        --example import_floor --example evtx_parse_baseline --example tui_bench
}

# measure LABEL EVENTS CMD... : wall time, events/s and peak RSS of one command.
measure() {
    local label=$1 events=$2
    shift 2
    local log="$BENCH_DIR/last.log" start end wall rss status=0
    start=$(date +%s.%N)
    # vigil import exits 3 when some records were rejected (the corrupt sysmon.evtx
    # chunks): the status is reported, not treated as a failure.
    if [[ -x /usr/bin/time ]]; then
        /usr/bin/time -v "$@" >"$log" 2>"$log.time" || status=$?
        rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); printf "%.0f", $2/1024}' "$log.time")
    else
        "$@" >"$log" 2>"$log.time" &
        local pid=$! peak=0 kb
        while kill -0 "$pid" 2>/dev/null; do
            kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
            [[ -n $kb && $kb -gt $peak ]] && peak=$kb
            sleep 0.1
        done
        wait "$pid" || status=$?
        rss=$((peak / 1024))
    fi
    if [[ $status -ne 0 && $status -ne 3 ]]; then
        tail -20 "$log" "$log.time" >&2
        return 1
    fi
    end=$(date +%s.%N)
    wall=$(echo "$start $end" | awk '{printf "%.2f", $2 - $1}')
    echo "$label: wall ${wall} s, $(echo "$events $wall" | awk '{printf "%.0f", $1 / $2}') events/s, peak RSS ${rss} MiB, exit ${status}"
    grep -E '^(imported|alerts|raised|[0-9]+ rule)|events/s' "$log" | head -6 | sed 's/^/    /' || true
}

import_bench() {
    local data="$BENCH_DIR/events-$EVENTS.ndjson"
    if [[ ! -s $data ]]; then
        echo "== generating $EVENTS events into $data"
        "$CRATE/target/release/examples/gen_events" --events "$EVENTS" --out "$data"
    fi
    local n
    n=$(wc -l <"$data")
    echo "== import of $n generated ECS events ($(du -m "$data" | cut -f1) MB)"
    rm -rf "$BENCH_DIR/ws-nodetect" "$BENCH_DIR/ws-detect"
    measure "import --no-detect" "$n" "$VIGIL" --workspace "$BENCH_DIR/ws-nodetect" import --no-detect "$data"
    measure "import (built-in rules)" "$n" "$VIGIL" --workspace "$BENCH_DIR/ws-detect" import "$data"
    echo "== import stages, first 200,000 events, one at a time (examples/import_floor)"
    rm -rf "$BENCH_DIR/ws-floor"
    "$CRATE/target/release/examples/import_floor" "$data" 200000 "$BENCH_DIR/ws-floor"
    local evtx="$BENCH_DIR/evtx-set"
    rm -rf "$evtx" "$BENCH_DIR/ws-evtx"
    mkdir -p "$evtx"
    find "$SHARED/datasets" -name '*.evtx' -exec cp {} "$evtx/" \;
    echo "== EVTX: every .evtx of the datasets ($(find "$evtx" -name '*.evtx' | wc -l) files, $(du -sm "$evtx" | cut -f1) MB)"
    "$CRATE/target/release/examples/evtx_parse_baseline" "$evtx"
    measure "import --no-detect of the same EVTX files" 0 "$VIGIL" --workspace "$BENCH_DIR/ws-evtx" import --no-detect "$evtx"
}

peers_corpus() {
    local corpus="$BENCH_DIR/peers-corpus" ds="$SHARED/datasets"
    if [[ $(find "$corpus" -name '*.evtx' 2>/dev/null | wc -l) -ne 160 ]]; then
        echo "== building the peers' corpus in $corpus (160 EVTX copies)"
        rm -rf "$corpus"
        mkdir -p "$corpus"
        for i in $(seq 1 80); do cp "$ds/omerbenamram-evtx-samples/security.evtx" "$corpus/security-$i.evtx"; done
        for i in $(seq 1 60); do cp "$ds/sbousseaden-EVTX-ATTACK-SAMPLES/PanacheSysmon_vs_AtomicRedTeam01.evtx" "$corpus/panache-$i.evtx"; done
        for i in $(seq 1 20); do cp "$ds/omerbenamram-evtx-samples/sysmon.evtx" "$corpus/sysmon-$i.evtx"; done
    fi
    echo "$corpus"
}

peers_bench() {
    local corpus
    corpus=$(peers_corpus | tail -1)
    local rules="$SHARED/rules/sigmahq/rules/windows"
    # 80 x 2,261 + 60 x 565 + 20 x 358, as counted in peers.md.
    local n=221940
    echo "== peers' corpus: 160 EVTX files, $(du -sm "$corpus" | cut -f1) MB, $n events, SigmaHQ rules/windows"
    rm -rf "$BENCH_DIR/ws-peers" "$BENCH_DIR/ws-peers-nodetect"
    measure "import --no-detect (parse+normalize+index)" "$n" "$VIGIL" --workspace "$BENCH_DIR/ws-peers-nodetect" import --no-detect "$corpus"
    measure "import + index + detect (SigmaHQ windows + built-in)" "$n" "$VIGIL" --workspace "$BENCH_DIR/ws-peers" import --rules "$rules" "$corpus"
    measure "rules check (load 2,407 SigmaHQ files)" 0 "$VIGIL" --workspace "$BENCH_DIR/ws-peers" rules check "$rules" || echo "    (rules check exits non-zero when some files do not load)"
    echo "    evtx parse floor reference: see peers.md (evtx_dump, 1.97 s)"
}

rules_bench() {
    local data="$BENCH_DIR/events-$EVENTS.ndjson"
    if [[ ! -s $data ]]; then
        "$CRATE/target/release/examples/gen_events" --events "$EVENTS" --out "$data"
    fi
    echo "== rule engines over $data"
    "$CRATE/target/release/examples/bench_rules" --input "$data" --sigma "$SHARED/rules/sigmahq/rules/windows" --elastic "$SHARED/rules/elastic"
}

# The interface on 1M generated events plus the tree-shape events (a parent with 5,000
# children, a 2,000-deep chain), imported with the built-in pack and the benchmark-only
# rules in examples/tui_bench_rules (about 50,000 alerts). The workspace is kept for reuse.
tui_bench() {
    local data="$BENCH_DIR/events-$EVENTS.ndjson" trees="$BENCH_DIR/tree-shapes.ndjson"
    local ws="$BENCH_DIR/ws-tui"
    if [[ ! -s $data ]]; then
        "$CRATE/target/release/examples/gen_events" --events "$EVENTS" --out "$data"
    fi
    if [[ ! -f $ws/alerts/alerts.jsonl ]]; then
        "$CRATE/target/release/examples/tui_bench" --tree-events "$trees" --children 5000 --depth 2000
        rm -rf "$ws"
        measure "import for the interface benchmark" "$EVENTS" "$VIGIL" --workspace "$ws" import \
            --rules "$CRATE/examples/tui_bench_rules" "$data" "$trees"
    fi
    echo "== interface on $ws ($(wc -l <"$ws/alerts/alerts.jsonl") alerts), 120x40 test backend"
    "$CRATE/target/release/examples/tui_bench" --workspace "$ws" --repeat 20
}

machine
build
case $WHAT in
    import) import_bench ;;
    peers) peers_bench ;;
    rules) rules_bench ;;
    tui) tui_bench ;;
    all) import_bench; peers_bench; rules_bench ;;
    *) echo "usage: scripts/bench.sh [all|import|peers|rules|tui]" >&2; exit 2 ;;
esac
