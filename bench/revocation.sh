#!/usr/bin/env bash
# Revocation propagation: the admin API and two gateway replicas on one store; 100 trials of
# "disable, then time until both replicas refuse" (RevocationProbe). Also prints each replica's
# scopegate_invalidation_lag_seconds (commit to applied, measured inside the gateway).
# Usage: bench/revocation.sh [trials, default 100]. Needs JDK 17, Maven, curl.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
trials="${1:-100}"
work="$(mktemp -d)"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
(cd "$root" && mvn -B -q -Pbench,local -DskipTests package -pl admin-api,gateway,bench/jmh -am)

export SCOPEGATE_CREDENTIALS_HMAC_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
export SCOPEGATE_CREDENTIALS_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
export SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD=bench-operator-password
java -jar "$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar" --server.port=18090 --management.server.port=18091 \
  --scopegate.store.embedded.port=15434 --scopegate.store.embedded.data-dir="$work/pg" >"$work/admin.log" 2>&1 &
pids+=($!)
until curl -fs http://127.0.0.1:18091/actuator/health/readiness >/dev/null 2>&1; do sleep 1; done
for n in 1 2; do
  java -jar "$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar" --server.port=1828$n --management.server.port=1838$n \
    --spring.r2dbc.url=r2dbc:postgresql://127.0.0.1:15434/postgres --spring.r2dbc.username=postgres --spring.r2dbc.password=postgres \
    --scopegate.gateway.auth-failures-per-minute=0 >"$work/gateway-$n.log" 2>&1 &
  pids+=($!)
done
for n in 1 2; do until curl -fs "http://127.0.0.1:1838$n/actuator/health/readiness" >/dev/null 2>&1; do sleep 1; done; done

java -cp "$root/bench/jmh/target/benchmarks.jar" io.scopegate.bench.RevocationProbe http://127.0.0.1:18090 \
  "$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD" "$trials" http://127.0.0.1:18281 http://127.0.0.1:18282
for n in 1 2; do
  echo "replica $n: $(curl -fs "http://127.0.0.1:1838$n/actuator/prometheus" | grep -E '^scopegate_invalidation_lag_seconds_(count|sum|max)' | tr '\n' ' ')"
done
