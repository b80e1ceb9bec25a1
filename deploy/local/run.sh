#!/usr/bin/env bash
# Runs Scopegate locally in the foreground: an embedded PostgreSQL (data in .scopegate/, so tokens
# survive a restart), the admin API, a gateway, a demo partner API (WireMock) and a mail catcher
# (GreenMail keeps the notification emails in memory; a second WireMock serves a web inbox for them,
# deploy/local/mail-inbox, and passes /api/ through to GreenMail's HTTP API). On first start it
# registers the demo API, a demo account and a demo token, then prints curl commands to try.
# Ctrl-C stops everything.
#   --tls    both services serve HTTPS (HTTP/2, TLS 1.2+) with certificates of a local CA made by
#            tls-certificates.sh in .scopegate/tls/ (kept between runs); the gateway also asks for the demo
#            partner's client certificate (mutual TLS) and refuses credentials sent in clear.
#   --redis  rate limits shared through a local Redis (redis-server, installed with apt-get when missing;
#            port SCOPEGATE_REDIS_PORT, default 6379, on 127.0.0.1; data in .scopegate/redis).
#   The two combine: deploy/local/run.sh --tls --redis
#   SPRING_R2DBC_URL (+ _USERNAME, _PASSWORD) point it at an external PostgreSQL instead.
#   SPRING_MAIL_HOST (+ SPRING_MAIL_PORT, _USERNAME, _PASSWORD, ...) send the emails through that SMTP
#   server instead of the mail catcher.
#   SCOPEGATE_STATE_DIR, SCOPEGATE_ADMIN_PORT, SCOPEGATE_GATEWAY_PORT, SCOPEGATE_STORE_PORT,
#   SCOPEGATE_DEMO_PORT, SCOPEGATE_MAIL_PORT (SMTP), SCOPEGATE_MAIL_WEB_PORT (its inbox) move things
#   elsewhere (CI uses them to run beside a developer's instance).
set -euo pipefail
tls=
redis=
for option in "$@"; do
  case "$option" in
    --tls) tls=yes ;;
    --redis) redis=yes ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$option' (known: --tls, --redis, --help)" >&2; exit 2 ;;
  esac
done
root="$(cd "$(dirname "$0")/../.." && pwd)"
state="${SCOPEGATE_STATE_DIR:-$root/.scopegate}"
admin_port="${SCOPEGATE_ADMIN_PORT:-8090}"
gateway_port="${SCOPEGATE_GATEWAY_PORT:-8080}"
store_port="${SCOPEGATE_STORE_PORT:-54329}"
demo_port="${SCOPEGATE_DEMO_PORT:-9000}"
mail_port="${SCOPEGATE_MAIL_PORT:-1025}"
mail_web_port="${SCOPEGATE_MAIL_WEB_PORT:-8025}"
mail_api_port=$((mail_web_port + 1)) # GreenMail's own HTTP API, behind the inbox
redis_port="${SCOPEGATE_REDIS_PORT:-6379}"
wiremock_version=3.13.2
greenmail_version=2.1.5

die() { echo "run.sh: $*" >&2; exit 1; }

command -v java >/dev/null || die "Java 17 or newer is required (no 'java' on PATH)"
java_major=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
[ "${java_major%%.*}" -ge 17 ] 2>/dev/null || die "Java 17 or newer is required (found $java_major)"
# 17 works; 25 is what the images ship and what the gateway was measured faster on (bench/RESULTS.md).
[ "${java_major%%.*}" -ge 25 ] 2>/dev/null || echo "run.sh: Java $java_major works; Java 25 is recommended (the gateway uses less CPU per request on it)" >&2
command -v mvn >/dev/null || die "Maven is required to build (no 'mvn' on PATH)"
command -v curl >/dev/null || die "curl is required (no 'curl' on PATH)"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
mail_catcher=yes
[ -z "${SPRING_MAIL_HOST:-}" ] || mail_catcher=
ports=("$admin_port" $((admin_port + 1)) "$gateway_port" $((gateway_port + 1)) "$demo_port")
[ -z "$mail_catcher" ] || ports+=("$mail_port" "$mail_web_port" "$mail_api_port")
[ -z "$redis" ] || ports+=("$redis_port")
for port in "${ports[@]}"; do
  port_busy "$port" && die "port $port is already in use; stop what uses it, or set SCOPEGATE_ADMIN_PORT / SCOPEGATE_GATEWAY_PORT / SCOPEGATE_DEMO_PORT / SCOPEGATE_MAIL_PORT / SCOPEGATE_MAIL_WEB_PORT / SCOPEGATE_REDIS_PORT"
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

