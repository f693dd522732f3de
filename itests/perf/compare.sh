#!/usr/bin/env bash
# Compares zconn with libzmq and JeroMQ: throughput (PUSH/PULL) and latency (REQ/REP) over
# tcp (127.0.0.1), ipc and inproc, plus crossed tcp runs (zconn <-> libzmq), using tools shaped
# like libzmq's perf programs. Prints one Markdown table on stdout; progress goes to stderr.
#
#   itests/perf/compare.sh            full comparison (medians of RUNS runs, alternating A B C A B C)
#   itests/perf/compare.sh --smoke    a few thousand messages, one run each, no thresholds: exits
#                                     non-zero only if a tool fails or a receiver misses messages
#   itests/perf/compare.sh --no-build use the binaries and jar already built
#   itests/perf/charts.py RESULTS.tsv [DIR]   SVG charts from a run's TSV (compare.sh writes them
#                                     to target/charts-<stamp>/ after every run; DIR defaults to
#                                     itests/perf/charts, the committed ones)
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
#   RUN_TIMEOUT seconds before one run is killed and counted as failed [180]; a run also ends as
#               soon as one side of a pair fails (exits non-zero: the other side is stopped then),
#               and the JVMs run with -XX:+ExitOnOutOfMemoryError, so a JVM out of heap (JeroMQ at
#               1 MiB: HWM 1000 x 1 MiB) fails its run in seconds, not after RUN_TIMEOUT
#   ZPERF_RCVTIMEO_MS  a receiver gives up (and fails) after this long without a message [30000]
#   ZPERF_HWM   SNDHWM/RCVHWM of every socket [1000, libzmq's default]
#   JAVA, JAVA_OPTS    the JVM and its options for zconn/JeroMQ tools [java, "-Xms1g -Xmx1g
#               -XX:+AlwaysPreTouch": a heap touched before the clock starts, so the kernel zeroing
#               fresh pages on first touch (up to half the CPU of a 64 KiB run) is not measured]
#   MVN_ARGS    extra Maven arguments for the build, e.g. -o [""]
#   PORT_BASE   first tcp port [27000]; each run uses the next one (scale rows: PORT_BASE+3000 on)
#
# Scale rows (SCALE=1; tcp, null mechanism; tools scale_* in c/ and perf-java's ScaleTools):
#   SCALE       1 = add the scale rows [0; --smoke: 1 with tiny counts]; BASE=0 leaves out the
#               throughput/latency/crossed rows (e.g. BASE=0 SCALE=1 for the scale rows alone)
#   SCALE_SUBS  PUB -> N SUB rows: the N values [10 100 1000]; the SUBs are in one process, one
#               thread, one poller; the row is data messages delivered to all SUBs together per
#               second (a PUB drops at the HWM: what arrives is counted), plus that process's RSS
#               (and heap after GC for the JVMs)
#   SCALE_DELIVERIES  messages the PUB sends = this / N, at least 1000 [20000000]
#   SCALE_DEALERS     ROUTER + N DEALER rows (each keeps one request in flight) [1000]
#   SCALE_REPLIES     replies timed per router run [500000]
#   CONNECT_CONCURRENCY  connection-rate rows: DEALERs connecting at a time [1 100]
#   CONNECTS    connections timed per connection-rate run [5000] (each: socket, connect, one round
#               trip through the ROUTER, close; tcp_tw_reuse lets loopback reuse TIME_WAIT ports)
#   SCALE_SIZE  message size of the scale rows [64]
#   SCALE_JAVA_OPTS    JVM options of the scale tools ["-Xmx1g": no pre-touched heap, so RSS means
#               something]; SCALE_TIMEOUT seconds per scale run [300]
#   The warm-up is WARMUP_PCT of the count, as for the other rows.
# Cold rows (COLD=1): throughput and latency with no warm-up at all (what a short-lived process
#   sees: the JVMs' JIT at work), on COLD_TRANSPORTS ["tcp"] at SIZES and LAT_SIZES,
#   COLD_COUNT messages per throughput run [1000000, capped by MAX_MB], LAT_COUNT round trips.
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
  # scale rows: checks the tools work, in seconds
  SCALE_SUBS="${SCALE_SUBS-10}"
  SCALE_DELIVERIES="${SCALE_DELIVERIES:-20000}"
  SCALE_DEALERS="${SCALE_DEALERS-10}"
  SCALE_REPLIES="${SCALE_REPLIES:-500}"
  CONNECT_CONCURRENCY="${CONNECT_CONCURRENCY-10}"
  CONNECTS="${CONNECTS:-100}"
  SCALE_JAVA_OPTS="${SCALE_JAVA_OPTS:--Xmx512m}"
  if [ "${MECHANISM:-null}" = null ]; then SCALE="${SCALE:-1}"; fi
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
BASE="${BASE:-1}"
SCALE="${SCALE:-0}"
SCALE_SUBS="${SCALE_SUBS-10 100 1000}"
SCALE_DELIVERIES="${SCALE_DELIVERIES:-20000000}"
SCALE_DEALERS="${SCALE_DEALERS-1000}"
SCALE_REPLIES="${SCALE_REPLIES:-500000}"
CONNECT_CONCURRENCY="${CONNECT_CONCURRENCY-1 100}"
CONNECTS="${CONNECTS:-5000}"
SCALE_SIZE="${SCALE_SIZE:-64}"
SCALE_JAVA_OPTS="${SCALE_JAVA_OPTS:--Xmx1g}"
SCALE_TIMEOUT="${SCALE_TIMEOUT:-300}"
COLD="${COLD:-0}"
COLD_TRANSPORTS="${COLD_TRANSPORTS:-tcp}"
COLD_COUNT="${COLD_COUNT:-1000000}"
if [ "$SCALE" = 1 ] && [ "$MECHANISM" != null ]; then
  echo "note: the scale rows run with the null mechanism only; SCALE=1 ignored with MECHANISM=$MECHANISM" >&2
  SCALE=0
