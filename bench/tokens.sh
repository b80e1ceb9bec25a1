#!/usr/bin/env bash
# Token count and a cold replica (issue 17, part 3), on this machine:
#   1. For each store size (default 1,000, 100,000 and 1,000,000 tokens), a fresh gateway under load
#      over a working set of 10,000 tokens (or all of them when fewer), requests spread at random:
#      requests/s, p50/p99 (wrk), the cache's hit rate over the measured run, and the heap the gateway
#      holds per cached token (heap after a full GC, loaded minus just started, over the cached
#      credentials: cache entries and the tokens' request series).
#   2. A cold replica joining under load: gateway 1 warm and paced at RATE requests/s, gateway 2 started
#      and, once ready, sent RATE requests/s over the same working set for 60 s: its p99 over that
#      first minute and its store lookups per second (misses loaded, and the batched queries they
#      were sent in), sampled every second from its scrape.
# Tokens are written straight into PostgreSQL (the admin API allows 20 active tokens per account):
# one token is created through the admin API, then N - 1 rows with generated SIDs (ST + 32 hex
# digits), 20 per account, copying its secret hash, so every token's Basic password is that one
# secret in the real credential format; scopes: bench:GET plus one of 16 combinations of four more APIs.
# Needs: wrk, nginx, psql, JDK 17, Maven.
# Usage: bench/tokens.sh [seconds per measurement, default 30] [sizes, default "1000 100000 1000000"]
#        RATE=1000 (cold replica, per gateway); BEFORE_JAR=<gateway exec jar> also runs the cold replica
#        with that jar (interleaved with this one, ROUNDS=2 rounds each); SKIP_BUILD=1.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
duration="${1:-30}"
sizes="${2:-1000 100000 1000000}"
rate="${RATE:-1000}"
rounds="${ROUNDS:-2}"
work="$(mktemp -d)"
out="$root/bench/results/tokens-$(date -u +%Y%m%dT%H%M%SZ).txt"
mkdir -p "$root/bench/results"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_needs wrk nginx psql
bench_build admin-api gateway
after_jar="$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar"
port=${BASE_PORT:-27000}
store=$((port + 433))
working_set=10000
connections=32