# --tls: the services' own certificates (made once, kept in the state directory). Every call of this
# script and every printed curl trusts the local CA with --cacert; the management ports stay plain HTTP
# on loopback (the probes and Prometheus use them).
scheme=http
cacert=()
admin_env=()
gateway_env=()
if [ -n "$tls" ]; then
  tls_dir="$state/tls"
  "$root/deploy/local/tls-certificates.sh" "$tls_dir" | sed 's/^tls-certificates.sh/run.sh/'
  scheme=https
  cacert=(--cacert "$tls_dir/ca.pem")
  admin_env+=(SCOPEGATE_TLS_CERTIFICATE="$tls_dir/server.pem" SCOPEGATE_TLS_PRIVATE_KEY="$tls_dir/server-key.pem")
  # The gateway asks for (without demanding) a client certificate signed by the local CA: the demo
  # partner's, for APIs that want mutual TLS.
  gateway_env+=(SCOPEGATE_TLS_CERTIFICATE="$tls_dir/server.pem" SCOPEGATE_TLS_PRIVATE_KEY="$tls_dir/server-key.pem"
                SCOPEGATE_TLS_CLIENT_CA="$tls_dir/ca.pem")
fi

# --redis: a redis-server of the system's, installed from the distribution when missing.
if [ -n "$redis" ] && ! command -v redis-server >/dev/null; then
  command -v apt-get >/dev/null || die "--redis needs redis-server: install Redis with your package manager"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "run.sh: installing redis-server (${sudo[*]:+sudo }apt-get install redis-server)..."
  { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq redis-server; } >/dev/null \
    || die "could not install redis-server; install it yourself, then run again"
  # The package may start a system-wide Redis on 6379 as a service; ours is separate (its own port
  # check below tells if that one is in the way).
  port_busy "$redis_port" && die "port $redis_port is now in use (the package's own Redis service?); set SCOPEGATE_REDIS_PORT"
fi
if [ -n "$redis" ]; then
  command -v redis-cli >/dev/null || die "--redis needs redis-cli too (Debian: apt-get install redis-tools)"
  redis_dir="$state/redis"
  mkdir -p "$redis_dir"
  grep -q '^SPRING_DATA_REDIS_PASSWORD=' "$secrets" \
    || (umask 077; echo "SPRING_DATA_REDIS_PASSWORD=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')" >> "$secrets")
  set -a; . "$secrets"; set +a
  # A configuration file (mode 600) rather than arguments, so the password is not on a command line
  # any local user can list. Loopback only; Redis's default snapshots keep the counters across
  # restarts of run.sh.
  (umask 077; cat > "$redis_dir/redis.conf" <<REDIS
bind 127.0.0.1
port $redis_port
dir $redis_dir
requirepass $SPRING_DATA_REDIS_PASSWORD
daemonize no
logfile ""
REDIS
  )
  gateway_env+=(SCOPEGATE_RATE_LIMIT_BACKEND=redis SPRING_DATA_REDIS_URL="redis://127.0.0.1:$redis_port")
fi

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
admin_mail=(--scopegate.notifications.console-url="$scheme://localhost:$admin_port")
if [ -n "$mail_catcher" ]; then
  admin_mail+=(--spring.mail.host=127.0.0.1 --spring.mail.port="$mail_port")
  inbox="http://localhost:$mail_web_port/api/user/dev@demo.example/messages/"
  mail="mail inbox     http://localhost:$mail_web_port   (every notification email, within seconds; SMTP on
                 127.0.0.1:$mail_port; as JSON: $inbox)"