fi
if [ "$BASE" != 1 ]; then CROSS=0; fi

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
  # the scale tools (SCALE=1)
  for t in scale_pub scale_sub scale_router scale_dealers scale_connect; do
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
    # out of memory (in any thread: an I/O thread's OutOfMemoryError leaves main waiting) ends the
    # JVM at once, so the run fails in seconds instead of after RUN_TIMEOUT
    # shellcheck disable=SC2206
    CMD=("$JAVA" -XX:+ExitOnOutOfMemoryError $JAVA_OPTS -jar "$JAR" "$impl" "$tool" "$@")
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

# await_pair local-pid remote-pid -> LRC RRC: waits for both sides of a pair; when one side fails
# (exits non-zero: out of memory, a receive timeout, a crash) the other is stopped at once rather
# than left to wait for its peer until its own timeout or RUN_TIMEOUT
await_pair() {
  local lpid="$1" rpid="$2" id="" rc
  LRC="" RRC=""
  wait -n -p id "$lpid" "$rpid"
  rc=$?
  if [ "$id" = "$lpid" ]; then LRC=$rc; elif [ "$id" = "$rpid" ]; then RRC=$rc; fi
  if [ -n "$LRC" ] && [ -z "$RRC" ]; then
    [ "$LRC" = 0 ] || kill "$rpid" 2>/dev/null
    wait "$rpid"
    RRC=$?
  elif [ -n "$RRC" ] && [ -z "$LRC" ]; then
    [ "$RRC" = 0 ] || kill "$lpid" 2>/dev/null
    wait "$lpid"
    LRC=$?
  else # neither reported (not expected): wait for both as before
    wait "$lpid"; LRC=$?
    wait "$rpid"; RRC=$?
  fi
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
    timeout "$RUN_TIMEOUT" "${CMD[@]}" >"$base.remote.out" 2>"$base.remote.err" &
    await_pair "$lpid" $!
    lrc="$LRC" rc="$RRC"
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
TOTAL=$(( BASE * (ntr * nsz * nim * RUNS + ntr * nlat * nim * RUNS) + DO_CROSS * nsz * 3 * RUNS ))
# the scale and cold rows
if [ "$SCALE" = 1 ]; then
  TOTAL=$(( TOTAL + ($(echo $SCALE_SUBS | wc -w) + $(echo $SCALE_DEALERS | wc -w) + $(echo $CONNECT_CONCURRENCY | wc -w)) * nim * RUNS ))
fi
if [ "$COLD" = 1 ]; then
  TOTAL=$(( TOTAL + $(echo $COLD_TRANSPORTS | wc -w) * (nsz + nlat) * nim * RUNS ))
fi
DONE=0
progress() { DONE=$((DONE + 1)); log "[$DONE/$TOTAL] $*"; }

printf 'kind\ttransport\tsize\tpair\tvalue\n' >"$RAW"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
log "zconn perf comparison: MECHANISM=$MECHANISM IMPLS='$IMPLS' TRANSPORTS='$TRANSPORTS' SIZES='$SIZES' COUNT=$COUNT MAX_MB=$MAX_MB LAT_COUNT=$LAT_COUNT WARMUP_PCT=$WARMUP_PCT RUNS=$RUNS"
[ "$SCALE" = 1 ] && log "  scale rows: SCALE_SUBS='$SCALE_SUBS' SCALE_DEALERS='$SCALE_DEALERS' CONNECT_CONCURRENCY='$CONNECT_CONCURRENCY' SCALE_DELIVERIES=$SCALE_DELIVERIES SCALE_REPLIES=$SCALE_REPLIES CONNECTS=$CONNECTS"
[ "$COLD" = 1 ] && log "  cold rows: COLD_TRANSPORTS='$COLD_TRANSPORTS' COLD_COUNT=$COLD_COUNT"

for transport in $TRANSPORTS; do
  [ "$BASE" = 1 ] || break
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

# ---- the scale rows (SCALE=1) and the cold rows (COLD=1) ------------------------------------------

# run_scale row(pubsub|router|connect) n impl -> SRESULT (rate or FAIL), SRSS, SHEAP, SPCT (may be empty)
run_scale() {
  local row="$1" n="$2" impl="$3"
  SEQ=$((SEQ + 1))
  local port=$((PORT_BASE + 3000 + (SEQ % 1000) * 2))
  local ep="tcp://127.0.0.1:$port" ctl="tcp://127.0.0.1:$((port + 1))"
  local base="$LOGS/$SEQ-$row-$n-$impl"
  local label="$row n=$n $impl (logs: $base.*)"
  local count server client memfrom pattern
  SRESULT=FAIL SRSS="" SHEAP="" SPCT=""
  case "$row" in
    pubsub)
      count=$(( SCALE_DELIVERIES / n )); [ "$count" -ge 1000 ] || count=1000
      server=(scale_pub "$ep" "$ctl" "$SCALE_SIZE" "$count")
      client=(scale_sub "$ep" "$ctl" "$SCALE_SIZE" "$n" "$count")
      memfrom=client pattern='mean throughput: ([0-9]+) \[msg/s\]' ;;
    router)
      count="$SCALE_REPLIES"
      server=(scale_router "$ep" "$SCALE_SIZE" "$(( n + count ))")
      client=(scale_dealers "$ep" "$SCALE_SIZE" "$n" "$count")
      memfrom=server pattern='mean throughput: ([0-9]+) \[msg/s\]' ;;
    connect)
      count="$CONNECTS"
      server=(scale_router "$ep" 1 "$count")
      client=(scale_connect "$ep" "$count" "$n")
      memfrom=none pattern='connection rate: ([0-9]+) \[conn/s\]' ;;
  esac
  export ZPERF_WARMUP=$(( count * WARMUP_PCT / 100 ))
  JAVA_OPTS="$SCALE_JAVA_OPTS" tool_cmd "$impl" "${server[@]}"
  timeout "$SCALE_TIMEOUT" "${CMD[@]}" >"$base.server.out" 2>"$base.server.err" &
  local spid=$! rc src
  wait_bound tcp "$ep" "$impl" "$spid"
  JAVA_OPTS="$SCALE_JAVA_OPTS" tool_cmd "$impl" "${client[@]}"
  timeout "$SCALE_TIMEOUT" "${CMD[@]}" >"$base.client.out" 2>"$base.client.err" &
  await_pair "$spid" $!
  src="$LRC" rc="$RRC"
  if [ "$rc" != 0 ] || [ "$src" != 0 ]; then
    fail_run "$label: exit status server=$src client=$rc" "$base.server.out" "$base.server.err" "$base.client.out" "$base.client.err"
    return
  fi
  if [[ "$(cat "$base.client.out")" =~ $pattern ]]; then
    SRESULT="${BASH_REMATCH[1]}"
  else
    fail_run "$label: no result in output" "$base.client.out"
    return
  fi
  if [ "$memfrom" != none ]; then
    local mem
    mem="$(cat "$base.$memfrom.out")"
    if [[ "$mem" =~ rss:\ ([0-9.]+)\ \[MB\] ]]; then SRSS="${BASH_REMATCH[1]}"; fi
    if [[ "$mem" =~ heap:\ ([0-9.]+)\ \[MB\] ]]; then SHEAP="${BASH_REMATCH[1]}"; fi
  fi
  if [[ "$(cat "$base.client.out")" =~ delivered:\ [0-9]+\ \(([0-9.]+)\ % ]]; then SPCT="${BASH_REMATCH[1]}"; fi
}

