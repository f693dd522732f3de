#!/usr/bin/env bash
# Fuzzing campaign for the engine's Jazzer @FuzzTest targets (io.zconn.engine.fuzz).
#
#   engine/fuzz/campaign.sh [-n RUNS] [-t SECONDS] [-k FINDINGS] [TARGET...]
#
#   -n RUNS      inputs per target (libFuzzer -runs; default 10000000, the Hardening issue's bar)
#   -t SECONDS   wall-clock cap per target (libFuzzer -max_total_time; default 0 = none)
#   -k FINDINGS  keep fuzzing until this many distinct findings (Jazzer keep_going; default 1 =
#                stop at the first); with more, every distinct finding is reported and saved
#   TARGET       any of: decoder greeting command handshake plain curve trie (default: all seven;
#                handshake is the NULL mechanism's, plain and curve the PLAIN and CURVE handshakes)
#
# Each target runs in its own JVM (Jazzer fuzzes one @FuzzTest per run) through surefire with
# JAZZER_FUZZ=1; how the JUnit integration is steered (Jazzer 0.24.0):
#   - libFuzzer flags go in as the JUnit configuration parameters jazzer.internal.arg.N (what
#     Jazzer's own CLI does; they come after the annotation's maxDuration and so win);
#   - -Djazzer.hooks=true turns the instrumentation on (src/test/resources/junit-platform.properties
#     turns it off for the regression runs of a plain `mvn test`);
#   - the corpus the fuzzer grows goes to engine/target/fuzz-corpus/<Test> (reused by later runs),
#     the seeds under src/test/resources/.../<Test>Inputs/<method>/ are read only, and a crashing
#     input is written next to them as crash-<sha1> - from then on it is a regression input of
#     `mvn test`;
#   - -timeout=10: an input running longer than 10 s is reported as a hang.
# Prints, per target: inputs executed, seconds, execs/s, CPU seconds (Maven + JVM), inputs per CPU
# second, distinct findings (Jazzer dedup tokens), hangs; and appends
# the same as a table row to engine/target/fuzz-campaign/summary.md. Logs: engine/target/fuzz-campaign/.
#
# Offline (-o) by default; the machine is shared, so the JVM gets -Xmx1g (a frame header that
# makes the decoder allocate gigabytes then shows up as an OutOfMemoryError finding).
set -euo pipefail

RUNS=10000000
SECS=0
KEEP=1
while getopts "n:t:k:" o; do
    case "$o" in
        n) RUNS="$OPTARG" ;;
        t) SECS="$OPTARG" ;;
        k) KEEP="$OPTARG" ;;
        *) sed -n '2,12p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(decoder greeting command handshake plain curve trie)

ENGINE="$(cd "$(dirname "$0")/.." && pwd)"
ROOT="$(cd "$ENGINE/.." && pwd)"
OUT="$ENGINE/target/fuzz-campaign"
mkdir -p "$OUT"

test_of() {
    case "$1" in
        decoder) echo FrameDecoderFuzzTest ;;
        greeting) echo GreetingFuzzTest ;;
        command) echo CommandFuzzTest ;;
        handshake) echo HandshakeFuzzTest ;;
        plain) echo PlainHandshakeFuzzTest ;;
        curve) echo CurveHandshakeFuzzTest ;;
        trie) echo SubscriptionTrieFuzzTest ;;
        *) echo "unknown target $1 (decoder greeting command handshake plain curve trie)" >&2; exit 2 ;;
    esac
}

(cd "$ROOT" && mvn -o -q -B -Dstyle.color=never -pl engine test-compile -Dcheckstyle.skip)

SUMMARY="$OUT/summary.md"
[ -f "$SUMMARY" ] || printf '| date (UTC) | target | inputs | seconds | execs/s | CPU s | execs/CPU s | findings | hangs | result |\n|---|---|---|---|---|---|---|---|---|---|\n' > "$SUMMARY"

printf '%-10s %12s %8s %9s %8s %9s %9s %6s %s\n' target inputs seconds execs/s cpu-s execs/cpu-s findings hangs result
for t in "${TARGETS[@]}"; do
    cls="$(test_of "$t")"
    corpus="$ENGINE/target/fuzz-corpus/$cls"
    mkdir -p "$corpus"
    log="$OUT/$t.log"
    start=$(date +%s)
    set +e
    TIMEFORMAT='%U %S'
    { time { (cd "$ROOT" && JAZZER_FUZZ=1 mvn -o -B -Dstyle.color=never -pl engine surefire:test -Dcheckstyle.skip \
        -Dtest="$cls" -Dsurefire.failIfNoSpecifiedTests=false \
        -DargLine=-Xmx1g \
        -Djazzer.hooks=true -Djazzer.keep_going="$KEEP" \
        -Djazzer.internal.arg.0=jazzer \
        -Djazzer.internal.arg.1="-runs=$RUNS" \
        -Djazzer.internal.arg.2="-max_total_time=$SECS" \
        -Djazzer.internal.arg.3=-timeout=10 \
        -Djazzer.internal.arg.4=-print_final_stats=1 \
        -Djazzer.internal.arg.5="$corpus") > "$log" 2>&1; } ; } 2> "$OUT/$t.cpu"
    rc=$?
    set -e
    wall=$(( $(date +%s) - start ))
    # libFuzzer's final stats: stat::number_of_executed_units, stat::average_exec_per_sec
    last() { (grep -o "$1" "$log" || true) | tail -1 | grep -o '[0-9]*$' || true; }
    execs=$(last 'stat::number_of_executed_units: *[0-9]*')
    rate=$(last 'stat::average_exec_per_sec: *[0-9]*')
    secs=$( (grep -o 'Done [0-9]* runs in [0-9]* second' "$log" || true) | tail -1 | awk '{print $5}')
    if [ -z "$execs" ]; then # stopped at a finding: the last status line
        execs=$( (grep -o '^#[0-9]*' "$log" || true) | tail -1 | tr -d '#')
    fi
    findings=$( (grep -o 'DEDUP_TOKEN: [0-9a-f]*' "$log" || true) | sort -u | wc -l)
    hangs=$( (grep -o 'libFuzzer: timeout' "$log" || true) | wc -l)
    if [ $rc -eq 0 ] && [ "$findings" -eq 0 ] && [ "$hangs" -eq 0 ]; then
        result=pass
    else
        result="FAIL (rc $rc, see $log)"
    fi
    [ -z "$secs" ] && secs="$wall"
    # CPU seconds of Maven, the forked JVM and Jazzer together; on a shared machine execs per CPU
    # second says more about what an idle core would do than execs per wall-clock second
    cpu=$(awk '{printf "%d", $1 + $2}' "$OUT/$t.cpu")
    cpu=${cpu:-0}
    percpu=$([ -n "$execs" ] && [ "$cpu" -gt 0 ] && echo $((execs / cpu)) || echo '?')
    printf '%-10s %12s %8s %9s %8s %9s %9s %6s %s\n' "$t" "${execs:-?}" "$secs" "${rate:-?}" "$cpu" "$percpu" "$findings" "$hangs" "$result"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(date -u +%FT%TZ)" "$t" "${execs:-?}" "$secs" \
        "${rate:-?}" "$cpu" "$percpu" "$findings" "$hangs" "$result" >> "$SUMMARY"
    grep -h 'Test unit written to\|DEDUP_TOKEN' "$log" | sort -u | sed 's/^/    /' || true
done
