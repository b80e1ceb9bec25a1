#!/usr/bin/env bash
# Runs Scopegate locally in the foreground on an embedded PostgreSQL whose data lives in
# .scopegate/ (so tokens survive a restart). Ctrl-C stops everything.
#   SPRING_R2DBC_URL (+ _USERNAME, _PASSWORD) point it at an external PostgreSQL instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
state="$root/.scopegate"
admin_port="${SCOPEGATE_ADMIN_PORT:-8090}"
store_port="${SCOPEGATE_STORE_PORT:-54329}"

die() { echo "run.sh: $*" >&2; exit 1; }

command -v java >/dev/null || die "Java 17 or newer is required (no 'java' on PATH)"
java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || die "Java 17 or newer is required (found $java_major)"
command -v mvn >/dev/null || die "Maven is required to build (no 'mvn' on PATH)"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$admin_port" $((admin_port + 1)); do
  port_busy "$port" && die "port $port is already in use; stop what uses it or set SCOPEGATE_ADMIN_PORT"
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

jar="$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-exec.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/admin-api/src" "$root/token-store/src" -newer "$jar" -type f | head -n 1)" ]; then
  echo "run.sh: building (mvn -DskipTests package)..."
  (cd "$root" && mvn -B -q -DskipTests package) || die "build failed"
fi

if [ -z "${SPRING_R2DBC_URL:-}" ]; then
  port_busy "$store_port" && die "port $store_port (embedded PostgreSQL) is in use; set SCOPEGATE_STORE_PORT"
  export SCOPEGATE_STORE_EMBEDDED_DATA_DIR="$state/pgdata"
  export SCOPEGATE_STORE_EMBEDDED_PORT="$store_port"
  store="embedded PostgreSQL on 127.0.0.1:$store_port, data in $state/pgdata"
else
  store="$SPRING_R2DBC_URL"
fi

cat <<INFO

  Scopegate (local)
  admin API      http://localhost:$admin_port/v1     (management: http://localhost:$((admin_port + 1))/actuator/health)
  store          $store
  operator       admin / $SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD
  gateway        not built yet: it arrives with the gateway issue

  Try, once it says "Started":
    curl -u admin:$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD http://localhost:$admin_port/v1/apis

INFO

exec java -jar "$jar" --server.port="$admin_port" --management.server.port=$((admin_port + 1))