if [ "$SCALE" = 1 ]; then
  # 1000 SUBs or DEALERs in one process: a few descriptors each (JeroMQ: a socket pair per socket)
  want_fds=$(( 8 * ( $(printf '%s\n' $SCALE_SUBS $SCALE_DEALERS $CONNECT_CONCURRENCY | sort -n | tail -1) + 128 ) ))
  if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want_fds" ]; then
    ulimit -n "$want_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null ||
      log "note: ulimit -n is $(ulimit -n), below the $want_fds descriptors the scale rows may need"
  fi
  for spec in $(for n in $SCALE_SUBS; do echo "pubsub:$n"; done; for n in $SCALE_DEALERS; do echo "router:$n"; done;
                for n in $CONNECT_CONCURRENCY; do echo "connect:$n"; done); do
    row="${spec%%:*}" n="${spec#*:}"
    for run in $(seq 1 "$RUNS"); do
      for impl in $IMPLS; do
        run_scale "$row" "$n" "$impl"
        if [ "$SRESULT" != FAIL ]; then
          record "$row" tcp "$n" "$impl" "$SRESULT"
          [ -z "$SRSS" ] || record "${row}_rss" tcp "$n" "$impl" "$SRSS"
          [ -z "$SHEAP" ] || record "${row}_heap" tcp "$n" "$impl" "$SHEAP"
          [ -z "$SPCT" ] || record "${row}_pct" tcp "$n" "$impl" "$SPCT"
        fi
        progress "$row n=$n $impl run $run: $SRESULT/s${SRSS:+, rss $SRSS MB}${SHEAP:+, heap $SHEAP MB}${SPCT:+, $SPCT % delivered}"
      done
    done
  done
