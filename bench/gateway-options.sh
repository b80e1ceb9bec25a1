#!/usr/bin/env bash
# What the gateway's optional features cost per request: one admin API with its embedded store and
# four Scopegate gateways on the same store, each started with different options, measured one at a
# time in interleaved rounds (every round runs every variant once, the order rotating per round):
#   G           access log on (logger scopegate.access, async appender; off by default since this
#               measurement), tracing off
#   G-nolog     --logging.level.scopegate.access=off
#   G-trace10   --scopegate.tracing.enabled=true, sampling probability 0.1 (the default when on)
#   G-trace100  --scopegate.tracing.enabled=true, sampling probability 1.0
# Every gateway's stdout and stderr go to a file, as production would ship them. The tracing
# gateways export spans by OTLP/HTTP to the same nginx as the upstream, whose /v1/traces answers 200
# at once (and logs each export, so the exports can be counted). Requests are load.sh's: 1,000 valid
# tokens rotated by a wrk Lua script, wrk -t1 pinned to CPU 0 with nginx, every gateway (all threads)
# pinned to CPU 1, started unpinned; only one gateway is under load at a time. Per run: requests/s,
# p50/p99 (wrk --latency), the gateway's CPU µs per request (utime+stime from /proc/<pid>/stat, read
# 1 s after wrk ends so the async appender's and the span exporter's queues are drained), the access
# log lines it wrote (the appender drops lines rather than block when its queue is full) and the
# span exports nginx received. Then the medians, and each variant's difference from G-nolog (= the
# access log's cost) and from G (= tracing's cost): both the difference of the medians and the
# median of the per-round differences.
# Needs: wrk and nginx (apt-get install wrk nginx-light), JDK 17, Maven.
# Usage: bench/gateway-options.sh [seconds per run, default 15] [rounds, default 7] [connections, default 32]
#          [warm-up seconds per gateway, default 90]
#        SKIP_BUILD=1 to use the jars already built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
duration="${1:-15}"
rounds="${2:-7}"
connections="${3:-32}"
warmup="${4:-90}"
work="$(mktemp -d)"
out="$root/bench/results/gateway-options-$(date -u +%Y%m%dT%H%M%SZ).txt"
mkdir -p "$root/bench/results"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_needs wrk nginx
bench_build admin-api gateway
# Private copies: a rebuild in the repository during the run must not change the jars under test.
cp "$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar" "$work/admin.jar"
cp "$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar" "$work/gateway.jar"

# Ports of their own, so that load.sh or revocation.sh can run beside this.
upstream_port=18500 admin_port=18590 store_port=15435

# --- nginx: the upstream (a small JSON body) and the OTLP sink, one worker
bench_nginx $upstream_port "client_max_body_size 64m; location /v1/traces { access_log $work/nginx/otlp.log; return 200; }"

# --- the admin API with its embedded store
bench_admin "$work/admin.jar" $admin_port $store_port

# --- the gateways: name, options
otlp="--management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:$upstream_port/v1/traces"
names=(G G-nolog G-trace10 G-trace100)
log_on="--logging.level.scopegate.access=info"
options=(
  "$log_on"
  "--logging.level.scopegate.access=off"
  "$log_on --scopegate.tracing.enabled=true --management.tracing.sampling.probability=0.1 $otlp"
  "$log_on --scopegate.tracing.enabled=true --management.tracing.sampling.probability=1.0 $otlp"
)
declare -A gw_pid gw_port gw_log
for i in "${!names[@]}"; do
  name=${names[$i]}
  gw_port[$name]=$((18510 + i))
  gw_log[$name]="$work/gateway-$name.log"
  # shellcheck disable=SC2086 # options are words
  bench_gateway "$work/gateway.jar" ${gw_port[$name]} $((18520 + i)) $store_port "${gw_log[$name]}" ${options[$i]}
  gw_pid[$name]=$gateway_pid
done
for i in "${!names[@]}"; do bench_ready "http://127.0.0.1:$((18520 + i))" "${gw_pid[${names[$i]}]}" "${gw_log[${names[$i]}]}"; done

bench_api_and_tokens $upstream_port
bench_lua "$work/valid.lua" < "$work/credentials.txt"

ticks_per_second=$(getconf CLK_TCK)

# Pinning as in load.sh (PIN=0 turns it off): every gateway's threads on CPU 1, wrk and nginx on CPU 0.
# The idle gateways share CPU 1 with the one under test; each variant has the same three idle beside it.
bench_pin $(for name in "${names[@]}"; do echo "${gw_pid[$name]}"; done)


