#!/usr/bin/env bash
# Revocation propagation: the admin API and two gateway replicas on one store; 100 trials of
# "disable, then time until both replicas refuse" (RevocationProbe). Also prints each replica's
# scopegate_invalidation_lag_seconds (commit to applied, measured inside the gateway).
# Usage: bench/revocation.sh [trials, default 100]. Needs JDK 17, Maven, curl.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
trials="${1:-100}"
work="$(mktemp -d)"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"
bench_build admin-api gateway bench/jmh

bench_admin "$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar" 18090 15434
declare -A gateway_pids
for n in 1 2; do
  bench_gateway "$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar" 1828$n 1838$n 15434 "$work/gateway-$n.log"
  gateway_pids[$n]=$gateway_pid
done
for n in 1 2; do bench_ready "http://127.0.0.1:1838$n" "${gateway_pids[$n]}" "$work/gateway-$n.log"; done

java -cp "$root/bench/jmh/target/benchmarks.jar" io.scopegate.bench.RevocationProbe http://127.0.0.1:18090 \
  "$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD" "$trials" http://127.0.0.1:18281 http://127.0.0.1:18282
for n in 1 2; do
  echo "replica $n: $(curl -fs "http://127.0.0.1:1838$n/actuator/prometheus" | grep -E '^scopegate_invalidation_lag_seconds_(count|sum|max)' | tr '\n' ' ')"
done
