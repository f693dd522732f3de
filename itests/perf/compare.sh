#!/usr/bin/env bash
# Compares zconn with libzmq and JeroMQ: throughput (PUSH/PULL) and latency (REQ/REP) over
# tcp (127.0.0.1), ipc and inproc, plus crossed tcp runs (zconn <-> libzmq), using tools shaped
# like libzmq's perf programs. Prints one Markdown table on stdout; progress goes to stderr.
#
#   itests/perf/compare.sh            full comparison (medians of RUNS runs, alternating A B C A B C)
#   itests/perf/compare.sh --smoke    a few thousand messages, one run each, no thresholds: exits
#                                     non-zero only if a tool fails or a receiver misses messages
#   itests/perf/compare.sh --no-build use the binaries and jar already built
#
# Environment (defaults in brackets):
#   IMPLS       implementations to run ["libzmq zconn jeromq"]
#   MECHANISM   null or curve [null]: with curve every tcp/ipc pair runs CURVE with fixed test keys
#               (the binding PULL/REP is the server; ZPERF_MECHANISM in the tools); inproc has no
#               security mechanism, so TRANSPORTS defaults to "tcp ipc" then
#   TRANSPORTS  ["tcp ipc inproc"]
#   SIZES       throughput message sizes in bytes ["1 64 1024 65536 1048576"]
#   LAT_SIZES   latency message sizes ["1 1024"]
#   COUNT       messages per throughput run [10000000], capped by MAX_MB per run (long enough for
#               the JVMs to reach steady state: with 1M messages zconn and JeroMQ measure mostly JIT)
#   MAX_MB      megabytes per throughput run at most [2048] (1024 B -> 2M, 65536 B -> 31250 messages)
#   LAT_COUNT   round trips per latency run [20000]
#   WARMUP_PCT  untimed warm-up before each measured run, in % of its message (or round-trip)
#               count [20], the same for every implementation (ZPERF_WARMUP in the tools); 0 runs
#               the tools exactly as libzmq's, which for the JVMs mostly measures the JIT at work
#   RUNS        runs per figure; the table shows the median and [min-max] [3]
#   CROSS       1 = also zconn->libzmq and libzmq->zconn over tcp [1]
#   RUN_TIMEOUT seconds before one run is killed and counted as failed [180]
#   ZPERF_RCVTIMEO_MS  a receiver gives up (and fails) after this long without a message [30000]
#   ZPERF_HWM   SNDHWM/RCVHWM of every socket [1000, libzmq's default]
#   JAVA, JAVA_OPTS    the JVM and its options for zconn/JeroMQ tools [java, "-Xms1g -Xmx1g
#               -XX:+AlwaysPreTouch": a heap touched before the clock starts, so the kernel zeroing
#               fresh pages on first touch (up to half the CPU of a 64 KiB run) is not measured]
#   MVN_ARGS    extra Maven arguments for the build, e.g. -o [""]
#   PORT_BASE   first tcp port [27000]; each run uses the next one
set -uo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/target"
BIN="$OUT/bin"
JAR="$ROOT/itests/perf-java/target/zconn-perf.jar"

SMOKE=0
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --smoke) SMOKE=1 ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 64 ;;
  esac
done

if [ "$SMOKE" = 1 ]; then
  COUNT="${COUNT:-5000}"
  MAX_MB="${MAX_MB:-20}"
  JAVA_OPTS="${JAVA_OPTS:--Xmx512m}"
  LAT_COUNT="${LAT_COUNT:-1000}"
  RUNS="${RUNS:-1}"
  RUN_TIMEOUT="${RUN_TIMEOUT:-120}"
  export ZPERF_RCVTIMEO_MS="${ZPERF_RCVTIMEO_MS:-20000}"
fi
IMPLS="${IMPLS:-libzmq zconn jeromq}"
MECHANISM="${MECHANISM:-null}"
case "$MECHANISM" in
  null) TRANSPORTS="${TRANSPORTS:-tcp ipc inproc}" ;;
  curve) TRANSPORTS="${TRANSPORTS:-tcp ipc}" ;;
  *) echo "unknown MECHANISM '$MECHANISM' (null or curve)" >&2; exit 64 ;;
