#!/usr/bin/env bash
# A/B of the request path (issue 17, part 2): a bare Spring Cloud Gateway (S) and Scopegate gateways (G)
# started side by side with different JDKs, JVM flags or application options, measured one at a time in
# interleaved rounds (every round runs every variant once, the order rotating per round), under the
# same requests (load.sh's: 1,000 valid tokens rotated by a wrk Lua script; S forwards them untouched).
# Per run: requests/s, p50/p99 (wrk --latency), the proxy's CPU µs per request (utime+stime from
# /proc/<pid>/stat) and its heap allocation per request (the sum over its threads of `jcmd Thread.print
# -e`'s allocated=, before and after the run), with the 1-minute load average at both ends. Then the
# medians over the rounds and, for every variant, the difference from the reference (the first S).
#
# Variants: one per line in a file (VARIANTS=path; default: S and G on JDK 17 and on Temurin 25),
#   name|S or G|java command|JVM options|application options[|jar, default the one built here]
# e.g.  G25|G|/usr/lib/jvm/temurin-25-jdk-amd64/bin/java|-XX:+UseParallelGC|--logging.level.root=warn
# (a jar of its own, e.g. one built from main, makes a code change's A/B in the same run)
#
# PROFILE=cpu|alloc: instead of measured rounds, one async-profiler recording per variant (collapsed
# stacks in bench/results/, normalised per request by bench/profile-diff.py), with the library at
# ASYNC_PROFILER (default: unpacked from ~/.m2's tools.profiler:async-profiler:4.1:linux-x64).
# Ports: PORT_BASE (default 21700) .. +99, so that it runs beside other benchmarks.
# Needs: wrk and nginx (apt-get install wrk nginx-light), JDK 17, Maven.
# Usage: bench/path-ab.sh [seconds per run, default 15] [rounds, default 5] [connections, default 32]
#          [warm-up seconds per variant, default 120]        SKIP_BUILD=1 to use the jars already built.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
duration="${1:-15}"
rounds="${2:-5}"
connections="${3:-32}"
warmup="${4:-120}"
work="$(mktemp -d)"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$root/bench/results/path-ab${PROFILE:+-profile-$PROFILE}-$stamp.txt"
mkdir -p "$root/bench/results"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_needs wrk nginx
bench_build admin-api gateway bench/bare-gateway
# Private copies: a rebuild in the repository during the run must not change the jars under test.
cp "$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar" "$work/admin.jar"
cp "$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar" "$work/gateway.jar"
cp "$root/bench/bare-gateway/target/bench-bare-gateway-0.1.0-SNAPSHOT.jar" "$work/bare.jar"
[ "${PACED_ROUNDS:-1}" = 0 ] || { [ -f "$root/bench/jmh/target/benchmarks.jar" ] || (cd "$root" && mvn -B -q -Pbench -DskipTests package -pl bench/jmh -am); cp "$root/bench/jmh/target/benchmarks.jar" "$work/load.jar"; }

base=${PORT_BASE:-21700}
upstream_port=$base admin_port=$((base + 10)) store_port=$((base + 12))

jdk25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
if [ -n "${VARIANTS:-}" ]; then
  mapfile -t variants < <(grep -v '^\s*#' "$VARIANTS" | grep -v '^\s*$')
else
  variants=("S17|S|java||" "G17|G|java||")
  [ -x "$jdk25" ] && variants+=("S25|S|$jdk25||" "G25|G|$jdk25||")
fi

profiler_lib=${ASYNC_PROFILER:-}
if [ -n "${PROFILE:-}" ] && [ -z "$profiler_lib" ]; then
  jar=~/.m2/repository/tools/profiler/async-profiler/4.1/async-profiler-4.1-linux-x64.jar
  [ -f "$jar" ] || mvn -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.1:jar:linux-x64 -Dtransitive=false
  (cd "$work" && unzip -q -o "$jar" 'linux-x64/*')
  profiler_lib="$work/linux-x64/libasyncProfiler.so"
