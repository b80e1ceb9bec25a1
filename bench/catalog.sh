#!/usr/bin/env bash
# Catalog size (issue 17, part 3): a gateway's throughput and CPU per request with 1, 100 and 1,000
# APIs in the catalog, and the time the admin API takes to register one more API at those sizes.
#   G       this checkout's gateway (route lookup by first-segment index, API events reload one row)
#   G-base  the gateway of BASE (another checkout with its jars built, e.g. main), on the same store
# Every API has two path patterns (/aNNNN/** and /aNNNN/items/{id}); the API called, "bench", has
# /bench/** and /bench/items/{id}, and its /bench/** is the last pattern of all in the order the
# linear search tries them (RouteIndexTest says so). Per size: 20 registrations, alternating the two
# admin APIs when BASE is given (this checkout's and BASE's, on the same store), median time_total of
# a curl each (operator password remembered, so no bcrypt); then G and G-base interleaved, wrk -t1
# with the 1,000 rotated Basic credentials of load.sh, each gateway's threads pinned to CPU 1 and wrk
# and nginx to CPU 0; medians over the rounds. Also the CPU each gateway spent applying 100 catalog
# changes at the largest size (the registrations' own gateway work: a whole-catalog reload per change
# before, one row after).
# Needs: wrk and nginx (apt-get install wrk nginx-light), JDK 17, Maven.
# Usage: BASE=/path/to/other/checkout bench/catalog.sh [seconds per run, default 15] [rounds, default 5] [connections, default 32]
#        SIZES="1 100 1000" to change the sizes; PORT_BASE (default 23600) moves every port; 0 rounds
#        times the registrations only.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
duration="${1:-15}"
rounds="${2:-5}"
connections="${3:-32}"
sizes="${SIZES:-1 100 1000}"
port="${PORT_BASE:-23600}"
base="${BASE:-}"
work="$(mktemp -d)"
out="$root/bench/results/catalog-size-$(date -u +%Y%m%dT%H%M%SZ).txt"
mkdir -p "$root/bench/results"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_needs wrk nginx
bench_build admin-api gateway

upstream=$port store=$((port + 33))
bench_nginx "$upstream"

# This checkout's admin API, with the embedded store; BASE's admin API on the same store.
bench_admin "$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar" $((port + 90)) "$store"
admin_new=$admin_url
if [ -n "$base" ]; then
  SPRING_R2DBC_URL="r2dbc:postgresql://127.0.0.1:$store/postgres" SPRING_R2DBC_USERNAME=postgres SPRING_R2DBC_PASSWORD=postgres \
    java -jar "$base/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar" --server.port=$((port + 92)) \
    --management.server.port=$((port + 93)) --scopegate.catalog.allow-private-upstreams=true >"$work/admin-base.log" 2>&1 &
  admin_base_pid=$!; pids+=($!)
  bench_ready "http://127.0.0.1:$((port + 93))" "$admin_base_pid" "$work/admin-base.log"
  admin_base="http://127.0.0.1:$((port + 92))"
fi

bench_gateway "$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar" $((port + 80)) $((port + 81)) "$store" "$work/gateway.log"
g_pid=$gateway_pid
bench_ready "http://127.0.0.1:$((port + 81))" "$g_pid" "$work/gateway.log"
targets=("G $g_pid $((port + 80))")
if [ -n "$base" ]; then
  bench_gateway "$base/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar" $((port + 82)) $((port + 83)) "$store" "$work/gateway-base.log"
  base_pid=$gateway_pid
  bench_ready "http://127.0.0.1:$((port + 83))" "$base_pid" "$work/gateway-base.log"
  targets+=("G-base $base_pid $((port + 82))")
fi