bench_nginx "$port"
bench_admin "$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar" $((port + 90)) "$store"
sql() { PGPASSWORD=postgres psql -qAtX -h 127.0.0.1 -p "$store" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# APIs: bench (the one requests go to) and four more only to vary the scope lists. The admin API may
# answer 503 while it is still warming up on a busy machine: each setup call is retried.
setup_curl() { curl -fs --retry 5 --retry-all-errors --retry-delay 2 "$@"; }
for api in bench x1 x2 x3 x4; do
  setup_curl -u "$admin" -X PUT "$admin_url/v1/apis/$api" -H "$json" \
    -d "{\"name\":\"$api\",\"paths\":[\"/$api/**\"],\"methods\":[\"GET\",\"POST\"],\"upstreamUrl\":\"http://127.0.0.1:$port\",\"latestVersion\":1}" >/dev/null
done
setup_curl -u "$admin" -X POST "$admin_url/v1/accounts" -H "$json" -d '{"sid":"ACTOK0","name":"tokens"}' >/dev/null
secret=$(setup_curl -u "$admin" -X POST "$admin_url/v1/accounts/ACTOK0/tokens" -H "$json" \
  -d '{"name":"template","scopes":[{"api":"bench","methods":["GET"]}]}' | sed -n 's/.*"authToken":"\([^"]*\)".*/\1/p')
[ -n "$secret" ] || { echo "tokens.sh: could not create the template token"; exit 1; }

inserted=0
fill() { # tokens: adds generated tokens up to that many (ST + the row number in 32 hex digits)
  local from=$((inserted + 1)) to=$1
  [ "$to" -le "$inserted" ] && return 0
  echo "tokens.sh: inserting tokens $from..$to"
  sql <<SQL
insert into accounts (sid, name, created_at, updated_at)
select 'ACTOK' || a, 'tokens ' || a, now(), now()
from generate_series(($from + 19) / 20, ($to + 19) / 20) a on conflict do nothing;
insert into tokens (sid, account_sid, name, api_version, state, secret_hash, created_at, updated_at, credentials_rotated_at)
select 'ST' || lpad(to_hex(i), 32, '0'), 'ACTOK' || ((i + 19) / 20), 'bulk ' || i, 1, 'ENABLED',
       (select secret_hash from tokens where account_sid = 'ACTOK0'), now(), now(), now()
from generate_series($from, $to) i;
insert into token_scopes (token_sid, api_id, method)
select 'ST' || lpad(to_hex(i), 32, '0'), 'bench', 'GET' from generate_series($from, $to) i
union all
select 'ST' || lpad(to_hex(i), 32, '0'), 'x' || x, case when i % 2 = 0 then 'GET' else 'POST' end
from generate_series($from, $to) i, generate_series(1, 4) x where (i / 2) % 8 & (1 << (x - 1)) <> 0;
analyze accounts; analyze tokens; analyze token_scopes;
SQL
  inserted=$to
}

# wrk: GET /bench/item with the Basic credentials of a random one of the first $1 generated tokens
# (ORDER=sequential: each in turn, to touch every token of the working set once per pass).
lua() { # working set, file, [pause between a connection's requests, ms]
  local pick='math.random(#headers)'
  [ -n "${ORDER:-}" ] && pick='n'
  cat > "$2" <<LUA
local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  return ((s:gsub('.', function(x)
    local r, b = '', x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and '1' or '0') end
    return r
  end) .. '0000'):gsub('%d%d%d?%d?%d?%d?', function(x)
    if #x < 6 then return '' end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == '1' and 2 ^ (6 - i) or 0) end
    return b64:sub(c + 1, c + 1)
  end) .. ({ '', '==', '=' })[#s % 3 + 1])
end
local headers = {}
for i = 1, $1 do headers[i] = "Basic " .. base64(string.format("ST%032x", i) .. ":$secret") end
math.randomseed(os.time())
local n = 0
request = function()
  n = n % #headers + 1
  return wrk.format("GET", "/bench/item", { ["Authorization"] = headers[$pick] })
end
LUA
  [ -n "${3:-}" ] && echo "delay = function() return $3 end" >> "$2"
  return 0
}

metric() { # management port, metric name: its value (sum over series) from the scrape
  curl -fs "http://127.0.0.1:$1/actuator/prometheus" | awk -v m="$2" '$1 == m || index($1, m "{") == 1 {s += $2} END {printf "%.0f", s}'
}
heap_after_gc() { # pid: heap used after a full GC, bytes
  jcmd "$1" GC.run >/dev/null
  jcmd "$1" GC.heap_info | awk '/garbage-first heap/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub("K,?", "", v); print v * 1024}}'
}
wrk_run() { # seconds, script, url: wrk's summary line "rps p50 p99 non2xx"
  local result
  result=$(wrk -t1 -c"$connections" -d"${1}s" --latency -s "$2" "$3")
  echo "$(echo "$result" | awk '/Requests\/sec/ {print $2}') $(echo "$result" | awk '$1 == "50%" {print $2}') \
$(echo "$result" | awk '$1 == "99%" {print $2}') $(echo "$result" | awk '/Non-2xx/ {print $NF}' | grep . || echo 0)"
}
start_gateway() { # jar, port, management port
  bench_gateway "$1" "$2" "$3" "$store" "$work/gateway-$2.log"
  bench_ready "http://127.0.0.1:$3" "$gateway_pid" "$work/gateway-$2.log"
}
stop_gateway() { kill "$1"; wait "$1" 2>/dev/null || true; }

{ echo "# bench/tokens.sh $(date -u +%FT%TZ): ${duration}s per size, working set $working_set, $connections connections, wrk -t1, not pinned"
  echo "# $(nproc) cores, $(java -version 2>&1 | head -n 1), commit $(git -C "$root" rev-parse --short HEAD)"
  echo "# size | req/s | p50 | p99 | non-2xx | hit rate (measured run) | cached | heap per cached token (B) | load avg"; } | tee "$out"
for size in $sizes; do
  fill "$size"
  set_size=$(( size < working_set ? size : working_set ))
  lua "$set_size" "$work/set.lua"
  ORDER=sequential lua "$set_size" "$work/pass.lua"
  start_gateway "$after_jar" $((port + 80)) $((port + 81))
  pid=$gateway_pid
  heap_before=$(heap_after_gc "$pid")
  # Warm-up: the JIT, and the cache (each token of the working set in turn), for $duration s and until
  # the cache holds the whole working set (at most 10 more rounds of 10 s), so the measured run sees the
  # steady state however slow this machine is at the moment.
  wrk -t1 -c"$connections" -d"${duration}s" -s "$work/pass.lua" "http://127.0.0.1:$((port + 80))" >/dev/null
  for _ in $(seq 1 10); do
    [ "$(metric $((port + 81)) scopegate_token_cache_size)" -ge "$set_size" ] && break
    wrk -t1 -c"$connections" -d10s -s "$work/pass.lua" "http://127.0.0.1:$((port + 80))" >/dev/null
  done
  hits_before=$(metric $((port + 81)) scopegate_token_cache_hits_total)
  misses_before=$(metric $((port + 81)) scopegate_token_cache_misses_total)
  read -r rps p50 p99 non2xx <<<"$(wrk_run "$duration" "$work/set.lua" "http://127.0.0.1:$((port + 80))")"
  hits=$(( $(metric $((port + 81)) scopegate_token_cache_hits_total) - hits_before ))
  misses=$(( $(metric $((port + 81)) scopegate_token_cache_misses_total) - misses_before ))
  cached=$(metric $((port + 81)) scopegate_token_cache_size)
  heap_after=$(heap_after_gc "$pid")
  printf '%s | %s | %s | %s | %s | %s | %s | %s | %s\n' "$size" "$rps" "$p50" "$p99" "$non2xx" \
    "$(awk -v h="$hits" -v m="$misses" 'BEGIN {printf "%.4f", (h + m) ? h / (h + m) : 0}')" "$cached" \
    "$(awk -v a="$heap_after" -v b="$heap_before" -v n="$cached" 'BEGIN {printf "%.0f", (a - b) / n}')" \
    "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
  stop_gateway "$pid"
done

# --- A cold replica joining under load, at the largest size.
pause=$(( (connections * 1000 + rate / 2) / rate ))
lua "$working_set" "$work/paced.lua" "$pause"
[ "$inserted" -lt "$working_set" ] && fill "$working_set"
start_gateway "$after_jar" $((port + 80)) $((port + 81))
warm_pid=$gateway_pid
wrk -t1 -c"$connections" -d"${duration}s" -s "$work/set.lua" "http://127.0.0.1:$((port + 80))" >/dev/null
{ echo "# cold replica: gateway 1 warm, both paced at ~$rate requests/s ($connections connections, ${pause} ms apart), $inserted tokens in the store, working set $working_set"
  echo "# jar | round | req/s | p50 | p99 (first minute) | non-2xx | loads in the minute | max loads/s | batches in the minute | max batches/s | load avg"; } | tee -a "$out"
cold() { # name, jar, round, [gateway option...]
  local name=$1 jar=$2 round=$3
  shift 3
  wrk -t1 -c"$connections" -d90s -s "$work/paced.lua" "http://127.0.0.1:$((port + 80))" >/dev/null &
  local background=$!
  bench_gateway "$jar" $((port + 82)) $((port + 83)) "$store" "$work/gateway-cold.log" "$@"
  bench_ready "http://127.0.0.1:$((port + 83))" "$gateway_pid" "$work/gateway-cold.log"
  local pid=$gateway_pid
  ( for _ in $(seq 1 62); do
      echo "$(metric $((port + 83)) scopegate_token_cache_misses_total) $(metric $((port + 83)) scopegate_token_cache_batches_total)"
      sleep 1
    done ) > "$work/samples.txt" &
  local sampler=$!
  read -r rps p50 p99 non2xx <<<"$(wrk_run 60 "$work/paced.lua" "http://127.0.0.1:$((port + 82))")"
  wait "$sampler" || true
  wait "$background" || true
  # Loads and batches per one-second interval (the old jar has no batches counter: its loads are its queries).
  local stats
  stats=$(awk 'NR > 1 {dl = $1 - l; db = $2 - b; if (dl > ml) ml = dl; if (db > mb) mb = db} {l = $1; b = $2; if (NR == 1) {l0 = $1; b0 = $2}}
    END {printf "%d %d %d %d", l - l0, ml, b - b0, mb}' "$work/samples.txt")
  read -r loads max_loads batches max_batches <<<"$stats"
  printf '%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s\n' "$name" "$round" "$rps" "$p50" "$p99" "$non2xx" \
    "$loads" "$max_loads" "$batches" "$max_batches" "$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
  stop_gateway "$pid"
}
# after: batched misses and the warm-up; after-no-warm-up: batched misses only; before: BEFORE_JAR.
for round in $(seq 1 "$rounds"); do
  cold after "$after_jar" "$round"
  cold after-no-warm-up "$after_jar" "$round" --scopegate.cache-warm-up.tokens=0
  if [ -n "${BEFORE_JAR:-}" ]; then cold before "$BEFORE_JAR" "$round"; fi
done
stop_gateway "$warm_pid"
echo "tokens.sh: results in $out"