fi

bench_nginx $upstream_port
bench_admin "$work/admin.jar" $admin_port $store_port

declare -A v_pid v_port v_log v_java v_jvm v_app
names=()
i=0
for line in "${variants[@]}"; do
  IFS='|' read -r name kind javacmd jvm app jar <<<"$line"
  names+=("$name")
  port=$((base + 20 + 2 * i)) management=$((base + 21 + 2 * i))
  v_port[$name]=$port v_log[$name]="$work/$name.log" v_java[$name]=$javacmd v_jvm[$name]=$jvm v_app[$name]=$app
  extra=()
  # Exact stacks for the profiler (it is attached later, through jcmd).
  [ -n "${PROFILE:-}" ] && extra=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints)
  if [ "$kind" = S ]; then
    # shellcheck disable=SC2086 # options are words
    "$javacmd" "${extra[@]}" $jvm -jar "${jar:-$work/bare.jar}" --server.port="$port" \
      --bench.upstream="http://127.0.0.1:$upstream_port" $app >"${v_log[$name]}" 2>&1 &
    v_pid[$name]=$!; pids+=($!)
  else
    # shellcheck disable=SC2086
    java() { exec "$javacmd" "${extra[@]}" $jvm "$@"; } # exec: bench_gateway runs it in the background, so $! is the JVM
    if [ -n "$jar" ]; then cp "$jar" "$work/$name.jar"; jar="$work/$name.jar"; fi
    bench_gateway "${jar:-$work/gateway.jar}" "$port" "$management" $store_port "${v_log[$name]}" $app
    unset -f java
    v_pid[$name]=$gateway_pid
  fi
  i=$((i + 1))
done
for name in "${names[@]}"; do
  # Up: any answer but 503 (a Scopegate gateway answers 503 until its first sync with the store).
  until curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:${v_port[$name]}/" 2>/dev/null | grep -qE '^[2-4]'; do
    kill -0 "${v_pid[$name]}" 2>/dev/null || { echo "path-ab.sh: $name died:"; tail -n 30 "${v_log[$name]}"; exit 1; }
    sleep 1
  done
done

bench_api_and_tokens $upstream_port
bench_lua "$work/valid.lua" < "$work/credentials.txt"
ticks_per_second=$(getconf CLK_TCK)

# Pinning as in load.sh (PIN=0 turns it off): every proxy's threads on CPU 1, wrk and nginx on CPU 0;
# the JVMs started unpinned, so their ergonomics are a 2-core machine's.
bench_pin $(for name in "${names[@]}"; do echo "${v_pid[$name]}"; done)

url_of() { local path=/bench/item; echo "http://127.0.0.1:${v_port[$1]}$path"; }
allocated() { # bytes allocated so far by the live threads of a JVM (jcmd Thread.print -e)
  jcmd "$1" Thread.print -e 2>/dev/null | grep -o 'allocated=[0-9.]*[BKMG]' | awk -F= '{
    v = $2 + 0; u = substr($2, length($2)); if (u == "K") v *= 1024; else if (u == "M") v *= 1048576; else if (u == "G") v *= 1073741824; s += v }
    END { printf "%.0f", s }'
}