esac
export ZPERF_MECHANISM="$MECHANISM"
SIZES="${SIZES:-1 64 1024 65536 1048576}"
LAT_SIZES="${LAT_SIZES:-1 1024}"
COUNT="${COUNT:-10000000}"
MAX_MB="${MAX_MB:-2048}"
LAT_COUNT="${LAT_COUNT:-20000}"
RUNS="${RUNS:-3}"
WARMUP_PCT="${WARMUP_PCT:-20}"
CROSS="${CROSS:-1}"
RUN_TIMEOUT="${RUN_TIMEOUT:-180}"
export ZPERF_RCVTIMEO_MS="${ZPERF_RCVTIMEO_MS:-30000}"
JAVA="${JAVA:-java}"
JAVA_OPTS="${JAVA_OPTS:--Xms1g -Xmx1g -XX:+AlwaysPreTouch}"
MVN_ARGS="${MVN_ARGS:-}"
PORT_BASE="${PORT_BASE:-27000}"

has() { case " $IMPLS " in *" $1 "*) return 0 ;; esac; return 1; }
log() { echo "$*" >&2; }
for impl in $IMPLS; do
  case "$impl" in libzmq|zconn|jeromq) ;; *) log "unknown implementation '$impl' in IMPLS"; exit 64 ;; esac
done
DO_CROSS=0
if [ "$CROSS" = 1 ] && has zconn && has libzmq && [[ " $TRANSPORTS " == *" tcp "* ]]; then DO_CROSS=1; fi

mkdir -p "$OUT" "$BIN"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
LOGS="$OUT/logs-$STAMP"
RAW="$OUT/results-$STAMP.tsv"
IPC_DIR="$(mktemp -d /tmp/zperf.XXXXXX)"
mkdir -p "$LOGS"
trap 'rm -rf "$IPC_DIR"' EXIT

# ---- build -------------------------------------------------------------------------------------

build_c() {
  if [ ! -e /usr/include/zmq.h ]; then
    log "installing libzmq3-dev (zmq.h is missing)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq libzmq3-dev >/dev/null || return 1
  fi
  local t
  for t in local_thr remote_thr local_lat remote_lat inproc_thr inproc_lat; do
    gcc -O2 -pthread -o "$BIN/$t" "$HERE/c/$t.c" -lzmq || return 1
  done
}

build_java() {
  # Inside the reactor (module listed in the root pom) the engine is built from source with it;
  # otherwise the module is built alone against the zconn-engine installed in ~/.m2.
  if grep -q '<module>itests/perf-java</module>' "$ROOT/pom.xml"; then
    # shellcheck disable=SC2086
    mvn -q $MVN_ARGS -f "$ROOT/pom.xml" -pl itests/perf-java -am package -DskipTests
  else
    log "note: itests/perf-java is not in the root pom's modules; building it against the installed"
    log "      zconn-engine (run 'mvn -pl engine install -DskipTests' first for a current engine)"
    # shellcheck disable=SC2086
    mvn -q $MVN_ARGS -f "$ROOT/itests/perf-java/pom.xml" package
  fi
}

if [ "$BUILD" = 1 ]; then
  if has libzmq; then
    log "building the libzmq C tools"
    build_c || { log "FAILED: building the C tools"; exit 1; }
  fi
  if has zconn || has jeromq; then
    log "building the Java tools (zconn-perf)"
    build_java || { log "FAILED: building itests/perf-java"; exit 1; }
  fi
fi
if has libzmq && [ ! -x "$BIN/local_thr" ]; then log "missing $BIN/local_thr (drop --no-build)"; exit 1; fi
if { has zconn || has jeromq; } && [ ! -f "$JAR" ]; then log "missing $JAR (drop --no-build)"; exit 1; fi

# ---- running one measurement ---------------------------------------------------------------------

SEQ=0
FAILURES=0
declare -A VALUES   # "kind|transport|size|pair" -> space-separated values of the runs

tool_cmd() { # impl tool args... -> CMD
  local impl="$1" tool="$2"
  shift 2
  if [ "$impl" = libzmq ]; then
    CMD=("$BIN/$tool" "$@")
  else
    # shellcheck disable=SC2206
    CMD=("$JAVA" $JAVA_OPTS -jar "$JAR" "$impl" "$tool" "$@")
  fi
}

