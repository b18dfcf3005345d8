# Shell helpers shared by the bench/*/run scripts and bench/run; sourced, not run:
#
#   . "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
#
# Sets ROOT (the repository) and RESULTS (bench/results, or $BENCH_RESULTS), and defines
# say, die, pick_java, java_version, free_port, commit_id, stop_engine and wait_for_bench_lock.

BENCH_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_LIB_DIR/.." && pwd)
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}
# the lock bench/run holds while it measures; other sessions wait while it exists
BENCH_LOCK=${BENCH_LOCK:-/tmp/flowgate-bench.lock}

say() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The JDK ./flowgate uses: the newest LTS (21, 25, ...) among JAVA_HOME, /usr/lib/jvm/*, the
# default java. Exports JAVA_HOME.
pick_java() {
  local best="" best_major=0 candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    case "$major" in 21|25|29|33) ;; *) continue ;; esac
    if [ "$major" -gt "$best_major" ]; then best=$candidate; best_major=$major; fi
  done
  [ -n "$best" ] || die "no JDK 21 or newer found (looked at JAVA_HOME and /usr/lib/jvm)"
  export JAVA_HOME=$best
}

# "Eclipse Adoptium 25.0.3+9-LTS" for the JDK pick_java chose.
java_version() {
  local props
  props=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1)
  printf '%s %s\n' "$(sed -n 's/^ *java.vm.vendor = //p' <<<"$props")" \
    "$(sed -n 's/^ *java.runtime.version = //p' <<<"$props")"
}

# A port nothing listens on (a connection to it is refused).
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 10000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "found no free port"
}

# The short commit of the tree measured ("unknown" outside git), "+dirty" when it has changes.
commit_id() {
  local id
  id=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [ "$id" != unknown ] && [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    id="$id+dirty"
  fi
  echo "$id"
}

# stop_engine PID DATA_DIR: TERM (KILL after 30 s) the engine, then the embedded PostgreSQL it
# leaves behind when killed (by the pid it wrote under DATA_DIR).
stop_engine() {
  local engine=$1 data=$2 pidfile pid
  if [ -n "$engine" ] && kill -0 "$engine" 2>/dev/null; then
    say "stopping Flowgate (pid $engine)"
    kill -TERM "$engine" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$engine" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$engine" 2>/dev/null && kill -KILL "$engine" 2>/dev/null || true
    wait "$engine" 2>/dev/null || true
  fi
  [ -n "$data" ] || return 0
  for pidfile in $(find "$data" -name postmaster.pid 2>/dev/null); do
    pid=$(head -n 1 "$pidfile" | tr -dc '0-9')
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null || true
  done
}

# Waits while the bench lock exists (someone is measuring); not when bench/run, which holds it,
# started this bench.
wait_for_bench_lock() {
  [ -z "${BENCH_RUN_PARENT:-}" ] || return 0
  [ -e "$BENCH_LOCK" ] || return 0
  say "waiting: $BENCH_LOCK exists ($(cat "$BENCH_LOCK" 2>/dev/null || echo someone is measuring))"
  while [ -e "$BENCH_LOCK" ]; do sleep 5; done
}