run() { # name
  local name=$1 pid=${v_pid[$1]}
  local before after alloc_before alloc_after result load_before
  load_before=$(load1)
  alloc_before=$(allocated "$pid")
  before=$(cpu_ticks "$pid")
  result=$("${load_cpu[@]}" wrk -t1 -c"$connections" -d"${duration}s" --latency -s "$work/valid.lua" "$(url_of "$name")")
  after=$(cpu_ticks "$pid")
  alloc_after=$(allocated "$pid")
  local rps p50 p99 requests non2xx cpu_us alloc
  rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
  p50=$(to_ms "$(echo "$result" | awk '$1 == "50%" {print $2}')")
  p99=$(to_ms "$(echo "$result" | awk '$1 == "99%" {print $2}')")
  requests=$(echo "$result" | awk '/requests in/ {print $1}')
  non2xx=$(echo "$result" | awk '/Non-2xx/ {print $NF}')
  cpu_us=$(awk -v t=$((after - before)) -v hz="$ticks_per_second" -v n="$requests" 'BEGIN {printf "%.1f", t / hz / n * 1e6}')
  alloc=$(awk -v a="$alloc_after" -v b="$alloc_before" -v n="$requests" 'BEGIN {printf "%.0f", (a - b) / n}')
  printf '%-10s round %s  rps %9s  p50 %7s ms  p99 %7s ms  cpu/req %6s us  alloc/req %6s B  requests %7s  non-2xx %s  load1 %s-%s\n' \
    "$name" "$round" "$rps" "$p50" "$p99" "$cpu_us" "$alloc" "$requests" "${non2xx:-0}" "$load_before" "$(load1)" | tee -a "$out"
}

echo "path-ab.sh: warming up (JIT), ${warmup} s per variant in 15 s turns..."
for _ in $(seq 1 $(( (warmup + 14) / 15 ))); do
  for name in "${names[@]}"; do
    "${load_cpu[@]}" wrk -t1 -c"$connections" -d15s -s "$work/valid.lua" "$(url_of "$name")" >/dev/null
  done
done

{ echo "# bench/path-ab.sh $(date -u +%FT%TZ): ${duration}s x ${rounds} rounds, ${connections} connections, wrk -t1, pinned: ${PIN:-1}, warm-up ${warmup}s per variant${PROFILE:+, profile $PROFILE}"
  echo "# $(nproc) cores, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "# uptime before the rounds: $(uptime)"
  for line in "${variants[@]}"; do echo "# variant: $line ($("${v_java[${line%%|*}]}" -version 2>&1 | head -n 1))"; done
  echo "# other processes on this machine (top 5 by CPU, before the rounds):"
  ps -eo pcpu,args --sort=-pcpu | head -n 6 | cut -c 1-160 | sed 's/^/#   /'; } | tee "$out"

if [ -n "${PROFILE:-}" ]; then
  # One recording per variant over one run; the interval is 1 ms of CPU (cpu) or 64 KiB (alloc).
  event=cpu; [ "$PROFILE" = alloc ] && event=alloc
  for round in $(seq 1 "$rounds"); do
    for name in "${names[@]}"; do
      stacks="$root/bench/results/path-ab-profile-$PROFILE-$stamp-$name-r$round.collapsed"
      if [ "$event" = cpu ]; then start="start,event=cpu,interval=1ms"; else start="start,event=alloc,alloc=64k"; fi
      jcmd "${v_pid[$name]}" JVMTI.agent_load "$profiler_lib" "\"$start\"" >/dev/null
      run "$name"
      jcmd "${v_pid[$name]}" JVMTI.agent_load "$profiler_lib" "\"stop,collapsed,total,file=$stacks\"" >/dev/null
      requests=$(grep "^$name " "$out" | tail -n 1 | awk '{for (f = 1; f <= NF; f++) if ($f == "requests") print $(f + 1)}')
      sed -i "1i # requests $requests" "$stacks"
      gzip -f -9 "$stacks"
    done
  done
  echo "path-ab.sh: stacks in bench/results/path-ab-profile-$PROFILE-$stamp-*.collapsed.gz; compare with bench/profile-diff.py"
  exit 0
fi

interleaved_rounds "$rounds" "${names[@]}"
# fields: 5 rps, 7 p50, 10 p99, 13 cpu/req, 16 alloc/req
echo "# medians over $rounds rounds" | tee -a "$out"
for name in "${names[@]}"; do
  printf '# %-10s %9.0f rps  p50 %6.2f ms  p99 %6.2f ms  cpu/req %6.1f us  alloc/req %6.0f B\n' \
    "$(printf '%s' "$name")" "$(median "$name" 5)" "$(median "$name" 7)" "$(median "$name" 10)" "$(median "$name" 13)" "$(median "$name" 16)"
