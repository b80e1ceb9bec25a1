# Shared by the bench scripts (sourced, not run): building the jars, starting nginx as the upstream,
# the admin API on its embedded PostgreSQL and Scopegate gateways on loopback, creating tokens through
# the admin API, and stopping everything on exit. The caller sets `root` (the repository) and `work`
# (a scratch directory, removed on exit unless KEEP_WORK=1) before sourcing it; every process started
# here is added to `pids` and killed on exit (add your own there too).
# shellcheck shell=bash

pids=()
bench_cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  if [ -z "${KEEP_WORK:-}" ]; then rm -rf "$work"; else echo "$(basename "$0"): kept $work"; fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

bench_needs() { # command...: exits unless each is installed
  local command
  for command in "$@"; do
    command -v "$command" >/dev/null || { echo "$(basename "$0"): needs $command (wrk, nginx: apt-get install wrk nginx-light)"; exit 1; }
  done
}

bench_build() { # module...: builds them and what they need (profiles bench and local); SKIP_BUILD=1 uses the jars there
  [ -n "${SKIP_BUILD:-}" ] && return 0
  echo "$(basename "$0"): building..."
  (cd "$root" && mvn -B -q -Pbench,local -DskipTests package -pl "$(IFS=,; echo "$*")" -am)
}

bench_nginx() { # port [more server lines]: nginx, one worker, a 27-byte JSON body on every path; pid in $work/nginx/nginx.pid
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$1;
    location / { default_type application/json; return 200 '{"ok":true,"items":[1,2,3]}'; }
    ${2:-}
  }
}
NGINX
  nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
  pids+=($!)
}

bench_ready() { # management URL, pid, log: waits until ready; exits with the log's tail if the process died
  until curl -fs "$1/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 "$2" 2>/dev/null || { echo "$(basename "$0"): process $2 died:"; tail -n 30 "$3"; exit 1; }
    sleep 1
  done
}

# The admin API (management port: port + 1) on its embedded PostgreSQL, with fresh credentials keys and
# the bootstrap operator's password; waits until it is ready. Catalog upstreams may be on loopback.
# Sets admin_pid, admin_url, admin (operator user:password for curl -u) and json (the content type header).
bench_admin() { # jar, port, embedded store port
  SCOPEGATE_CREDENTIALS_HMAC_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
  SCOPEGATE_CREDENTIALS_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
  export SCOPEGATE_CREDENTIALS_HMAC_KEY SCOPEGATE_CREDENTIALS_ENCRYPTION_KEY SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD=bench-operator-password
  java -jar "$1" --server.port="$2" --management.server.port=$(($2 + 1)) \
    --scopegate.store.embedded.port="$3" --scopegate.store.embedded.data-dir="$work/pg" \
    --scopegate.catalog.allow-private-upstreams=true >"$work/admin.log" 2>&1 &
  admin_pid=$!; pids+=($!)
  admin_url="http://127.0.0.1:$2"
  admin="admin:$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD"
  json='Content-Type: application/json'
  bench_ready "http://127.0.0.1:$(($2 + 1))" "$admin_pid" "$work/admin.log"
}

# A gateway on the admin API's store, the failed-authentication throttle off (every request comes from
# one address); not waited for (bench_ready). Sets gateway_pid.
bench_gateway() { # jar, port, management port, store port, log, [option...]
  local jar=$1 port=$2 management=$3 store=$4 log=$5
  shift 5
  java -jar "$jar" --server.port="$port" --management.server.port="$management" \
    --spring.r2dbc.url="r2dbc:postgresql://127.0.0.1:$store/postgres" --spring.r2dbc.username=postgres \
    --spring.r2dbc.password=postgres --scopegate.gateway.auth-failures-per-minute=0 "$@" >"$log" 2>&1 &
  gateway_pid=$!; pids+=($!)
}

