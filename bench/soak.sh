#!/usr/bin/env bash
# Soak (not in CI): mixed traffic against two gateway replicas for an hour, looking for anything that
# grows. Starts nginx (the upstream), the admin API on its embedded PostgreSQL and two gateways on it,
# then SoakTraffic (bench/jmh; setup and traffic described there): about RATE requests/s in total, open
# loop, spread evenly over both gateways — per 20 requests 10 allowed, 3 out of scope (403), 3 wrong
# secrets (403), 2 fresh unknown SIDs (403, a store lookup each), 2 to tokens being changed — and a
# token change through the admin API every second (disable, enable, reset, edit scopes, create and
# delete, in turn). The gateways' cache is bounded at CACHE_MAX entries so that the unknown SIDs fill
# it within the first interval and evictions go on all run long.
# Every interval, for each gateway and the admin API: after a forced full GC (jcmd GC.run) the heap
# used (the collector's own log line, whole MiB) and the old generation used (jstat -gc right after),
# metaspace, RSS, open file descriptors and threads (/proc/<pid>), TCP sockets of the process (ss;
# clients, upstream, store), CPU seconds used in the interval, and for the gateways the cached
# credentials and scopegate_requests_total series; from the traffic, the interval's requests, answers
# other than expected and latency p50 / p99 / max (for the admin API: its change calls); the machine's
# 5-minute load average, since the machine may be shared. Row 0 is taken
# after setup, before the traffic starts. At the end a markdown table and a verdict per metric, the
# last interval against the second (the first has the JIT warming up and the cache filling), printed
# and written to bench/results/soak-<UTC time>.md.
# Needs: nginx (apt-get install nginx-light), JDK 17 (jcmd, jstat), Maven, curl, ss (iproute2).
# Usage: bench/soak.sh [minutes, default 60] [interval minutes, default 5]
#        RATE=200 requests/s in total; CACHE_MAX=2000; SKIP_BUILD=1 to use the jars already built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minutes="${1:-60}"
interval="${2:-5}"
rate="${RATE:-200}"
cache_max="${CACHE_MAX:-2000}"
intervals=$((minutes / interval))
[ "$intervals" -ge 2 ] || { echo "soak.sh: needs at least two intervals (minutes / interval minutes)"; exit 1; }
work="$(mktemp -d)"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$root/bench/results/soak-$stamp.md"
mkdir -p "$root/bench/results"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_needs nginx jcmd jstat ss curl
bench_build admin-api gateway bench/jmh
# Private copies: a rebuild in the repository during the run must not change the jars under test.
cp "$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar" "$work/admin.jar"
cp "$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar" "$work/gateway.jar"
cp "$root/bench/jmh/target/benchmarks.jar" "$work/benchmarks.jar"

# Ports of their own, so that the other bench scripts can run beside this.
upstream_port=18600 admin_port=18690 store_port=15436
gateway_port=(18610 18611) gateway_management=(18620 18621)
load_before="$(cut -d ' ' -f 1-3 /proc/loadavg)"
started="$(date -u +%FT%TZ)"

bench_nginx $upstream_port
bench_admin "$work/admin.jar" $admin_port $store_port
declare -A pid_of
pid_of[admin]=$admin_pid
for n in 0 1; do
  bench_gateway "$work/gateway.jar" "${gateway_port[$n]}" "${gateway_management[$n]}" $store_port "$work/gw$((n + 1)).log" \
    --scopegate.gateway.cache-maximum-size="$cache_max"
  pid_of[gw$((n + 1))]=$gateway_pid
done
for n in 0 1; do bench_ready "http://127.0.0.1:${gateway_management[$n]}" "${pid_of[gw$((n + 1))]}" "$work/gw$((n + 1)).log"; done
gateways=("http://127.0.0.1:${gateway_port[0]}" "http://127.0.0.1:${gateway_port[1]}")

traffic=(java -Xmx256m -cp "$work/benchmarks.jar" io.scopegate.bench.SoakTraffic)
"${traffic[@]}" setup "$admin_url" "$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD" "http://127.0.0.1:$upstream_port" \
  "$work/credentials.txt" "${gateways[@]}"

# Each JVM logs its collections (to read the heap after the forced full GC from the collector itself).
for name in gw1 gw2 admin; do
  jcmd "${pid_of[$name]}" VM.log output="$work/gc-$name.log" what=gc decorators=uptime >/dev/null
done