run() { # name
  local name=$1 pid=${gw_pid[$1]} url="http://127.0.0.1:${gw_port[$1]}" log=${gw_log[$1]}
  local before after log_before exports_before result
  local load_before; load_before=$(load1)
  log_before=$(stat -c %s "$log")
  exports_before=$(wc -l < "$work/nginx/otlp.log" 2>/dev/null || echo 0)
  before=$(cpu_ticks "$pid")
  result=$("${load_cpu[@]}" wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/valid.lua" "$url")
  sleep 1 # let the async appender and the span exporter drain what this run queued
  after=$(cpu_ticks "$pid")
  local rps p50 p99 requests non2xx cpu_us lines exports
  rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
  p50=$(to_ms "$(echo "$result" | awk '$1 == "50%" {print $2}')")
  p99=$(to_ms "$(echo "$result" | awk '$1 == "99%" {print $2}')")
  requests=$(echo "$result" | awk '/requests in/ {print $1}')
  non2xx=$(echo "$result" | awk '/Non-2xx/ {print $NF}')
  cpu_us=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" 'BEGIN {printf "%.1f", t / hz / n * 1e6}')
  lines=$(tail -c +$((log_before + 1)) "$log" | grep -c 'scopegate.access' || true)
  exports=$(( $(wc -l < "$work/nginx/otlp.log" 2>/dev/null || echo 0) - exports_before ))
  printf '%-10s round %s  rps %9s  p50 %7s ms  p99 %7s ms  cpu/req %6s us  requests %7s  non-2xx %s  log-lines %7s  span-exports %4s  load1 %s-%s\n' \
    "$name" "$round" "$rps" "$p50" "$p99" "$cpu_us" "$requests" "${non2xx:-0}" "$lines" "$exports" "$load_before" "$(load1)" | tee -a "$out"
}

# JIT warm-up: every gateway gets $warmup seconds of the same load, in 15 s turns.
echo "gateway-options.sh: warming up (JIT), ${warmup} s per gateway in 15 s turns..."
for _ in $(seq 1 $(( (warmup + 14) / 15 ))); do
  for name in "${names[@]}"; do
    "${load_cpu[@]}" wrk -t1 -c"$connections" -d15s -s "$work/valid.lua" "http://127.0.0.1:${gw_port[$name]}" >/dev/null
  done
done

{ echo "# bench/gateway-options.sh $(date -u +%FT%TZ): ${duration}s x ${rounds} rounds, ${connections} connections, wrk -t1, pinned: ${PIN:-1}, warm-up ${warmup}s per gateway"
  echo "# $(nproc) cores, $(java -version 2>&1 | head -n 1), commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "# uptime before the rounds: $(uptime)"
  for i in "${!names[@]}"; do echo "# ${names[$i]}: ${options[$i]:-(defaults)}"; done
  echo "# other processes on this machine (top 5 by CPU, before the rounds):"
  ps -eo pcpu,args --sort=-pcpu | head -n 6 | cut -c 1-160 | sed 's/^/#   /'; } | tee "$out"
interleaved_rounds "$rounds" "${names[@]}"
# fields: 5 rps, 7 p50, 10 p99, 13 cpu/req
echo "# medians over $rounds rounds" | tee -a "$out"
for name in "${names[@]}"; do
  printf '# %-10s %9.0f rps  p50 %6.2f ms  p99 %6.2f ms  cpu/req %6.1f us\n' "$name" "$(median "$name" 5)" "$(median "$name" 7)" "$(median "$name" 10)" "$(median "$name" 13)"
done | tee -a "$out"
echo "# differences: CPU/request (difference of medians, % of the reference; median of per-round differences), req/s (difference of medians in %)" | tee -a "$out"
for ref in G-nolog G; do
  for name in "${names[@]}"; do
    [ "$name" = "$ref" ] && continue
    awk -v n="$name" -v r="$ref" -v c="$(median "$name" 13)" -v rc="$(median "$ref" 13)" -v pc="$(paired "$name" "$ref" 13)" \
      -v s="$(median "$name" 5)" -v rs="$(median "$ref" 5)" 'BEGIN {
      printf "# %-10s vs %-7s cpu/req %+6.1f us (%+5.1f %%), per-round median %+6.1f us; rps %+5.1f %%\n", n, r, c - rc, 100 * (c - rc) / rc, pc, 100 * (s - rs) / rs }'
  done
done | tee -a "$out"
{ echo "# span exports received by the sink: $(wc -l < "$work/nginx/otlp.log" 2>/dev/null || echo 0), statuses: $(awk '{print $9}' "$work/nginx/otlp.log" 2>/dev/null | sort | uniq -c | tr '\n' ' ')"
  for name in "${names[@]}"; do
    echo "# $name stdout: $(stat -c %s "${gw_log[$name]}") bytes, $(grep -c 'scopegate.access' "${gw_log[$name]}" || true) access lines; a sample line:"
    grep -m 1 'scopegate.access' "${gw_log[$name]}" | cut -c 1-400 | sed 's/^/#   /' || true
    grep -iE 'WARN|ERROR' "${gw_log[$name]}" | grep -v 'scopegate.access' | head -n 3 | cut -c 1-300 | sed 's/^/#   warn: /' || true
  done; } | tee -a "$out"
echo "gateway-options.sh: results in $out"