# The API "bench" (GET on /bench/**) to the nginx on that port, and 1,000 tokens scoped bench:GET
# (50 accounts BENCH1..50 x 20) as "sid:secret" lines in $work/credentials.txt.
bench_api_and_tokens() { # upstream port
  curl -fs -u "$admin" -X PUT "$admin_url/v1/apis/bench" -H "$json" \
    -d "{\"name\":\"bench\",\"paths\":[\"/bench/**\"],\"methods\":[\"GET\"],\"upstreamUrl\":\"http://127.0.0.1:$1\",\"latestVersion\":1}" >/dev/null
  echo "$(basename "$0"): creating 1,000 tokens (50 accounts x 20)..."
  bench_account_tokens() {
    local account="BENCH$1"
    curl -fs -u "$admin" -X POST "$admin_url/v1/accounts" -H "$json" -d "{\"sid\":\"$account\",\"name\":\"$account\"}" >/dev/null
    for _ in $(seq 1 20); do
      curl -fs -w '\n' -u "$admin" -X POST "$admin_url/v1/accounts/$account/tokens" -H "$json" \
        -d '{"name":"bench","scopes":[{"api":"bench","methods":["GET"]}]}' \
        | sed -n 's/.*"sid":"\([^"]*\)".*"authToken":"\([^"]*\)".*/\1:\2/p'
    done
  }
  export -f bench_account_tokens; export admin admin_url json
  seq 1 50 | xargs -P 4 -I{} bash -c 'bench_account_tokens {}' > "$work/credentials.txt"
  [ "$(wc -l < "$work/credentials.txt")" -eq 1000 ] || { echo "$(basename "$0"): expected 1000 tokens"; exit 1; }
}

bench_lua() { # file: a wrk script rotating the Basic credentials ("sid:secret" lines on stdin) over GET /bench/item
  { echo "local headers = {}"
    while IFS= read -r pair; do echo "headers[#headers + 1] = \"Basic $(printf '%s' "$pair" | base64 -w0)\""; done
    cat <<'LUA'
local i = 0
request = function()
  i = i % #headers + 1
  return wrk.format("GET", "/bench/item", { ["Authorization"] = headers[i] })
end
LUA
  } > "$1"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # a process's utime + stime, in clock ticks

bench_admin_and_two_replicas() { # the admin API (18090) on its embedded store (15434) and two gateways (18281/18381, 18282/18382), ready; their pids in $admin_pid and ${replica_pid[1|2]}
  bench_admin "$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar" 18090 15434
  declare -gA replica_pid # not "pids": bench_gateway adds to the global list that is killed on exit
  local n
  for n in 1 2; do
    bench_gateway "$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar" 1828$n 1838$n 15434 "$work/gateway-$n.log"
    replica_pid[$n]=$gateway_pid
  done
  for n in 1 2; do bench_ready "http://127.0.0.1:1838$n" "${replica_pid[$n]}" "$work/gateway-$n.log"; done
}

bench_invalidation_lag() { # each of the two replicas' scopegate_invalidation_lag_seconds (commit to applied, inside the gateway)
  local n
  for n in 1 2; do
    echo "replica $n: $(curl -fs "http://127.0.0.1:1838$n/actuator/prometheus" | grep -E '^scopegate_invalidation_lag_seconds_(count|sum|max)' | tr '\n' ' ')"
  done
}

# Results files with one line per run, '<name> round <n> ... <field> ...' ($out), as gateway-options.sh
# and path-ab.sh write them: medians over the rounds and per-round paired differences.
to_ms() { # wrk's latency (850.00us, 6.60ms, 1.20s) in milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
load1() { awk '{print $1}' /proc/loadavg; }
median_of_lines() { # stdin: one number a line; prints their median
  sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
median() { # name, field number: the median of that field over the rounds in $out
  grep "^$1 " "$out" | awk -v f="$2" '{print $f}' | median_of_lines
}
paired() { # name, reference, field: the median over the rounds of (name's value - reference's value) in the same round
  join <(grep "^$1 " "$out" | awk -v f="$3" '{print $3, $f}' | sort) <(grep "^$2 " "$out" | awk -v f="$3" '{print $3, $f}' | sort) \
    | awk '{print $2 - $3}' | median_of_lines
}
interleaved_rounds() { # rounds, name...: calls run <name> for every name in every round, the order rotating per round
  local rounds=$1 k
  shift
  local order=("$@")
  for round in $(seq 1 "$rounds"); do
    echo "# round $round: $(uptime)" | tee -a "$out"
    for k in "${!order[@]}"; do run "${order[$(( (k + round - 1) % ${#order[@]} ))]}"; done
  done
  echo "# after the rounds: $(uptime)" | tee -a "$out"
}

bench_pin() { # pid...: unless PIN=0, those JVMs' threads on CPU 1 and nginx on CPU 0, and load_cpu=(taskset -c 0) to run wrk with
  load_cpu=()
  [ "${PIN:-1}" = 1 ] || return 0
  load_cpu=(taskset -c 0)
  local pid
  for pid in "$@"; do taskset -a -p 2 "$pid" >/dev/null; done
  for pid in $(cat "$work/nginx/nginx.pid") $(pgrep -P "$(cat "$work/nginx/nginx.pid")"); do taskset -p 1 "$pid" >/dev/null; done
}