bench_api_and_tokens "$upstream"
bench_lua "$work/valid.lua" < "$work/credentials.txt"
put_api() { # admin URL, id, first path segment: prints "http-code seconds"
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -u "$admin" -X PUT "$1/v1/apis/$2" -H "$json" \
    -d "{\"name\":\"$2\",\"paths\":[\"/$3/**\",\"/$3/items/{id}\"],\"methods\":[\"GET\"],\"upstreamUrl\":\"http://127.0.0.1:$upstream\",\"latestVersion\":1}"
}
put_api "$admin_new" bench bench >/dev/null  # the called API, with its second pattern
# Both admin APIs warmed alike (JIT, the remembered password) before any registration is timed.
for admin_url_each in "$admin_new" ${base:+"$admin_base"}; do
  for i in $(seq 1 40); do
    put_api "$admin_url_each" "$(printf 'w%02d' "$i")" "$(printf 'w%02d' "$i")" >/dev/null
    curl -fs -o /dev/null -u "$admin" -X DELETE "$admin_url_each/v1/apis/$(printf 'w%02d' "$i")"
  done
done

ticks_per_second=$(getconf CLK_TCK)
load_cpu=(taskset -c 0)
for target in "${targets[@]}"; do read -r _ pid _ <<<"$target"; taskset -a -p 2 "$pid" >/dev/null; done
for pid in $(cat "$work/nginx/nginx.pid") $(pgrep -P "$(cat "$work/nginx/nginx.pid")"); do taskset -p 1 "$pid" >/dev/null; done

