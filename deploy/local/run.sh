#!/usr/bin/env bash
# Runs Scopegate locally in the foreground on an embedded PostgreSQL whose data lives in
# .scopegate/ (so tokens survive a restart). Ctrl-C stops everything.
#   SPRING_R2DBC_URL (+ _USERNAME, _PASSWORD) point it at an external PostgreSQL instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
state="$root/.scopegate"
admin_port="${SCOPEGATE_ADMIN_PORT:-8090}"
gateway_port="${SCOPEGATE_GATEWAY_PORT:-8080}"
store_port="${SCOPEGATE_STORE_PORT:-54329}"

die() { echo "run.sh: $*" >&2; exit 1; }

command -v java >/dev/null || die "Java 17 or newer is required (no 'java' on PATH)"
java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || die "Java 17 or newer is required (found $java_major)"
command -v mvn >/dev/null || die "Maven is required to build (no 'mvn' on PATH)"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$admin_port" $((admin_port + 1)) "$gateway_port" $((gateway_port + 1)); do
  port_busy "$port" && die "port $port is already in use; stop what uses it or set SCOPEGATE_ADMIN_PORT / SCOPEGATE_GATEWAY_PORT"
done

mkdir -p "$state"
chmod 700 "$state"
secrets="$state/secrets.env"
if [ ! -f "$secrets" ]; then
  umask 077
  random_b64() { head -c 32 /dev/urandom | base64 | tr -d '\n'; }
  {
    echo "SCOPEGATE_CREDENTIALS_HMAC_KEY=$(random_b64)"
    echo "SCOPEGATE_CREDENTIALS_ENCRYPTION_KEY=$(random_b64)"
    echo "SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '\n/+=')"
  } > "$secrets"
  echo "run.sh: created $secrets (keys and the admin password; keep it private)"
fi
set -a; . "$secrets"; set +a

admin_jar="$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-exec.jar"
gateway_jar="$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar"
if [ ! -f "$admin_jar" ] || [ ! -f "$gateway_jar" ] \
   || [ -n "$(find "$root/admin-api/src" "$root/gateway/src" "$root/token-store/src" -newer "$admin_jar" -type f | head -n 1)" ]; then
  echo "run.sh: building (mvn -DskipTests package)..."
  (cd "$root" && mvn -B -q -DskipTests package -pl token-store,admin-api,gateway -am) || die "build failed"
fi

if [ -z "${SPRING_R2DBC_URL:-}" ]; then
  port_busy "$store_port" && die "port $store_port (embedded PostgreSQL) is in use; set SCOPEGATE_STORE_PORT"
  export SCOPEGATE_STORE_EMBEDDED_DATA_DIR="$state/pgdata"
  export SCOPEGATE_STORE_EMBEDDED_PORT="$store_port"
  store="embedded PostgreSQL on 127.0.0.1:$store_port, data in $state/pgdata"
  gateway_store=(--spring.r2dbc.url="r2dbc:postgresql://127.0.0.1:$store_port/postgres"
                 --spring.r2dbc.username=postgres --spring.r2dbc.password=postgres)
else
  store="$SPRING_R2DBC_URL"
  gateway_store=()
fi

pids=()
stop() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
  wait 2>/dev/null
  echo "run.sh: stopped"
}
trap stop INT TERM EXIT

java -jar "$admin_jar" --server.port="$admin_port" --management.server.port=$((admin_port + 1)) &
pids+=($!)
echo "run.sh: waiting for the admin API (it creates and migrates the store)..."
for _ in $(seq 1 120); do
  curl -fs "http://localhost:$((admin_port + 1))/actuator/health/readiness" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || die "the admin API exited; see its log above"
  sleep 1
done
java -jar "$gateway_jar" --server.port="$gateway_port" --management.server.port=$((gateway_port + 1)) "${gateway_store[@]}" &
pids+=($!)
for _ in $(seq 1 120); do
  curl -fs "http://localhost:$((gateway_port + 1))/actuator/health/readiness" >/dev/null 2>&1 && break
  kill -0 "${pids[1]}" 2>/dev/null || die "the gateway exited; see its log above"
  sleep 1
done

cat <<INFO

  Scopegate is ready
  gateway        http://localhost:$gateway_port    (management: http://localhost:$((gateway_port + 1))/actuator/health)
  admin API      http://localhost:$admin_port/v1   (management: http://localhost:$((admin_port + 1))/actuator/health)
  store          $store
  operator       admin / $SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD

  Try:
    curl -u admin:$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD http://localhost:$admin_port/v1/apis

  Ctrl-C stops everything; the next start reuses .scopegate/.
INFO
wait -n "${pids[@]}"
