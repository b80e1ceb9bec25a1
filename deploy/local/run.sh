#!/usr/bin/env bash
# Runs Scopegate locally in the foreground: an embedded PostgreSQL (data in .scopegate/, so tokens
# survive a restart), the admin API, a gateway and a demo partner API (WireMock). On first start it
# registers the demo API, a demo account and a demo token, then prints curl commands to try.
# Ctrl-C stops everything.
#   SPRING_R2DBC_URL (+ _USERNAME, _PASSWORD) point it at an external PostgreSQL instead.
#   SCOPEGATE_STATE_DIR, SCOPEGATE_ADMIN_PORT, SCOPEGATE_GATEWAY_PORT, SCOPEGATE_STORE_PORT,
#   SCOPEGATE_DEMO_PORT move things elsewhere (CI uses them to run beside a developer's instance).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
state="${SCOPEGATE_STATE_DIR:-$root/.scopegate}"
admin_port="${SCOPEGATE_ADMIN_PORT:-8090}"
gateway_port="${SCOPEGATE_GATEWAY_PORT:-8080}"
store_port="${SCOPEGATE_STORE_PORT:-54329}"
demo_port="${SCOPEGATE_DEMO_PORT:-9000}"
wiremock_version=3.13.2

die() { echo "run.sh: $*" >&2; exit 1; }

command -v java >/dev/null || die "Java 17 or newer is required (no 'java' on PATH)"
java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || die "Java 17 or newer is required (found $java_major)"
command -v mvn >/dev/null || die "Maven is required to build (no 'mvn' on PATH)"
command -v curl >/dev/null || die "curl is required (no 'curl' on PATH)"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "$admin_port" $((admin_port + 1)) "$gateway_port" $((gateway_port + 1)) "$demo_port"; do
  port_busy "$port" && die "port $port is already in use; stop what uses it, or set SCOPEGATE_ADMIN_PORT / SCOPEGATE_GATEWAY_PORT / SCOPEGATE_DEMO_PORT"
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

# The admin API as built by its 'local' profile: the image's jar (-exec) has no embedded PostgreSQL.
admin_jar="$root/admin-api/target/admin-api-0.1.0-SNAPSHOT-local.jar"
gateway_jar="$root/gateway/target/gateway-0.1.0-SNAPSHOT-exec.jar"
if [ ! -f "$admin_jar" ] || [ ! -f "$gateway_jar" ] \
   || [ -n "$(find "$root/admin-api/src" "$root/gateway/src" "$root/token-store/src" "$root/pom.xml" \
              "$root/admin-api/pom.xml" "$root/gateway/pom.xml" "$root/token-store/pom.xml" -newer "$admin_jar" -type f | head -n 1)" ]; then
  echo "run.sh: building (mvn -Plocal -DskipTests package)..."
  (cd "$root" && mvn -B -q -Dstyle.color=never -Plocal -DskipTests package -pl token-store,admin-api,gateway -am) || die "build failed"
fi
wiremock_jar="$state/lib/wiremock-standalone-$wiremock_version.jar"
if [ ! -f "$wiremock_jar" ]; then
  echo "run.sh: fetching the demo API server (WireMock $wiremock_version)..."
  mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="org.wiremock:wiremock-standalone:$wiremock_version" \
      -DoutputDirectory="$state/lib" >/dev/null || die "could not fetch WireMock from Maven Central"
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
  if [ ${#pids[@]} -gt 0 ]; then
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  echo "run.sh: stopped"
}
trap stop INT TERM EXIT

await_ready() { # name, management port, pid
  for _ in $(seq 1 180); do
    curl -fs "http://127.0.0.1:$2/actuator/health/readiness" >/dev/null 2>&1 && return 0
    kill -0 "$3" 2>/dev/null || die "the $1 exited; see its log above"
    sleep 1
  done
  die "the $1 did not become ready in 3 minutes"
}

java -jar "$wiremock_jar" --port "$demo_port" --bind-address 127.0.0.1 --root-dir "$root/deploy/local/demo-api" \
     --global-response-templating --disable-banner >/dev/null &
pids+=($!)
# Webhooks may go to a receiver on this machine (production refuses loopback and private addresses).
java -jar "$admin_jar" --server.port="$admin_port" --management.server.port=$((admin_port + 1)) \
     --scopegate.webhooks.allow-private-addresses=true &
pids+=($!)
echo "run.sh: waiting for the admin API (it creates and migrates the store)..."
await_ready "admin API" $((admin_port + 1)) "${pids[1]}"

admin="admin:$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD"
demo="$state/demo.env"
if [ ! -f "$demo" ]; then
  json='Content-Type: application/json'
  curl -fs -u "$admin" -X PUT "http://127.0.0.1:$admin_port/v1/apis/campaigns" -H "$json" \
    -d "{\"name\":\"Campaigns (demo)\",\"paths\":[\"/campaigns\",\"/campaigns/**\"],\"methods\":[\"GET\",\"POST\"],\"upstreamUrl\":\"http://127.0.0.1:$demo_port\",\"latestVersion\":1}" >/dev/null \
    || die "could not register the demo API"
  curl -fs -u "$admin" -X POST "http://127.0.0.1:$admin_port/v1/accounts" -H "$json" -d '{"sid":"DEMO","name":"Demo agency"}' >/dev/null \
    || curl -fs -u "$admin" "http://127.0.0.1:$admin_port/v1/accounts/DEMO" >/dev/null || die "could not create the demo account"
  token=$(curl -fs -u "$admin" -X POST "http://127.0.0.1:$admin_port/v1/accounts/DEMO/tokens" -H "$json" \
    -d '{"name":"Demo read-only integration","primaryContact":"dev@demo.example","scopes":[{"api":"campaigns","methods":["GET"]}]}') \
    || die "could not create the demo token"
  sid=$(printf '%s' "$token" | sed -n 's/.*"sid":"\([^"]*\)".*/\1/p')
  secret=$(printf '%s' "$token" | sed -n 's/.*"authToken":"\([^"]*\)".*/\1/p')
  (umask 077; printf 'DEMO_SID=%s\nDEMO_AUTH_TOKEN=%s\n' "$sid" "$secret" > "$demo")
fi
. "$demo"

java -jar "$gateway_jar" --server.port="$gateway_port" --management.server.port=$((gateway_port + 1)) \
     --scopegate.usage.flush-interval=2s "${gateway_store[@]}" &
pids+=($!)
await_ready "gateway" $((gateway_port + 1)) "${pids[2]}"

cat <<INFO

  Scopegate is ready
  gateway        http://localhost:$gateway_port    (management: http://localhost:$((gateway_port + 1))/actuator/health)
  console        http://localhost:$admin_port/console   (sign in as the operator below)
  admin API      http://localhost:$admin_port/v1   (management: http://localhost:$((admin_port + 1))/actuator/health)
  demo API       http://localhost:$demo_port       (WireMock; the gateway's upstream for /campaigns)
  store          $store
  operator       admin / $SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD
  demo token     $DEMO_SID (account DEMO, may GET /campaigns)

  Allowed (200):
    curl -u $DEMO_SID:$DEMO_AUTH_TOKEN http://localhost:$gateway_port/campaigns/1
  Refused (403, the token lacks campaigns:POST):
    curl -u $DEMO_SID:$DEMO_AUTH_TOKEN -X POST http://localhost:$gateway_port/campaigns
  Its usage:
    curl -u $admin http://localhost:$admin_port/v1/accounts/DEMO/tokens/$DEMO_SID/usage

  Ctrl-C stops everything; the next start reuses $state.
INFO
wait -n "${pids[@]}"