fi

if [ "$COLD" = 1 ]; then
  for transport in $COLD_TRANSPORTS; do
    for size in $SIZES; do
      count=$(COUNT="$COLD_COUNT" thr_count "$size")
      for run in $(seq 1 "$RUNS"); do
        for impl in $IMPLS; do
          WARMUP_PCT=0 run_one thr "$transport" "$size" "$count" "$impl" "$impl"
          [ "$RESULT" = FAIL ] || record thr_cold "$transport" "$size" "$impl" "$RESULT"
          progress "thr cold $transport ${size}B x$count $impl run $run: $RESULT msg/s"
        done
      done
    done
    for size in $LAT_SIZES; do
      for run in $(seq 1 "$RUNS"); do
        for impl in $IMPLS; do
          WARMUP_PCT=0 run_one lat "$transport" "$size" "$LAT_COUNT" "$impl" "$impl"
          [ "$RESULT" = FAIL ] || record lat_cold "$transport" "$size" "$impl" "$RESULT"
          progress "lat cold $transport ${size}B x$LAT_COUNT $impl run $run: $RESULT us"
        done
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

rate_cell() { # key impl -> "median [min–max]" of a rate, with the delivered share of pubsub rows
  local s med lo hi pct
  # shellcheck disable=SC2086
  s=$(stats ${VALUES[$1|$2]:-})
  [ -n "$s" ] || { echo "FAIL"; return; }
  read -r med lo hi <<<"$s"
  local out
  if [ "$RUNS" -gt 1 ]; then out="$(si "$med") [$(si "$lo")–$(si "$hi")]"; else out="$(si "$med")"; fi
  pct="$(median_of "${1/#pubsub|/pubsub_pct|}|$2")"
  if [[ "$1" == pubsub\|* ]] && [ -n "$pct" ]; then out="$out · $pct % delivered"; fi
  echo "$out"
}

mem_cell() { # key(…_rss) impl -> "RSS median [min–max] MB, heap …"
  local s med lo hi heap
  # shellcheck disable=SC2086
  s=$(stats ${VALUES[$1|$2]:-})
  [ -n "$s" ] || { echo "FAIL"; return; }
  read -r med lo hi <<<"$s"
  if [ "$RUNS" -gt 1 ]; then
    s="$(awk -v m="$med" -v a="$lo" -v b="$hi" 'BEGIN { printf "%.1f MB [%.1f–%.1f]", m, a, b }')"
  else
    s="$(awk -v m="$med" 'BEGIN { printf "%.1f MB", m }')"
  fi
  heap="$(median_of "${1/_rss|/_heap|}|$2")"
  [ -z "$heap" ] || s="$s · heap $(awk -v h="$heap" 'BEGIN { printf "%.1f MB", h }')"
  echo "RSS $s"
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
    [ "$BASE" = 1 ] || break
    for size in $SIZES; do
      k="thr|$transport|$size"
      echo "| thr msg/s | $transport | $size | $(cell_or_dash libzmq "$k|libzmq" thr "$size") | $(cell_or_dash zconn "$k|zconn" thr "$size") | $(cell_or_dash jeromq "$k|jeromq" thr "$size") | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|libzmq")") | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|jeromq")") |"
    done
  done
  for transport in $TRANSPORTS; do
    [ "$BASE" = 1 ] || break
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
  # the cold rows (COLD=1) and the scale rows (SCALE=1)
  if [ "$COLD" = 1 ]; then
    for transport in $COLD_TRANSPORTS; do
      for size in $SIZES; do
        k="thr_cold|$transport|$size"
        echo "| thr cold msg/s | $transport | $size | $(cell_or_dash libzmq "$k|libzmq" thr "$size") | $(cell_or_dash zconn "$k|zconn" thr "$size") | $(cell_or_dash jeromq "$k|jeromq" thr "$size") | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|libzmq")") | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|jeromq")") |"
      done
      for size in $LAT_SIZES; do
        k="lat_cold|$transport|$size"
        echo "| lat cold (one-way) | $transport | $size | $(cell_or_dash libzmq "$k|libzmq" lat) | $(cell_or_dash zconn "$k|zconn" lat) | $(cell_or_dash jeromq "$k|jeromq" lat) | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|libzmq")") | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|jeromq")") |"
      done
    done
  fi
  if [ "$SCALE" = 1 ]; then
    scale_line() { # label row n cell-function [size]
      local k="$2|tcp|$3"
      echo "| $1 | tcp | ${5:-$SCALE_SIZE} | $(has libzmq && "$4" "$k" libzmq || echo –) | $(has zconn && "$4" "$k" zconn || echo –) | $(has jeromq && "$4" "$k" jeromq || echo –) | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|libzmq")") | $(ratio "$(median_of "$k|zconn")" "$(median_of "$k|jeromq")") |"
    }
    for n in $SCALE_SUBS; do
      scale_line "PUB → $n SUB, delivered msg/s" pubsub "$n" rate_cell
      scale_line "PUB → $n SUB, SUB process memory" pubsub_rss "$n" mem_cell
    done
    for n in $SCALE_DEALERS; do
      scale_line "ROUTER + $n DEALER, replies/s" router "$n" rate_cell
      scale_line "ROUTER + $n DEALER, ROUTER process memory" router_rss "$n" mem_cell
    done
    for n in $CONNECT_CONCURRENCY; do
      scale_line "connections/s to a ROUTER, $n at a time" connect "$n" rate_cell 1
    done
  fi
  echo
  echo "thr: messages/s received by PULL, median [min–max] of $RUNS run(s), then MB/s (10^6 B) of payload; ratios of medians, > 1 means zconn is faster."
  echo "lat: one-way latency = REQ/REP round trip / 2 (as libzmq's remote_lat), median [min–max]; ratios > 1 mean zconn is slower."
  if [ "$DO_CROSS" = 1 ]; then
    echo "crossed rows: the zconn column is the mixed pair (sender→receiver), the libzmq column libzmq→libzmq measured alternately with it; the ratio compares the two."
  fi
  if [ "$COLD" = 1 ]; then
    echo "cold rows: no warm-up at all (WARMUP_PCT=0: what a short-lived process sees, the JVMs' JIT at work), $COLD_COUNT messages per throughput run (at most $MAX_MB MB), $LAT_COUNT round trips, connection set-up included in the latency."
  fi
  if [ "$SCALE" = 1 ]; then
    echo "scale rows (tcp, $SCALE_SIZE B): the peers of a row are in one process, one thread, one poller (zconn Poller, JeroMQ ZMQ.Poller, zmq_poll). PUB → N SUB: data messages delivered to all SUBs together per second, from the first to the last (the PUB sends $SCALE_DELIVERIES/N messages, at least 1000, as fast as it can and drops at the HWM; the share delivered follows); ROUTER + N DEALER: replies/s with one request in flight per DEALER, $SCALE_REPLIES replies; connections/s: a DEALER per connection opens, connects, makes one round trip through the ROUTER and is closed (LINGER 0), $CONNECTS connections. Memory: the process's RSS with every connection open, after the run, then the JVM heap used after a full GC; JVMs run with '$SCALE_JAVA_OPTS'. Memory ratios > 1 mean zconn uses more."
  fi
  echo "Security mechanism: $MECHANISM$( [ "$MECHANISM" = curve ] && echo ' (CURVE on every tcp/ipc connection, fixed test keys, no ZAP handler)')."
  echo "Runs alternate implementations (A B C A B C ...). COUNT=$COUNT (at most $MAX_MB MB per run) after an untimed warm-up of $WARMUP_PCT %, LAT_COUNT=$LAT_COUNT, HWM=${ZPERF_HWM:-1000}, JVM options '$JAVA_OPTS' ($("$JAVA" -version 2>&1 | head -1)), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ). Raw runs: ${RAW#"$ROOT"/}."
} >"$TABLE"
cat "$TABLE"

