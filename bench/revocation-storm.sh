#!/usr/bin/env bash
# A revocation storm: the admin API and two gateway replicas on one store; TOKENS tokens (default
# 1000), cached on both replicas, disabled at RATE calls/s (default 1000) while a paced background load
# (BACKGROUND requests/s, default 200) runs over other tokens (RevocationStorm).
# STORM_MODE=accounts: one disable-all call per account of 20 tokens instead of one disable per token.
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

bench_admin_and_two_replicas

java -Dstorm.mode="${STORM_MODE:-tokens}" -cp "$root/bench/jmh/target/benchmarks.jar" io.scopegate.bench.RevocationStorm http://127.0.0.1:18090 \
  "$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD" "$tokens" "$rate" "$background" http://127.0.0.1:18281 http://127.0.0.1:18282
bench_invalidation_lag