to_ms() { awk '/us$/ {print $1 / 1000; next} /ms$/ {print $1 + 0; next} /s$/ {print $1 * 1000}'; } # wrk's 850.00us, 12.3ms, 1.02s
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
registered=1
register_up_to() { # n: registers fillers until the catalog holds n APIs (bench included)
  while [ "$registered" -lt "$1" ]; do
    local answer
    answer=$(put_api "$admin_new" "$(printf 'a%04d' "$registered")" "$(printf 'a%04d' "$registered")")
    [[ $answer == 20[01]\ * ]] || { echo "catalog.sh: registering API $registered failed: $answer"; exit 1; }
    registered=$((registered + 1))
  done
}
time_registrations() { # size: 20 timed registrations of new APIs (alternating admin APIs), removed after
  local i id which
  : > "$work/reg-new.txt"; : > "$work/reg-base.txt"
  for i in $(seq 1 20); do
    id=$(printf 'r%02d' "$i")
    which=new
    if [ -n "$base" ] && [ $((i % 2)) = 0 ]; then which=base; fi
    if [ "$which" = base ]; then put_api "$admin_base" "$id" "$id"; else put_api "$admin_new" "$id" "$id"; fi \
      | awk '{print $2 * 1000}' >> "$work/reg-$which.txt"
  done
  for i in $(seq 1 20); do curl -fs -o /dev/null -u "$admin" -X DELETE "$admin_new/v1/apis/$(printf 'r%02d' "$i")"; done
  printf 'register at %5s APIs  new  median %6.1f ms (n=%s)' "$1" "$(median < "$work/reg-new.txt")" "$(wc -l < "$work/reg-new.txt")" | tee -a "$out"
  [ -n "$base" ] && printf '   base median %6.1f ms (n=%s)' "$(median < "$work/reg-base.txt")" "$(wc -l < "$work/reg-base.txt")" | tee -a "$out"
  echo | tee -a "$out"
}
run() { # name, pid, port, size, round
  local before after result rps p50 p99 requests non2xx cpu_us
  before=$(cpu_ticks "$2")
  result=$("${load_cpu[@]}" wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/valid.lua" "http://127.0.0.1:$3")
  after=$(cpu_ticks "$2")
  rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$result" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
  requests=$(echo "$result" | awk '/requests in/ {print $1}')
  non2xx=$(echo "$result" | awk '/Non-2xx/ {print $NF}')
  cpu_us=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" 'BEGIN {printf "%.1f", t / hz / n * 1e6}')
  printf '%-7s apis %5s round %s  rps %10s  p50 %8s  p99 %8s  cpu/req %7s us  non-2xx %s  load %s\n' "$1" "$4" "$5" "$rps" "$p50" "$p99" \
    "$cpu_us" "${non2xx:-0}" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
}

{ echo "# bench/catalog.sh $(date -u +%FT%TZ): sizes $sizes, ${duration}s x ${rounds} rounds, ${connections} connections, wrk -t1, pinned"
  echo "# $(nproc) cores, $(java -version 2>&1 | head -n 1); G = $(git -C "$root" rev-parse --short HEAD)${base:+, G-base = $(git -C "$base" rev-parse --short HEAD)}"
  echo "# uptime at start: $(uptime)"; } | tee "$out"
warmups="${WARMUP:-8}"
echo "catalog.sh: warming up (JIT) for $warmups x 15 s per gateway..."
for _ in $(seq 1 "$warmups"); do
  for target in "${targets[@]}"; do read -r _ _ p <<<"$target"; "${load_cpu[@]}" wrk -t1 -c"$connections" -d15s -s "$work/valid.lua" "http://127.0.0.1:$p" >/dev/null; done
done
last_size=""
for size in $sizes; do
  register_up_to "$size"
  sleep 2  # the gateways apply the last events (poll every 250 ms, NOTIFY at once)
  time_registrations "$size"
  for target in "${targets[@]}"; do read -r _ _ p <<<"$target"; "${load_cpu[@]}" wrk -t1 -c"$connections" -d10s -s "$work/valid.lua" "http://127.0.0.1:$p" >/dev/null; done
  for round in $(seq 1 "$rounds"); do
    # The order alternates per round, so neither gateway always runs first.
    if [ $((round % 2)) = 1 ]; then order=("${targets[@]}"); else order=(); for ((i = ${#targets[@]} - 1; i >= 0; i--)); do order+=("${targets[$i]}"); done; fi
    for target in "${order[@]}"; do read -r name pid p <<<"$target"; run "$name" "$pid" "$p" "$size" "$round"; done
  done
  last_size=$size
done

# The gateways' own cost of catalog changes at the largest size: CPU while 100 APIs are registered
# and removed again (200 changes), the gateways otherwise idle, less their CPU over as long a time
# without changes (the 250 ms poll, metrics, GC).
declare -A ticks_before ticks_changes
for target in "${targets[@]}"; do read -r name pid _ <<<"$target"; ticks_before[$name]=$(cpu_ticks "$pid"); done
started=$(date +%s)
for i in $(seq 1 100); do put_api "$admin_new" "$(printf 'c%03d' "$i")" "$(printf 'c%03d' "$i")" >/dev/null; done
for i in $(seq 1 100); do curl -fs -o /dev/null -u "$admin" -X DELETE "$admin_new/v1/apis/$(printf 'c%03d' "$i")"; done
sleep 3
elapsed=$(( $(date +%s) - started ))
for target in "${targets[@]}"; do
  read -r name pid _ <<<"$target"; ticks_changes[$name]=$(( $(cpu_ticks "$pid") - ${ticks_before[$name]} )); ticks_before[$name]=$(cpu_ticks "$pid")
done
sleep "$elapsed"
for target in "${targets[@]}"; do
  read -r name pid _ <<<"$target"
  awk -v n="$name" -v s="$last_size" -v c="${ticks_changes[$name]}" -v i=$(( $(cpu_ticks "$pid") - ${ticks_before[$name]} )) -v hz="$ticks_per_second" -v e="$elapsed" \
    'BEGIN {printf "# %s: %.2f ms CPU per catalog change at %s APIs (200 changes in %d s: %.2f s CPU; idle %d s: %.2f s CPU)\n", n, (c - i) / hz * 1000 / 200, s, e, c / hz, e, i / hz}' | tee -a "$out"
done

echo "# medians over the rounds" | tee -a "$out"
[ "$rounds" -gt 0 ] && for size in $sizes; do
  for target in "${targets[@]}"; do
    read -r name _ _ <<<"$target"
    rps=$(grep "^$name .* apis *$size round" "$out" | awk '{print $7}' | median)
    cpu=$(grep "^$name .* apis *$size round" "$out" | awk '{print $13}' | median)
    p99=$(grep "^$name .* apis *$size round" "$out" | awk '{print $11}' | to_ms | median)
    printf '# %-7s %5s APIs: %8.0f req/s  %6.1f us CPU/request  p99 %s ms\n' "$name" "$size" "$rps" "$cpu" "$p99" | tee -a "$out"
  done
done
echo "# uptime at end: $(uptime)" | tee -a "$out"
echo "catalog.sh: results in $out"