wait_bound() { # transport endpoint impl pid: until the binding side listens (or gives up)
  local transport="$1" ep="$2" impl="$3" pid="$4" i
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    case "$transport" in
      tcp)
        local port="${ep##*:}"
        grep -qiE ":$(printf '%04X' "$port") 0+:0000 0A" /proc/net/tcp && return 0 ;;
      ipc)
        # JeroMQ emulates ipc over loopback tcp: no socket file to wait for
        if [ "$impl" = jeromq ]; then sleep 1.5; return 0; fi
        [ -S "${ep#ipc://}" ] && return 0 ;;
    esac
    sleep 0.05
  done
}

fail_run() { # label logfiles...
  local label="$1"
  shift
  FAILURES=$((FAILURES + 1))
  log "FAILED: $label"
  local f
  for f in "$@"; do
    [ -s "$f" ] && { log "  --- $(basename "$f")"; tail -n 15 "$f" | sed 's/^/  /' >&2; }
  done
}

# run_one kind(thr|lat) transport size count receiver-impl sender-impl -> RESULT (number or FAIL)
run_one() {
  local kind="$1" transport="$2" size="$3" count="$4" rimpl="$5" simpl="$6"
  SEQ=$((SEQ + 1))
  local base="$LOGS/$SEQ-$kind-$transport-$size-$simpl-to-$rimpl"
  local label="$kind $transport ${size}B $simpl->$rimpl (logs: $base.*)"
  local rc lrc out pattern
  if [ "$kind" = thr ]; then pattern='mean throughput: ([0-9]+) \[msg/s\]'; else pattern='average latency: ([0-9.]+) \[us\]'; fi
  RESULT=FAIL
  export ZPERF_WARMUP=$(( count * WARMUP_PCT / 100 ))
  if [ "$transport" = inproc ]; then
    tool_cmd "$rimpl" "inproc_$kind" "$size" "$count"
    timeout "$RUN_TIMEOUT" "${CMD[@]}" >"$base.out" 2>"$base.err"
    rc=$?
    out="$base.out"
    [ "$rc" = 0 ] || { fail_run "$label: exit status $rc" "$base.out" "$base.err"; return; }
  else
    local ep
    if [ "$transport" = tcp ]; then ep="tcp://127.0.0.1:$((PORT_BASE + SEQ % 3000))"; else ep="ipc://$IPC_DIR/s$SEQ.ipc"; fi
    # the binding side: PULL (local_thr) or REP (local_lat); thr is read from it, lat from the REQ side
    tool_cmd "$rimpl" "local_$kind" "$ep" "$size" "$count"
    timeout "$RUN_TIMEOUT" "${CMD[@]}" >"$base.local.out" 2>"$base.local.err" &
    local lpid=$!
    wait_bound "$transport" "$ep" "$rimpl" "$lpid"
    tool_cmd "$simpl" "remote_$kind" "$ep" "$size" "$count"
    timeout "$RUN_TIMEOUT" "${CMD[@]}" >"$base.remote.out" 2>"$base.remote.err"
    rc=$?
    wait "$lpid"
    lrc=$?
    if [ "$kind" = thr ]; then out="$base.local.out"; else out="$base.remote.out"; fi
    if [ "$rc" != 0 ] || [ "$lrc" != 0 ]; then
      fail_run "$label: exit status local=$lrc remote=$rc" "$base.local.out" "$base.local.err" "$base.remote.out" "$base.remote.err"
      return
    fi
  fi
  if [[ "$(cat "$out")" =~ $pattern ]]; then
    RESULT="${BASH_REMATCH[1]}"
  else
    fail_run "$label: no result in output" "$out"
  fi
}

record() { # kind transport size pair value
  local key="$1|$2|$3|$4"
  VALUES[$key]="${VALUES[$key]:-}${VALUES[$key]:+ }$5"
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$RAW"
}