else
  mail="mail           through $SPRING_MAIL_HOST (SPRING_MAIL_* from the environment)"
fi

pids=()
redis_pid=
stop() {
  trap - INT TERM EXIT
  [ -z "$redis_pid" ] || pids+=("$redis_pid")
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
if [ -n "$redis" ]; then
  # Not among the processes whose end stops everything: the gateway serves on without Redis (try it:
  # stop Redis and the gateway falls back to its own limits), and Ctrl-C still stops it.
  redis-server "$redis_dir/redis.conf" >"$redis_dir/redis.log" 2>&1 &
  redis_pid=$!
fi
# Webhooks may go to a receiver on this machine, and the demo API is on it (production refuses
# loopback and private addresses for both). The management ports listen on loopback only: their
# metrics name every account and token.
env "${admin_env[@]}" java -jar "$admin_jar" --server.port="$admin_port" --management.server.port=$((admin_port + 1)) \
     --management.server.address=127.0.0.1 \
     --scopegate.webhooks.allow-private-addresses=true --scopegate.catalog.allow-private-upstreams=true \
     "${admin_mail[@]}" &
pids+=($!)
admin_pid=$!
echo "run.sh: waiting for the admin API (it creates and migrates the store)..."
await_ready "admin API" "http://127.0.0.1:$((admin_port + 1))/actuator/health/readiness" "$admin_pid"

admin="admin:$SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD"
admin_url="$scheme://127.0.0.1:$admin_port"
demo="$state/demo.env"
if [ ! -f "$demo" ]; then
  json='Content-Type: application/json'
  curl -fs "${cacert[@]}" -u "$admin" -X PUT "$admin_url/v1/apis/campaigns" -H "$json" \
    -d "{\"name\":\"Campaigns (demo)\",\"paths\":[\"/campaigns\",\"/campaigns/**\"],\"methods\":[\"GET\",\"POST\"],\"upstreamUrl\":\"http://127.0.0.1:$demo_port\",\"latestVersion\":1}" >/dev/null \
    || die "could not register the demo API"
  curl -fs "${cacert[@]}" -u "$admin" -X POST "$admin_url/v1/accounts" -H "$json" -d '{"sid":"DEMO","name":"Demo agency"}' >/dev/null \
    || curl -fs "${cacert[@]}" -u "$admin" "$admin_url/v1/accounts/DEMO" >/dev/null || die "could not create the demo account"
  token=$(curl -fs "${cacert[@]}" -u "$admin" -X POST "$admin_url/v1/accounts/DEMO/tokens" -H "$json" \
    -d '{"name":"Demo read-only integration","primaryContact":"dev@demo.example","scopes":[{"api":"campaigns","methods":["GET"]}]}') \
    || die "could not create the demo token"
  sid=$(printf '%s' "$token" | sed -n 's/.*"sid":"\([^"]*\)".*/\1/p')
  secret=$(printf '%s' "$token" | sed -n 's/.*"authToken":"\([^"]*\)".*/\1/p')
  (umask 077; printf 'DEMO_SID=%s\nDEMO_AUTH_TOKEN=%s\n' "$sid" "$secret" > "$demo")
fi
. "$demo"

if [ -n "$redis" ]; then
  for _ in $(seq 1 30); do
    REDISCLI_AUTH="$SPRING_DATA_REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null | grep -q PONG && break
    kill -0 "$redis_pid" 2>/dev/null || die "redis-server exited; see $redis_dir/redis.log"
    sleep 1
  done
fi
env "${gateway_env[@]}" java -jar "$gateway_jar" --server.port="$gateway_port" --management.server.port=$((gateway_port + 1)) \
     --management.server.address=127.0.0.1 \
     --scopegate.usage.flush-interval=2s "${gateway_store[@]}" &
pids+=($!)
gateway_pid=$!
await_ready "gateway" "http://127.0.0.1:$((gateway_port + 1))/actuator/health/readiness" "$gateway_pid"
# What the printed curl commands need to trust the local CA (--tls), and what --tls and --redis add.
curl_tls=""
tls_info=""
redis_info=""
if [ -n "$tls" ]; then
  curl_tls="--cacert $tls_dir/ca.pem "
  tls_info="
  tls            HTTPS only on both services' ports (HTTP/2, TLS 1.2+), certificates in $tls_dir:
                 ca.pem is the local CA to trust; a new server certificate
                 (deploy/local/tls-certificates.sh $tls_dir --renew) is picked up without a restart, about 10 s later.
                 A secret sent to a TLS port over plain http has crossed the network in clear: reset it.
                 The demo partner's client certificate (mutual TLS): partner-client.pem, partner-client-key.pem"
fi
try_mtls=""
if [ -n "$tls" ]; then
  token_url="https://localhost:$admin_port/v1/accounts/DEMO/tokens/$DEMO_SID"
  call="-u $DEMO_SID:$DEMO_AUTH_TOKEN https://localhost:$gateway_port/campaigns/1"
  try_mtls="  Mutual TLS (bind the demo token to the demo partner's client certificate; the gateway then
  refuses it with 403 without that certificate, and serves it with it; the last line unbinds it):
    curl ${curl_tls}-u $admin -X PATCH $token_url -H 'Content-Type: application/json' -d '{\"clientCertificateSubject\":\"CN=demo-partner,O=Scopegate Demo\"}'
    curl ${curl_tls}$call
    curl ${curl_tls}--cert $tls_dir/partner-client.pem --key $tls_dir/partner-client-key.pem $call
    curl ${curl_tls}-u $admin -X PATCH $token_url -H 'Content-Type: application/json' -d '{\"clientCertificateSubject\":null}'
