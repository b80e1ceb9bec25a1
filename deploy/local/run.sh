#!/usr/bin/env bash
# Runs Scopegate locally in the foreground: an embedded PostgreSQL (data in .scopegate/, so tokens
# survive a restart), the admin API, a gateway, a demo partner API (WireMock) and a mail catcher
# (GreenMail keeps the notification emails in memory; a second WireMock serves a web inbox for them,
# deploy/local/mail-inbox, and passes /api/ through to GreenMail's HTTP API). On first start it
# registers the demo API, a demo account and a demo token, then prints curl commands to try.
# Ctrl-C stops everything.
#   SPRING_R2DBC_URL (+ _USERNAME, _PASSWORD) point it at an external PostgreSQL instead.
#   SPRING_MAIL_HOST (+ SPRING_MAIL_PORT, _USERNAME, _PASSWORD, ...) send the emails through that SMTP
#   server instead of the mail catcher.
#   SCOPEGATE_STATE_DIR, SCOPEGATE_ADMIN_PORT, SCOPEGATE_GATEWAY_PORT, SCOPEGATE_STORE_PORT,
#   SCOPEGATE_DEMO_PORT, SCOPEGATE_MAIL_PORT (SMTP), SCOPEGATE_MAIL_WEB_PORT (its inbox) move things
#   elsewhere (CI uses them to run beside a developer's instance).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
state="${SCOPEGATE_STATE_DIR:-$root/.scopegate}"
admin_port="${SCOPEGATE_ADMIN_PORT:-8090}"
gateway_port="${SCOPEGATE_GATEWAY_PORT:-8080}"
store_port="${SCOPEGATE_STORE_PORT:-54329}"
demo_port="${SCOPEGATE_DEMO_PORT:-9000}"
mail_port="${SCOPEGATE_MAIL_PORT:-1025}"
mail_web_port="${SCOPEGATE_MAIL_WEB_PORT:-8025}"
mail_api_port=$((mail_web_port + 1)) # GreenMail's own HTTP API, behind the inbox
wiremock_version=3.13.2
greenmail_version=2.1.5

die() { echo "run.sh: $*" >&2; exit 1; }

command -v java >/dev/null || die "Java 17 or newer is required (no 'java' on PATH)"
java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || die "Java 17 or newer is required (found $java_major)"
command -v mvn >/dev/null || die "Maven is required to build (no 'mvn' on PATH)"
command -v curl >/dev/null || die "curl is required (no 'curl' on PATH)"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
mail_catcher=yes
[ -z "${SPRING_MAIL_HOST:-}" ] || mail_catcher=
ports=("$admin_port" $((admin_port + 1)) "$gateway_port" $((gateway_port + 1)) "$demo_port")
[ -z "$mail_catcher" ] || ports+=("$mail_port" "$mail_web_port" "$mail_api_port")
for port in "${ports[@]}"; do
  port_busy "$port" && die "port $port is already in use; stop what uses it, or set SCOPEGATE_ADMIN_PORT / SCOPEGATE_GATEWAY_PORT / SCOPEGATE_DEMO_PORT / SCOPEGATE_MAIL_PORT / SCOPEGATE_MAIL_WEB_PORT"
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
greenmail_jar="$state/lib/greenmail-standalone-$greenmail_version.jar"
if [ -n "$mail_catcher" ] && [ ! -f "$greenmail_jar" ]; then
  echo "run.sh: fetching the mail catcher (GreenMail $greenmail_version)..."
  mvn -B -q -Dstyle.color=never dependency:copy -Dartifact="com.icegreen:greenmail-standalone:$greenmail_version" \
      -DoutputDirectory="$state/lib" >/dev/null || die "could not fetch GreenMail from Maven Central"
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

# The admin API mails each notification to the token's contacts through spring.mail.*: here to the
# mail catcher, which takes any sender and recipient, without authentication or TLS. The links in the
# emails point at this console.
admin_mail=(--scopegate.notifications.console-url="http://localhost:$admin_port")
if [ -n "$mail_catcher" ]; then
  admin_mail+=(--spring.mail.host=127.0.0.1 --spring.mail.port="$mail_port")
  inbox="http://localhost:$mail_web_port/api/user/dev@demo.example/messages/"
  mail="mail inbox     http://localhost:$mail_web_port   (every notification email, within seconds; SMTP on
                 127.0.0.1:$mail_port; as JSON: $inbox)"
else
  mail="mail           through $SPRING_MAIL_HOST (SPRING_MAIL_* from the environment)"
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