thr_count() { # size -> messages for one throughput run
  local size="$1" cap
  if [ "$size" -le 0 ]; then echo "$COUNT"; return; fi
  cap=$(( MAX_MB * 1000000 / size ))
  [ "$cap" -lt 1 ] && cap=1
  if [ "$COUNT" -lt "$cap" ]; then echo "$COUNT"; else echo "$cap"; fi
}

# ---- the plan --------------------------------------------------------------------------------------

ntr=$(echo $TRANSPORTS | wc -w); nsz=$(echo $SIZES | wc -w); nim=$(echo $IMPLS | wc -w); nlat=$(echo $LAT_SIZES | wc -w)
TOTAL=$(( ntr * nsz * nim * RUNS + ntr * nlat * nim * RUNS + DO_CROSS * nsz * 3 * RUNS ))
DONE=0
progress() { DONE=$((DONE + 1)); log "[$DONE/$TOTAL] $*"; }

printf 'kind\ttransport\tsize\tpair\tvalue\n' >"$RAW"
log "zconn perf comparison: MECHANISM=$MECHANISM IMPLS='$IMPLS' TRANSPORTS='$TRANSPORTS' SIZES='$SIZES' COUNT=$COUNT MAX_MB=$MAX_MB LAT_COUNT=$LAT_COUNT WARMUP_PCT=$WARMUP_PCT RUNS=$RUNS"

for transport in $TRANSPORTS; do
  for size in $SIZES; do
    count=$(thr_count "$size")
    for run in $(seq 1 "$RUNS"); do
      for impl in $IMPLS; do
        run_one thr "$transport" "$size" "$count" "$impl" "$impl"
        [ "$RESULT" = FAIL ] || record thr "$transport" "$size" "$impl" "$RESULT"
        progress "thr $transport ${size}B x$count $impl run $run: $RESULT msg/s"
      done
    done
  done
  for size in $LAT_SIZES; do
    for run in $(seq 1 "$RUNS"); do
      for impl in $IMPLS; do
        run_one lat "$transport" "$size" "$LAT_COUNT" "$impl" "$impl"
        [ "$RESULT" = FAIL ] || record lat "$transport" "$size" "$impl" "$RESULT"
        progress "lat $transport ${size}B x$LAT_COUNT $impl run $run: $RESULT us"
      done
    done
  done
done

if [ "$DO_CROSS" = 1 ]; then
  for size in $SIZES; do
    count=$(thr_count "$size")
    for run in $(seq 1 "$RUNS"); do
      # receiver sender pair-name, alternating with a libzmq->libzmq baseline
      for spec in "libzmq libzmq libzmq" "libzmq zconn zconn>libzmq" "zconn libzmq libzmq>zconn"; do
        set -- $spec
        run_one thr tcp "$size" "$count" "$1" "$2"
        [ "$RESULT" = FAIL ] || record cross tcp "$size" "$3" "$RESULT"
        progress "thr tcp ${size}B x$count $2->$1 (crossed) run $run: $RESULT msg/s"
      done
    done
  done
fi

# ---- the table ---------------------------------------------------------------------------------------

stats() { # values... -> "median min max" (empty when none)
  [ $# -gt 0 ] || return 0
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%s %s %s\n", m, v[1], v[NR] }'
}

si() { # number -> 1.23M / 456.7k / 12
  awk -v x="$1" 'BEGIN { if (x >= 1e6) printf "%.2fM", x / 1e6; else if (x >= 1e3) printf "%.1fk", x / 1e3; else printf "%.0f", x }'
}

median_of() { # key -> median or empty
  local s
  # shellcheck disable=SC2086
  s=$(stats ${VALUES[$1]:-})
  echo "${s%% *}"
}

thr_cell() { # key size
  local s med lo hi
  # shellcheck disable=SC2086
  s=$(stats ${VALUES[$1]:-})
  [ -n "$s" ] || { echo "FAIL"; return; }
  read -r med lo hi <<<"$s"
  local mbs
  mbs=$(awk -v m="$med" -v z="$2" 'BEGIN { v = m * z / 1e6; if (v >= 100) printf "%.0f", v; else if (v >= 1) printf "%.1f", v; else printf "%.2f", v }')
  if [ "$RUNS" -gt 1 ]; then echo "$(si "$med") [$(si "$lo")–$(si "$hi")] · $mbs MB/s"; else echo "$(si "$med") · $mbs MB/s"; fi
}

lat_cell() { # key
  local s med lo hi
  # shellcheck disable=SC2086
  s=$(stats ${VALUES[$1]:-})
  [ -n "$s" ] || { echo "FAIL"; return; }
  read -r med lo hi <<<"$s"
  if [ "$RUNS" -gt 1 ]; then
    awk -v m="$med" -v a="$lo" -v b="$hi" 'BEGIN { printf "%.1f µs [%.1f–%.1f]", m, a, b }'
  else
    awk -v m="$med" 'BEGIN { printf "%.1f µs", m }'
  fi
}

ratio() { # a b -> a/b or –
  if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "–" }'; else echo "–"; fi
}

