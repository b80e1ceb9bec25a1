#!/usr/bin/env bash
# Load comparison on this machine, in one invocation and interleaved (rounds of D, S, G, G-deny):
#   D       wrk -> nginx (the upstream, a small JSON body)
#   S       wrk -> bare Spring Cloud Gateway (same SCG and Netty versions) -> nginx
#   G       wrk -> Scopegate gateway, 1,000 valid tokens rotated by a Lua script -> nginx
#   G-deny  wrk -> Scopegate gateway, well-formed secrets that do not match (403, no upstream)
# Every target gets the same requests (the same Lua script and Authorization headers), so wrk's own
# cost is equal. Reports requests/s, p50/p99 latency (wrk --latency) and the proxy's CPU seconds per
# request (from /proc/<pid>/stat, utime+stime), the medians over the rounds with the ratios G/S and
# G/D, then S and G paced at half of S's maximum (S-half, G-half) for the latency at moderate load.
# Needs: wrk and nginx (apt-get install wrk nginx-light), JDK 17, Maven.
# Usage: bench/load.sh [seconds per run, default 15] [rounds, default 3] [connections, default 32]
#        PIN=0 to let the scheduler place processes; PROFILE=1 to record a JFR profile of G.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
duration="${1:-15}"
rounds="${2:-3}"
connections="${3:-32}"
work="$(mktemp -d)"
out="$root/bench/results/load-gateway-vs-bare${PROFILE:+-jfr-profile}-$(date -u +%Y%m%dT%H%M%SZ).txt"
mkdir -p "$root/bench/results"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_needs wrk nginx
bench_build admin-api gateway bench/bare-gateway

# --- D: nginx upstream on 18000
bench_nginx 18000

# --- S: bare Spring Cloud Gateway on 18100
java -jar "$root/bench/bare-gateway/target/bench-bare-gateway-0.1.0-SNAPSHOT.jar" >"$work/bare.log" 2>&1 &
bare_pid=$!; pids+=($bare_pid)

# --- G: Scopegate (admin API with its embedded store: its -local jar, and one gateway) on 18090 / 18080
bench_admin "$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar" 18090 15433
bench_gateway "$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar" 18080 18081 15433 "$work/gateway.log"
bench_ready http://127.0.0.1:18081 "$gateway_pid" "$work/gateway.log"
until curl -fs -o /dev/null http://127.0.0.1:18100/bench/ping 2>/dev/null; do sleep 1; done

bench_api_and_tokens 18000
bench_lua "$work/valid.lua" < "$work/credentials.txt"
# Same SIDs, a well-formed secret of the wrong value: checksum passes, the keyed hash does not.
sed 's/:.*/:sgt_00000000000000000000000000000007zifQ/' "$work/credentials.txt" | bench_lua "$work/deny.lua"

nginx_worker() { pgrep -P "$(cat "$work/nginx/nginx.pid")" | head -n 1; }
ticks_per_second=$(getconf CLK_TCK)

# Pinning (PIN=0 turns it off): the proxies (S and G, every thread) on CPU 1, wrk and nginx on CPU 0.
# Each proxy then has one whole core and the load generator never steals it, which makes rounds far
# less noisy than letting the scheduler mix four busy processes over two cores. The JVMs started
# unpinned, so their ergonomics (GC, compiler threads, event loops) are those of a 2-core machine.
load_cpu=() proxy_cpu=()
if [ "${PIN:-1}" = 1 ]; then
  load_cpu=(taskset -c 0)
  for pid in "$bare_pid" "$gateway_pid"; do taskset -a -p 2 "$pid" >/dev/null; done
  for pid in $(cat "$work/nginx/nginx.pid") $(pgrep -P "$(cat "$work/nginx/nginx.pid")"); do taskset -p 1 "$pid" >/dev/null; done
fi

