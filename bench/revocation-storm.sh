#!/usr/bin/env bash
# A revocation storm: the admin API and two gateway replicas on one store; TOKENS tokens (default
# 1000), cached on both replicas, disabled at RATE calls/s (default 1000) while a paced background load
# (BACKGROUND requests/s, default 200) runs over other tokens (RevocationStorm).
# STORM_MODE=accounts: one disable-all call per account of 20 tokens instead of one disable per token.
# STORM_WARMUP=N (default: tokens): the same storm on N other tokens first, not measured (JIT warm-up).
# Usage: bench/revocation-storm.sh [tokens] [rate] [background]. Needs JDK 17, Maven, curl.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tokens="${1:-1000}"
rate="${2:-1000}"
background="${3:-200}"
work="$(mktemp -d)"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_build admin-api gateway bench/jmh

bench_admin_and_two_replicas

# CPU seconds (user + system) each process spent from "storm begins" to "storm ends": the admin API, the
# two replicas, PostgreSQL (every postgres process on the machine alive at the end: run it alone) and the
# storm's own client.
# STORM_PROFILE=cpu|wall|lock: async-profiler recordings of the admin API and replica 1 over the same span.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
postgres_ticks() { local p t=0; for p in $(pgrep -x postgres); do t=$((t + $(cpu_ticks "$p"))); done; echo $t; }
snapshot() { echo "$(cpu_ticks "$admin_pid") $(cpu_ticks "${replica_pid[1]}") $(cpu_ticks "${replica_pid[2]}") $(postgres_ticks) $(cpu_ticks "$storm_pid")"; }
profiler_lib=""
if [ -n "${STORM_PROFILE:-}" ]; then
  jar=~/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1-linux-x64.jar
  [ -f "$jar" ] || mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 -Dtransitive=false
  (cd "$work" && unzip -q -o "$jar" 'linux-x64/*')
  profiler_lib="$work/linux-x64/libasyncProfiler.so"
  profile_out="$root/bench/results/revocation-storm-profile-$STORM_PROFILE-$(date -u +%Y%m%dT%H%M%SZ)"
fi
coproc storm { exec java -Dstorm.mode="${STORM_MODE:-tokens}" -Dstorm.warmup="${STORM_WARMUP:-$tokens}" -cp "$root/bench/jmh/target/benchmarks.jar" io.scopegate.bench.RevocationStorm http://127.0.0.1:18090 \
  "$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD" "$tokens" "$rate" "$background" http://127.0.0.1:18281 http://127.0.0.1:18282 2>&1; }
storm_pid=$storm_PID
exec {storm_out}<&"${storm[0]}" # bash unsets storm[] when the client exits
while IFS= read -r line <&"$storm_out"; do
  echo "$line"
  case "$line" in
    "storm begins")
      began=$(date +%s.%N)
      before=($(snapshot))
      if [ -n "$profiler_lib" ]; then
        for pid in "$admin_pid" "${replica_pid[1]}"; do
          jcmd "$pid" JVMTI.agent_load "$profiler_lib" "\"start,event=$STORM_PROFILE,interval=1ms\"" >/dev/null
        done
      fi ;;
    "storm ends")
      after=($(snapshot))
      ended=$(date +%s.%N)
      if [ -n "$profiler_lib" ]; then
        jcmd "$admin_pid" JVMTI.agent_load "$profiler_lib" "\"stop,collapsed,file=$profile_out-admin.collapsed\"" >/dev/null
        jcmd "${replica_pid[1]}" JVMTI.agent_load "$profiler_lib" "\"stop,collapsed,file=$profile_out-gateway-1.collapsed\"" >/dev/null
        echo "profiles: $profile_out-{admin,gateway-1}.collapsed"
      fi
      names=(admin gateway-1 gateway-2 postgres client)
      for i in 0 1 2 3 4; do printf '%s %.2f s  ' "${names[$i]}" "$(echo "(${after[$i]} - ${before[$i]}) / $(getconf CLK_TCK)" | bc -l)"; done
      printf '(CPU from the first call to the last probe'"'"'s answer, %.2f s)\n' "$(echo "$ended - $began" | bc -l)" ;;
  esac
done
wait "$storm_pid"
bench_invalidation_lag