cell_or_dash() { # impl key kind size
  if has "$1"; then
    if [ "$3" = lat ]; then lat_cell "$2"; else thr_cell "$2" "$4"; fi
  else
    echo "–"
  fi
}

TABLE="$OUT/compare-$STAMP.md"
{
  echo "| test | transport | size [B] | libzmq | zconn | JeroMQ | zconn/libzmq | zconn/JeroMQ |"
  echo "|---|---|---:|---|---|---|---:|---:|"
  for transport in $TRANSPORTS; do
    for size in $SIZES; do
      k="thr|$transport|$size"
      echo "| thr msg/s | $transport | $size | $(cell_or_dash libzmq "$k|libzmq" thr "$size") | $(cell_or_dash zconn "$k|zconn" thr "$size") | $(cell_or_dash jeromq "$k|jeromq" thr "$size") | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|libzmq")") | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|jeromq")") |"
    done
  done
  for transport in $TRANSPORTS; do
    for size in $LAT_SIZES; do
      k="lat|$transport|$size"
      echo "| lat (one-way) | $transport | $size | $(cell_or_dash libzmq "$k|libzmq" lat) | $(cell_or_dash zconn "$k|zconn" lat) | $(cell_or_dash jeromq "$k|jeromq" lat) | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|libzmq")") | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|jeromq")") |"
    done
  done
  if [ "$DO_CROSS" = 1 ]; then
    for size in $SIZES; do
      k="cross|tcp|$size"
      base="$(median_of "$k|libzmq")"
      echo "| thr zconn→libzmq | tcp | $size | $(thr_cell "$k|libzmq" "$size") | $(thr_cell "$k|zconn>libzmq" "$size") | – | $(ratio "$(median_of "$k|zconn>libzmq")" "$base") | – |"
      echo "| thr libzmq→zconn | tcp | $size | $(thr_cell "$k|libzmq" "$size") | $(thr_cell "$k|libzmq>zconn" "$size") | – | $(ratio "$(median_of "$k|libzmq>zconn")" "$base") | – |"
    done
  fi
  echo
  echo "thr: messages/s received by PULL, median [min–max] of $RUNS run(s), then MB/s (10^6 B) of payload; ratios of medians, > 1 means zconn is faster."
  echo "lat: one-way latency = REQ/REP round trip / 2 (as libzmq's remote_lat), median [min–max]; ratios > 1 mean zconn is slower."
  if [ "$DO_CROSS" = 1 ]; then
    echo "crossed rows: the zconn column is the mixed pair (sender→receiver), the libzmq column libzmq→libzmq measured alternately with it; the ratio compares the two."
  fi
  echo "Security mechanism: $MECHANISM$( [ "$MECHANISM" = curve ] && echo ' (CURVE on every tcp/ipc connection, fixed test keys, no ZAP handler)')."
  echo "Runs alternate implementations (A B C A B C ...). COUNT=$COUNT (at most $MAX_MB MB per run) after an untimed warm-up of $WARMUP_PCT %, LAT_COUNT=$LAT_COUNT, HWM=${ZPERF_HWM:-1000}, JVM options '$JAVA_OPTS' ($("$JAVA" -version 2>&1 | head -1)), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ). Raw runs: ${RAW#"$ROOT"/}."
} >"$TABLE"
cat "$TABLE"

if [ "$FAILURES" -gt 0 ]; then
  log "$FAILURES run(s) FAILED (see above and $LOGS)"
  exit 1
fi
exit 0
