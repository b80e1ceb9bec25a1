#!/usr/bin/env bash
# A revocation storm: the admin API and two gateway replicas on one store; TOKENS tokens (default
# 1000), cached on both replicas, disabled at RATE calls/s (default 1000) while a paced background load
# (BACKGROUND requests/s, default 200) runs over other tokens (RevocationStorm).
# Usage: bench/revocation-storm.sh [tokens] [rate] [background]. Needs JDK 17, Maven, curl.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tokens="${1:-1000}"
rate="${2:-1000}"
background="${3:-200}"
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

java -cp "$root/bench/jmh/target/benchmarks.jar" io.scopegate.bench.RevocationStorm http://127.0.0.1:18090 \
  "$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD" "$tokens" "$rate" "$background" http://127.0.0.1:18281 http://127.0.0.1:18282
for n in 1 2; do
  echo "replica $n: $(curl -fs "http://127.0.0.1:1838$n/actuator/prometheus" | grep -E '^scopegate_invalidation_lag_seconds_(count|sum|max)' | tr '\n' ' ')"
done