done | tee -a "$out"
ref=${REFERENCE:-${names[0]}}
echo "# against $ref: throughput ratio of medians; CPU/request and allocation/request, difference of medians and median of per-round differences" | tee -a "$out"
for name in "${names[@]}"; do
  [ "$name" = "$ref" ] && continue
  awk -v n="$name" -v r="$ref" -v s="$(median "$name" 5)" -v rs="$(median "$ref" 5)" -v c="$(median "$name" 13)" -v rc="$(median "$ref" 13)" \
    -v pc="$(paired "$name" "$ref" 13)" -v a="$(median "$name" 16)" -v ra="$(median "$ref" 16)" -v pa="$(paired "$name" "$ref" 16)" -v ps="$(paired "$name" "$ref" 5)" 'BEGIN {
    printf "# %-10s / %-5s rps %5.1f %% (per-round median diff %+.0f rps)  cpu/req %+6.1f us (per-round %+6.1f)  alloc/req %+6.0f B (per-round %+6.0f)\n", n, r, 100 * s / rs, ps, c - rc, pc, a - ra, pa }'
done | tee -a "$out"

# p99 at half of the reference's saturated throughput, open loop (bench/jmh's PacedLoad: fixed arrival
# schedule, latency from each request's due time, so coordinated omission hides no stall), the variants
# interleaved; PACED_ROUNDS=0 skips it.
half=$(awk -v s="$(median "$ref" 5)" 'BEGIN {printf "%d", s / 2}')
paced_rounds=${PACED_ROUNDS:-$rounds}
if [ "$paced_rounds" -gt 0 ]; then
  echo "# paced (open loop) at $half requests/s, half of $ref's median, ${duration}s after 3 s unrecorded, $connections connections" | tee -a "$out"
  for round in $(seq 1 "$paced_rounds"); do
    for k in "${!names[@]}"; do
      name=${names[$(( (k + round - 1) % ${#names[@]} ))]}
      load_before=$(load1) before=$(cpu_ticks "${v_pid[$name]}")
      result=$("${load_cpu[@]}" java -cp "$work/load.jar" io.scopegate.bench.PacedLoad --url "$(url_of "$name")" \
        --rate "$half" --duration "$duration" --warmup 3 --connections "$connections" --credentials "$work/credentials.txt")
      after=$(cpu_ticks "${v_pid[$name]}")
      cpu_us=$(echo "$result" | awk -v t=$((after - before)) -v hz="$ticks_per_second" '{for (f = 1; f < NF; f++) if ($f == "sent") n = $(f + 1)} END {printf "%.1f", t / hz / n * 1e6}')
      printf '%-10s paced %s  %s  cpu/req %s us  load1 %s-%s\n' "$name" "$round" "$result" "$cpu_us" "$load_before" "$(load1)" | tee -a "$out"
    done
  done
  echo "# paced medians (ms)" | tee -a "$out"
  for name in "${names[@]}"; do
    pm() { grep -E "^$name +paced" "$out" | awk -v k="$1" '{for (f = 1; f < NF; f++) if ($f == k) print $(f + 1) + 0}' | median_of_lines; }
    printf '# %-10s paced p50 %s  p99 %s  p99.9 %s  max %s  rate %s\n' "$name" "$(pm p50)" "$(pm p99)" "$(pm p99.9)" "$(pm max)" "$(pm rate)"
  done | tee -a "$out"
fi
for name in "${names[@]}"; do
  grep -E ' (WARN|ERROR) ' "${v_log[$name]}" | head -n 3 | cut -c 1-300 | sed "s/^/# $name: /" || true
done | tee -a "$out"
echo "path-ab.sh: results in $out"