# One row per process: interval name heap-after-full-GC old-gen metaspace rss fds threads tcp clients upstream
# store cache series evictions cpu-ticks load5 full-GC-ms
sample() { # interval, process name
  local i=$1 name=$2 pid=${pid_of[$2]} local_port=$admin_port cache=- series=- evictions=-
  if [ "$name" != admin ]; then
    local n=$((${name#gw} - 1)) scrape
    local_port=${gateway_port[$n]}
    scrape="$(curl -fs "http://127.0.0.1:${gateway_management[$n]}/actuator/prometheus")"
    cache=$(awk '/^scopegate_token_cache_size / {printf "%d", $2}' <<<"$scrape")
    series=$(grep -c '^scopegate_requests_total{' <<<"$scrape" || true)
    evictions=$(awk '/^scopegate_token_cache_evictions_total / {printf "%d", $2}' <<<"$scrape")
  fi
  local ticks memory heap fds threads rss sockets
  ticks=$(cpu_ticks "$pid")
  jcmd "$pid" GC.run >/dev/null
  # After a full collection G1 holds every live object in the old generation: jstat's OU right after it
  # (young is whatever was allocated since), and the collector's own "Pause Full ... 47M->33M(120M) 35ms".
  memory=$(jstat -gc "$pid" | awk 'NR == 1 {for (f = 1; f <= NF; f++) col[$f] = f}
    NR == 2 {printf "%.1f %.1f", $col["OU"] / 1024, $col["MU"] / 1024}')
  heap=$(grep 'Pause Full' "$work/gc-$name.log" | tail -n 1 | sed -E 's/.*->([0-9]+)M\([0-9]+M\) ([0-9.]+)ms.*/\1 \2/')
  [[ "$heap" =~ ^[0-9]+\ [0-9.]+$ ]] || heap="? ?"
  fds=$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")
  rss=$(awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")
  sockets=$(ss -tanpH | grep "pid=$pid," | awk -v lp="$local_port" -v up="$upstream_port" -v sp="$store_port" '
    $1 != "LISTEN" { local = $4; peer = $5; sub(/.*:/, "", local); sub(/.*:/, "", peer); all++
      if (local == lp) clients++; else if (peer == up) upstream++; else if (peer == sp) store++ }
    END { printf "%d %d %d %d", all, clients, upstream, store }')
  echo "$i $name ${heap% *} $memory $rss $fds $threads $sockets $cache $series $evictions $ticks $(cut -d ' ' -f 2 /proc/loadavg) ${heap#* }" >> "$work/samples.txt"
}
sample_all() { for name in gw1 gw2 admin; do sample "$1" "$name"; done; }

echo "soak.sh: $minutes min at ~$rate requests/s over two gateways, a row every $interval min (row 0: before the traffic)"
sample_all 0
"${traffic[@]}" run "$admin_url" "$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD" "$work/credentials.txt" "$rate" $((interval * 60)) \
  "${gateways[@]}" >"$work/traffic.txt" 2>"$work/traffic-errors.txt" &
traffic_pid=$!; pids+=($traffic_pid)
for i in $(seq 1 "$intervals"); do
  until grep -q "^interval $i admin " "$work/traffic.txt"; do
    kill -0 $traffic_pid 2>/dev/null || { echo "soak.sh: the traffic stopped:"; tail -n 20 "$work/traffic-errors.txt"; exit 1; }
    sleep 2
  done
  sample_all "$i"
  grep "^interval $i " "$work/traffic.txt" | cut -d ' ' -f 3-17 | sed "s/^/soak.sh: interval $i /"
done
kill $traffic_pid 2>/dev/null || true

# --- the report
base=$((intervals >= 3 ? 2 : 1)) # the interval the last is compared with
# rows: the samples with field 16 turned from CPU ticks into CPU seconds used since the previous row
awk -v hz="$(getconf CLK_TCK)" '{ t = $16; $16 = $1 == 0 ? "–" : sprintf("%.1f", (t - last[$2]) / hz); last[$2] = t; print }' \
  "$work/samples.txt" > "$work/rows.txt"
table() {
  echo "| interval | process | heap after full GC (MiB) | old gen after full GC (MiB) | metaspace (MiB) | RSS (MiB) | fds | threads | TCP sockets (clients / upstream / store) | cached credentials | token series | CPU (s) | requests | 200 / 403 | unexpected | p50 (ms) | p99 (ms) | max (ms) | load avg 5 min |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  awk -v span="$interval" 'FNR == NR { if ($1 == "interval") traffic[$2 " " $3] = $0; next }
    { key = $1 " " $2
      # traffic line: interval i name requests n ok n refused n unexpected n p50 x p99 x max x p99_ok x
      if (key in traffic) split(traffic[key], t, " "); else split("- - - - – - – - – - – - – - – - –", t, " ")
      requests = t[5]; codes = t[7] " / " t[9]; unexpected = t[11]; p50 = t[13]; p99 = t[15]; max = t[17]
      when = $1 == 0 ? "0 (before)" : $1 " (" ($1 - 1) * span "–" $1 * span " min)"
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s (%s / %s / %s) | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
        when, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, requests, codes, unexpected, p50, p99, max, $17 }' \
    "$work/traffic.txt" "$work/rows.txt"
}
verdict() { # process, label, rows field (0: p99 from the traffic), relative tolerance %, absolute tolerance, unit
  local process=$1 label=$2 field=$3 percent=$4 absolute=$5 unit=$6 values
  if [ "$field" = 0 ]; then
    values=$(awk -v p="$process" '$1 == "interval" && $3 == p {print $2, $15}' "$work/traffic.txt")
  else
    values=$(awk -v p="$process" -v f="$field" '$2 == p && $1 > 0 {print $1, $f}' "$work/rows.txt")
  fi
  awk -v p="$process" -v label="$label" -v b="$base" -v n="$intervals" -v pc="$percent" -v ab="$absolute" -v unit="$unit" '
    { v[$1] = $2 }
    END {
      first = v[b]; last = v[n]; limit = first * (1 + pc / 100) + ab
      # least-squares slope over intervals b..n, per interval
      for (i = b; i <= n; i++) { sx += i; sy += v[i]; sxx += i * i; sxy += i * v[i]; m++ }
      slope = m > 1 ? (m * sxy - sx * sy) / (m * sxx - sx * sx) : 0
      tol = pc > 0 ? sprintf("+%s %%", pc) : ""; if (ab > 0) tol = tol (tol == "" ? "" : " + ") "+" ab " " unit
      printf "- %s %s: %s → %s %s (%+.1f %%; tolerance %s; slope %+.2f %s per interval over %d–%d): **%s**\n",
        p, label, first, last, unit, first == 0 ? 0 : 100 * (last - first) / first, tol, slope, unit, b, n,
        (last > limit ? "grew" : "flat")
    }' <<<"$values"
}
verdicts() {
  for process in gw1 gw2 admin; do
    verdict $process "heap after GC" 3 10 0 MiB
    verdict $process "old gen after GC" 4 10 0 MiB
    verdict $process "metaspace" 5 5 0 MiB
    verdict $process "RSS" 6 10 0 MiB
    verdict $process "open fds" 7 0 5 ""
    verdict $process "threads" 8 0 5 ""
    verdict $process "TCP sockets" 9 0 5 ""
    verdict $process "CPU per interval" 16 25 0 s
    verdict $process "p99" 0 50 0 ms
  done
  for process in gw1 gw2; do
    verdict $process "cached credentials" 13 10 0 ""
    verdict $process "token series" 14 10 0 ""
  done
}
errors_in_logs() {
  for name in gw1 gw2 admin; do
    local count
    count=$(grep -cE '\b(WARN|ERROR)\b' "$work/$name.log" || true)
    echo "- $name: $count WARN/ERROR lines$([ "$count" -gt 0 ] && echo ', the first distinct ones:')"
    grep -E '\b(WARN|ERROR)\b' "$work/$name.log" | sed -E 's/^\S+ +(WARN|ERROR) +[0-9]+ --- (\[[^]]*\] )*/\1 /' | cut -c 1-220 | sort | uniq -c | sort -rn | head -n 5 | sed 's/^/  - /' || true
  done
}
{ echo "# Soak: \`bench/soak.sh $minutes $interval\`, $started to $(date -u +%FT%TZ)"
  echo
  echo "Commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (with local changes)'); $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(java -version 2>&1 | head -n 1); default JVM flags."
  echo "~$rate requests/s in total over two gateways (open loop), a token change a second; gateways' cache-maximum-size $cache_max."
  echo "Load average (1, 5, 15 min) before: $load_before; after: $(cut -d ' ' -f 1-3 /proc/loadavg)."
  echo "Verdicts compare interval $intervals with interval $base (the first has the JIT and the cache warming up), and give the least-squares slope from $base to $intervals;"
  echo "tolerances: heap, old gen, RSS +10 %, metaspace +5 %, fds, threads, TCP sockets +5, CPU per interval +25 %, p99 +50 %."
  echo
  table
  echo
  verdicts
  echo
  echo "Totals: $(awk '$1 == "interval" && $3 != "admin" {r += $5; u += $11} $1 == "interval" && $3 == "admin" {c += $5; cu += $11} END {printf "%d requests through the gateways, %d unexpected answers; %d admin calls, %d failed", r, u, c, cu}' "$work/traffic.txt")."
  echo
  echo "Logs:"
  errors_in_logs
  echo
  echo "Raw: samples (interval process heap-after-full-GC old-gen metaspace rss fds threads tcp clients upstream store cached-credentials token-series evictions cpu-ticks load5 full-GC-ms) and traffic lines"
  echo
  echo '```'
  cat "$work/samples.txt"
  cat "$work/traffic.txt"
  head -n 20 "$work/traffic-errors.txt"
  echo '```'
} > "$out"
cat "$out"
echo "soak.sh: results in $out"
