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

bench_admin_and_two_replicas

java -cp "$root/bench/jmh/target/benchmarks.jar" io.scopegate.bench.RevocationProbe http://127.0.0.1:18090 \
  "$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD" "$trials" http://127.0.0.1:18281 http://127.0.0.1:18282
bench_invalidation_lag