await_ready() { # name, readiness URL, pid
  for _ in $(seq 1 180); do
    curl -fs "$2" >/dev/null 2>&1 && return 0
    kill -0 "$3" 2>/dev/null || die "the $1 exited; see its log above"
    sleep 1
  done
  die "the $1 did not become ready in 3 minutes"
}

# WireMock's admin API (/__admin) could rewrite the demo API or the inbox page from any local web page:
# it gets a password nobody knows.
wiremock_admin="scopegate:$(head -c 18 /dev/urandom | base64 | tr -d '\n/+=')"
java -jar "$wiremock_jar" --port "$demo_port" --bind-address 127.0.0.1 --root-dir "$root/deploy/local/demo-api" \
     --global-response-templating --disable-banner --admin-api-basic-auth "$wiremock_admin" >/dev/null &
pids+=($!)
if [ -n "$mail_catcher" ]; then
  # SMTP only (no IMAP/POP3); any recipient gets a mailbox on first delivery; its HTTP API lists them.
  java -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$mail_port" -Dgreenmail.auth.disabled \
       -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port="$mail_api_port" -jar "$greenmail_jar" >/dev/null &
  pids+=($!)
  mail_pid=$!
  # The web inbox: its page, and everything else (/api/…) passed to GreenMail.
  java -jar "$wiremock_jar" --port "$mail_web_port" --bind-address 127.0.0.1 --root-dir "$root/deploy/local/mail-inbox" \
       --proxy-all "http://127.0.0.1:$mail_api_port" --disable-banner --admin-api-basic-auth "$wiremock_admin" >/dev/null &
  pids+=($!)
  inbox_pid=$!
fi
# Webhooks may go to a receiver on this machine, and the demo API is on it (production refuses
# loopback and private addresses for both). The management ports listen on loopback only: their
# metrics name every account and token.
java -jar "$admin_jar" --server.port="$admin_port" --management.server.port=$((admin_port + 1)) \
     --management.server.address=127.0.0.1 \
     --scopegate.webhooks.allow-private-addresses=true --scopegate.catalog.allow-private-upstreams=true \
     "${admin_mail[@]}" &
pids+=($!)
admin_pid=$!
echo "run.sh: waiting for the admin API (it creates and migrates the store)..."
await_ready "admin API" "http://127.0.0.1:$((admin_port + 1))/actuator/health/readiness" "$admin_pid"

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
     --management.server.address=127.0.0.1 \
     --scopegate.usage.flush-interval=2s "${gateway_store[@]}" &
pids+=($!)
gateway_pid=$!
await_ready "gateway" "http://127.0.0.1:$((gateway_port + 1))/actuator/health/readiness" "$gateway_pid"
try_mail=""
if [ -n "$mail_catcher" ]; then
  await_ready "mail catcher" "http://127.0.0.1:$mail_api_port/api/service/readiness" "$mail_pid"
  await_ready "mail inbox" "http://127.0.0.1:$mail_web_port/api/service/readiness" "$inbox_pid"
  tokens="http://localhost:$admin_port/v1/accounts/DEMO/tokens/$DEMO_SID"
  try_mail="  A notification email (disable the demo token, see the email to dev@demo.example in the inbox
  above or as JSON, enable it again):
    curl -u $admin -X POST $tokens/disable
    curl $inbox
    curl -u $admin -X POST $tokens/enable
"
fi

cat <<INFO

  Scopegate is ready
  gateway        http://localhost:$gateway_port    (management, this machine only: http://127.0.0.1:$((gateway_port + 1))/actuator/health)
  console        http://localhost:$admin_port/console   (sign in as the operator below)
  admin API      http://localhost:$admin_port/v1   (management, this machine only: http://127.0.0.1:$((admin_port + 1))/actuator/health)
  demo API       http://localhost:$demo_port       (WireMock; the gateway's upstream for /campaigns)
  store          $store
  $mail
  operator       admin / $SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD
  demo token     $DEMO_SID (account DEMO, may GET /campaigns)

  Allowed (200):
    curl -u $DEMO_SID:$DEMO_AUTH_TOKEN http://localhost:$gateway_port/campaigns/1
  Refused (403, the token lacks campaigns:POST):
    curl -u $DEMO_SID:$DEMO_AUTH_TOKEN -X POST http://localhost:$gateway_port/campaigns
  Its usage:
    curl -u $admin http://localhost:$admin_port/v1/accounts/DEMO/tokens/$DEMO_SID/usage
$try_mail
  Ctrl-C stops everything; the next start reuses $state.
INFO
wait -n "${pids[@]}"