run() { # name, pid, url, lua script, [rate: fixed requests/s instead of as fast as possible]
  local name=$1 pid=$2 url=$3 script=$4 rate=${5:-}
  if [ -n "$rate" ]; then
    # Paced: each connection waits between requests so that all together send about $rate/s
    # (wrk's delay() hook; its resolution is a millisecond, so the achieved rate is printed).
    local pause=$(( (connections * 1000 + rate / 2) / rate ))
    { cat "$script"; echo "delay = function() return $pause end"; } > "$work/paced.lua"
    script="$work/paced.lua"
  fi
  local before after result
  before=$(cpu_ticks "$pid")
  result=$("${load_cpu[@]}" wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$script" "$url")
  after=$(cpu_ticks "$pid")
  local rps p50 p99 requests non2xx
  rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$result" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
  requests=$(echo "$result" | awk '/requests in/ {print $1}')
  non2xx=$(echo "$result" | awk '/Non-2xx/ {print $NF}')
  local cpu_us
  cpu_us=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" 'BEGIN {printf "%.1f", t / hz / n * 1e6}')
  printf '%-7s round %s  rps %10s  p50 %8s  p99 %8s  cpu/req %7s us  non-2xx %s\n' "$name" "$round" "$rps" "$p50" "$p99" "$cpu_us" "${non2xx:-0}" | tee -a "$out"
}

# JIT warm-up: C2 keeps compiling for minutes after start; measuring earlier favours the smaller S.
echo "load.sh: warming up (JIT) for 4 x 45 s..."
for _ in 1 2 3 4; do
  "${load_cpu[@]}" wrk -t1 -c"$connections" -d15s -s "$work/valid.lua" http://127.0.0.1:18100/bench/item >/dev/null
  "${load_cpu[@]}" wrk -t1 -c"$connections" -d15s -s "$work/valid.lua" http://127.0.0.1:18080 >/dev/null
  "${load_cpu[@]}" wrk -t1 -c"$connections" -d15s -s "$work/deny.lua" http://127.0.0.1:18080 >/dev/null
done
if [ -n "${PROFILE:-}" ]; then
  # JFR method sampling of the Scopegate gateway during the measured rounds; top frames printed at the end.
  jcmd "$gateway_pid" JFR.start name=load settings=profile filename="$work/gateway.jfr" >/dev/null
fi

{ echo "# bench/load.sh $(date -u +%FT%TZ): ${duration}s x ${rounds} rounds, ${connections} connections, wrk -t1, pinned: ${PIN:-1}"
  echo "# $(nproc) cores, $(java -version 2>&1 | head -n 1)"
  echo "# S and G get the same requests (1,000 Basic credentials rotated); S forwards them untouched"; } | tee "$out"
for round in $(seq 1 "$rounds"); do
  run D "$(nginx_worker)" http://127.0.0.1:18000/bench/item "$work/valid.lua"
  run S "$bare_pid" http://127.0.0.1:18100/bench/item "$work/valid.lua"
  run G "$gateway_pid" http://127.0.0.1:18080 "$work/valid.lua"
  run G-deny "$gateway_pid" http://127.0.0.1:18080 "$work/deny.lua"
done
median() { # name, field number: the median of that field over the rounds
  grep "^$1 " "$out" | awk -v f="$2" '{print $f}' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
s_rps=$(median S 5); g_rps=$(median G 5); d_rps=$(median D 5); s_cpu=$(median S 11); g_cpu=$(median G 11); deny_cpu=$(median G-deny 11)
awk -v s="$s_rps" -v g="$g_rps" -v d="$d_rps" -v sc="$s_cpu" -v gc="$g_cpu" -v dc="$deny_cpu" 'BEGIN {
  printf "# medians: D %.0f rps, S %.0f rps %.1f us/req, G %.0f rps %.1f us/req, G-deny %.1f us/req\n", d, s, sc, g, gc, dc
  printf "# G/S throughput %.1f %%, G/D %.1f %%, G adds %.1f us CPU per request over S, G-deny/G CPU %.2f\n", 100 * g / s, 100 * g / d, gc - sc, dc / gc
}' | tee -a "$out"

# p99 at half of S's maximum load: S and G paced at the same fixed rate, interleaved.
half=$(awk -v s="$s_rps" 'BEGIN {printf "%d", s / 2}')
echo "# paced at ~${half} requests/s (half of S's median maximum)" | tee -a "$out"
for round in $(seq 1 "$rounds"); do
  run S-half "$bare_pid" http://127.0.0.1:18100/bench/item "$work/valid.lua" "$half"
  run G-half "$gateway_pid" http://127.0.0.1:18080 "$work/valid.lua" "$half"
done
curl -fs http://127.0.0.1:18081/actuator/prometheus | grep -E '^scopegate_token_cache_(hits|misses)_total' | tee -a "$out"
if [ -n "${PROFILE:-}" ]; then
  jcmd "$gateway_pid" JFR.stop name=load >/dev/null
  echo "# top sampled frames in the Scopegate gateway (JFR, leaf + 3 callers)" | tee -a "$out"
  jfr print --events jdk.ExecutionSample "$work/gateway.jfr" \
    | awk '/stackTrace = \[/ {getline a; getline b; getline c; getline d; gsub(/^ +/, "", a); gsub(/^ +/, "", b); gsub(/^ +/, "", c); gsub(/^ +/, "", d); print a " < " b " < " c " < " d}' \
    | sed 's/line: [0-9]*//g' | sort | uniq -c | sort -rn | head -n 40 | tee -a "$out"
fi
echo "load.sh: results in $out"