"
fi
if [ -n "$redis" ]; then
  redis_info="
  rate limits    shared by every gateway through Redis on 127.0.0.1:$redis_port (data in $redis_dir;
                 password SPRING_DATA_REDIS_PASSWORD in $secrets)"
fi
try_mail=""
if [ -n "$mail_catcher" ]; then
  await_ready "mail catcher" "http://127.0.0.1:$mail_api_port/api/service/readiness" "$mail_pid"
  await_ready "mail inbox" "http://127.0.0.1:$mail_web_port/api/service/readiness" "$inbox_pid"
  tokens="$scheme://localhost:$admin_port/v1/accounts/DEMO/tokens/$DEMO_SID"
  try_mail="  A notification email (disable the demo token, see the email to dev@demo.example in the inbox
  above or as JSON, enable it again):
    curl ${curl_tls}-u $admin -X POST $tokens/disable
    curl $inbox
    curl ${curl_tls}-u $admin -X POST $tokens/enable
"
fi

cat <<INFO

  Scopegate is ready
  gateway        $scheme://localhost:$gateway_port    (management, this machine only: http://127.0.0.1:$((gateway_port + 1))/actuator/health)
  console        $scheme://localhost:$admin_port/console   (sign in as the operator below)
  admin API      $scheme://localhost:$admin_port/v1   (management, this machine only: http://127.0.0.1:$((admin_port + 1))/actuator/health)
  demo API       http://localhost:$demo_port       (WireMock; the gateway's upstream for /campaigns)
  store          $store
  $mail
  operator       admin / $SCOPEGATE_BOOTSTRAP_ADMIN_PASSWORD$tls_info$redis_info
  demo token     $DEMO_SID (account DEMO, may GET /campaigns)

  Allowed (200):
    curl ${curl_tls}-u $DEMO_SID:$DEMO_AUTH_TOKEN $scheme://localhost:$gateway_port/campaigns/1
  Refused (403, the token lacks campaigns:POST):
    curl ${curl_tls}-u $DEMO_SID:$DEMO_AUTH_TOKEN -X POST $scheme://localhost:$gateway_port/campaigns
  Its usage:
    curl ${curl_tls}-u $admin $scheme://localhost:$admin_port/v1/accounts/DEMO/tokens/$DEMO_SID/usage
$try_mail$try_mtls
  Ctrl-C stops everything; the next start reuses $state.
INFO
wait -n "${pids[@]}"
