#!/usr/bin/env bash
# The admin API at automation speed (issue 17, part 4): p50/p99 of 300 sequential authenticated
# GET /v1/accounts/{a} (a new connection each, then over one kept-alive connection) and the calls per
# second of a create+delete token loop (what scripts and CI pipelines do), with
# scopegate.login.remember-verified=0 (bcrypt on every call) and 5m, one after the other on the same machine. Needs the local jar: mvn -B -Pbench,local -DskipTests package
#   bench/admin-auth.sh [iterations=300]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300}
JAR=$(ls admin-api/target/admin-api-*-local.jar)
OUT=$(mktemp -d)
HMAC=$(openssl rand -base64 32)
ENC=$(openssl rand -base64 32)
PASS=bench-password-$RANDOM
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT

percentiles() { # file of seconds → "p50=… ms p99=… ms"
  sort -n "$1" | awk '{v[NR]=$1*1000} END {printf "p50=%.1f ms p99=%.1f ms", v[int(NR*0.5)+1], v[int(NR*0.99)+1]}'
}

for mode in 0 5m; do
  java -jar "$JAR" --server.port=18790 --management.server.port=18791 \
    --scopegate.credentials.hmac-key="$HMAC" --scopegate.credentials.encryption-key="$ENC" \
    --scopegate.bootstrap.admin.password="$PASS" --scopegate.catalog.allow-private-upstreams=true \
    --scopegate.login.remember-verified="$mode" --logging.level.root=warn > "$OUT/admin-$mode.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -sf -o /dev/null http://127.0.0.1:18791/actuator/health && break; sleep 1; done
  B=http://127.0.0.1:18790
  J='Content-Type: application/json'
  acct=$(curl -s -u "admin:$PASS" -H "$J" -d '{"name":"Bench"}' $B/v1/accounts | grep -o '"sid":"[^"]*"' | head -1 | cut -d'"' -f4)
  curl -s -o /dev/null -u "admin:$PASS" -X PUT -H "$J" \
    -d '{"name":"Bench API","paths":["/bench/**"],"upstreamUrl":"http://127.0.0.1:9","methods":["GET"],"latestVersion":1}' $B/v1/apis/bench
  for _ in $(seq 1 50); do curl -s -o /dev/null -u "admin:$PASS" "$B/v1/accounts/$acct"; done
  for _ in $(seq 1 "$N"); do
    curl -s -o /dev/null -w '%{time_total}\n' -u "admin:$PASS" "$B/v1/accounts/$acct"
  done > "$OUT/get-$mode.txt"
  # The same calls over one kept-alive connection, as SDKs, Terraform providers and `curl URL URL …` make them.
  kept=(); for _ in $(seq 1 "$N"); do kept+=(-o /dev/null "$B/v1/accounts/$acct"); done
  curl -s -w '%{time_total}\n' -u "admin:$PASS" "${kept[@]}" > "$OUT/kept-$mode.txt"
  start=$(date +%s%N)
  for _ in $(seq 1 100); do
    sid=$(curl -s -u "admin:$PASS" -H "$J" -d '{"name":"loop","scopes":[{"api":"bench","methods":["GET"]}]}' \
      "$B/v1/accounts/$acct/tokens" | grep -o '"sid":"ST[^"]*"' | head -1 | cut -d'"' -f4)
    curl -s -o /dev/null -u "admin:$PASS" -X DELETE "$B/v1/accounts/$acct/tokens/$sid"
  done
  end=$(date +%s%N)
  echo "remember-verified=$mode: GET $(percentiles "$OUT/get-$mode.txt") (n=$N, a connection each);" \
    "kept alive $(percentiles "$OUT/kept-$mode.txt"); create+delete loop $(( 200 * 1000000000 / (end - start) )) calls/s"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