# ---- what the run was, for the charts (charts.py reads these "#" lines), and the charts -------------
{
  echo "# date: $(date -u -d "$(echo "$STAMP" | sed -E 's/(....)(..)(..)T(..)(..)(..)Z/\1-\2-\3 \4:\5:\6/')" +%Y-%m-%dT%H:%MZ 2>/dev/null || echo "$STAMP") to $(date -u +%Y-%m-%dT%H:%MZ), load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end, $(nproc) CPUs"
  echo "# params: MECHANISM=$MECHANISM RUNS=$RUNS WARMUP_PCT=$WARMUP_PCT COUNT=$COUNT MAX_MB=$MAX_MB LAT_COUNT=$LAT_COUNT HWM=${ZPERF_HWM:-1000}$( [ "$SCALE" = 1 ] && echo " SCALE_SIZE=$SCALE_SIZE SCALE_DELIVERIES=$SCALE_DELIVERIES SCALE_REPLIES=$SCALE_REPLIES CONNECTS=$CONNECTS")$( [ "$COLD" = 1 ] && echo " COLD_COUNT=$COLD_COUNT")$( [ "$SMOKE" = 1 ] && echo " (smoke)")"
  echo "# versions: zconn $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), libzmq $(pkg-config --modversion libzmq 2>/dev/null || echo '?'), $("$JAVA" -version 2>&1 | head -1), JVM options '$JAVA_OPTS'$( [ "$SCALE" = 1 ] && echo ", scale rows '$SCALE_JAVA_OPTS'")"
} >>"$RAW"
if command -v python3 >/dev/null; then
  python3 "$HERE/charts.py" "$RAW" "$OUT/charts-$STAMP" >/dev/null ||
    { FAILURES=$((FAILURES + 1)); log "FAILED: charts.py on $RAW"; }
  log "charts: $OUT/charts-$STAMP/ (itests/perf/charts.py $RAW to regenerate)"
else
  log "note: no python3, no charts (itests/perf/charts.py $RAW)"
fi

if [ "$FAILURES" -gt 0 ]; then
  log "$FAILURES run(s) FAILED (see above and $LOGS)"
  exit 1
fi
exit 0
