#!/usr/bin/env bash
# A/B throughput and latency of two builds of the zconn perf tools in one run, alternating them
# (A B A B ...) so that both see the same machine load; prints one Markdown table (medians and
# [min-max]) on stdout, progress on stderr. Used to show the cost of a change on the message path
# (e.g. the always-on socket metrics: A = main, B = the branch).
#
#   JAR_A=/tmp/main/itests/perf-java/target/zconn-perf.jar \
#   JAR_B=itests/perf-java/target/zconn-perf.jar itests/perf/ab.sh
#
# Build each jar in its own worktree with 'mvn -o -q -pl itests/perf-java -am package -DskipTests'
# (never 'mvn install'). Environment (defaults in brackets): JAR_A, JAR_B (required), NAME_A [A],
# NAME_B [B], TRANSPORT [tcp] (tcp or ipc), SIZES ["1 64 1024"], COUNT [3000000] messages per
# throughput run (capped at MAX_MB [1024] per run), LAT_SIZES ["1"; empty for none], LAT_COUNT [20000], RUNS [5],
# WARMUP_PCT [20], JAVA [java], JAVA_OPTS ["-Xms1g -Xmx1g -XX:+AlwaysPreTouch"], PORT_BASE [29000].
set -uo pipefail

: "${JAR_A:?JAR_A is required}" "${JAR_B:?JAR_B is required}"
NAME_A="${NAME_A:-A}"
NAME_B="${NAME_B:-B}"
TRANSPORT="${TRANSPORT:-tcp}"
SIZES="${SIZES:-1 64 1024}"
COUNT="${COUNT:-3000000}"
MAX_MB="${MAX_MB:-1024}"
LAT_SIZES="${LAT_SIZES-1}"
LAT_COUNT="${LAT_COUNT:-20000}"
RUNS="${RUNS:-5}"
WARMUP_PCT="${WARMUP_PCT:-20}"
JAVA="${JAVA:-java}"
JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch}"
PORT_BASE="${PORT_BASE:-29000}"
LOGS="$(mktemp -d /tmp/zconn-ab.XXXXXX)"
SEQ=0

log() { echo "$(date -u +%H:%M:%S) $*" >&2; }

endpoint() {
  SEQ=$((SEQ + 1))
  if [ "$TRANSPORT" = tcp ]; then echo "tcp://127.0.0.1:$((PORT_BASE + SEQ % 2000))"; else echo "ipc://$LOGS/s$SEQ.ipc"; fi
}

wait_bound() { # endpoint pid
  local ep="$1" pid="$2" i
  for i in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || return 0
    if [ "$TRANSPORT" = tcp ]; then
      grep -qiE ":$(printf '%04X' "${ep##*:}") 0+:0000 0A" /proc/net/tcp && return 0
    else
      [ -S "${ep#ipc://}" ] && return 0
    fi
    sleep 0.05
  done
}

# run jar kind size count -> RESULT (msg/s or us, FAIL)
run() {
  local jar="$1" kind="$2" size="$3" count="$4" ep out pattern lpid
  ep="$(endpoint)"
  if [ "$kind" = thr ]; then pattern='mean throughput: ([0-9]+) \[msg/s\]'; else pattern='average latency: ([0-9.]+) \[us\]'; fi
  export ZPERF_WARMUP=$(( count * WARMUP_PCT / 100 ))
  # shellcheck disable=SC2086
  timeout 300 "$JAVA" $JAVA_OPTS -jar "$jar" zconn "local_$kind" "$ep" "$size" "$count" >"$LOGS/$SEQ.local" 2>&1 &
  lpid=$!
  wait_bound "$ep" "$lpid"
  # shellcheck disable=SC2086
  timeout 300 "$JAVA" $JAVA_OPTS -jar "$jar" zconn "remote_$kind" "$ep" "$size" "$count" >"$LOGS/$SEQ.remote" 2>&1
  wait "$lpid"
  if [ "$kind" = thr ]; then out="$LOGS/$SEQ.local"; else out="$LOGS/$SEQ.remote"; fi
  RESULT=FAIL
  [[ "$(cat "$out")" =~ $pattern ]] && RESULT="${BASH_REMATCH[1]}"
}

summary() { # values... -> "median [min-max]"
  printf '%s\n' "$@" | grep -v FAIL | sort -g | awk '{v[NR]=$1} END {
    if (NR == 0) { print "FAIL"; exit }
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.6g [%.6g-%.6g]", m, v[1], v[NR] }'
}

median() { printf '%s\n' "$@" | grep -v FAIL | sort -g | awk '{v[NR]=$1} END {
    if (NR == 0) { print 0; exit }
    print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

log "A/B on $TRANSPORT: A=$NAME_A ($JAR_A) B=$NAME_B ($JAR_B) RUNS=$RUNS; $(uptime)"
ROWS=()
for kind in thr lat; do
  if [ "$kind" = thr ]; then sizes="$SIZES"; else sizes="$LAT_SIZES"; fi
  for size in $sizes; do
    if [ "$kind" = thr ]; then
      count="$COUNT"; cap=$(( MAX_MB * 1000000 / (size > 0 ? size : 1) )); [ "$count" -gt "$cap" ] && count="$cap"
    else
      count="$LAT_COUNT"
    fi
    A=(); B=()
    for r in $(seq 1 "$RUNS"); do
      run "$JAR_A" "$kind" "$size" "$count"; A+=("$RESULT"); log "$kind ${size}B run $r $NAME_A: $RESULT"
      run "$JAR_B" "$kind" "$size" "$count"; B+=("$RESULT"); log "$kind ${size}B run $r $NAME_B: $RESULT"
    done
    ma="$(median "${A[@]}")"; mb="$(median "${B[@]}")"
    ratio="$(awk -v a="$ma" -v b="$mb" 'BEGIN { if (a > 0) printf "%.3f", b / a; else print "-" }')"
    if [ "$kind" = thr ]; then what="throughput [msg/s]"; else what="latency [us]"; fi
    ROWS+=("| $TRANSPORT $what | ${size} B | $(summary "${A[@]}") | $(summary "${B[@]}") | $ratio |")
  done
done
echo "| measure | size | $NAME_A | $NAME_B | $NAME_B / $NAME_A |"
echo "|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "Alternating A B, medians [min-max] of $RUNS runs each, COUNT=$COUNT (at most $MAX_MB MB per run), LAT_COUNT=$LAT_COUNT, warm-up $WARMUP_PCT %, JVM options '$JAVA_OPTS', $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ); $(uptime | sed 's/^ *//'). Logs: $LOGS."
