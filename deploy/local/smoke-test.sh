#!/usr/bin/env bash
# CI's check of the first-run experience: runs deploy/local/run.sh from scratch (fresh state dir,
# ports of its own), runs the curl commands it prints and expects the statuses it promises, checks
# that disabling the demo token mails its contact (in the mail catcher's inbox it prints), then stops
# it and checks that nothing is left listening.
# Then `run.sh --tls --redis` on the same state (a restart: no build, the store and the demo token
# kept, so it costs the two services' start and one certificate reload; --redis installs redis-server
# when missing): the printed call through HTTPS with --cacert answers 200, a plain-http call to the TLS
# port gets no HTTP answer, the mutual-TLS commands it prints behave as printed, a server certificate
# renewed with tls-certificates.sh --renew is the one the next handshake presents without a restart,
# and its Redis stops with the rest.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
export SCOPEGATE_STATE_DIR="$work/state" SCOPEGATE_ADMIN_PORT=18090 SCOPEGATE_GATEWAY_PORT=18080 \
       SCOPEGATE_STORE_PORT=15432 SCOPEGATE_DEMO_PORT=19000 SCOPEGATE_MAIL_PORT=11025 SCOPEGATE_MAIL_WEB_PORT=18025 \
       SCOPEGATE_REDIS_PORT=16379
unset SPRING_MAIL_HOST
log="$work/run.log"

fail() { echo "smoke-test: FAILED: $*" >&2; tail -n 60 "$log" >&2 || true; exit 1; }
# A failed check must not leave run.sh's services, store and Redis running (the next run would find
# its ports taken): whatever run.sh is still up when this script exits is stopped the way a user would.
run_pid=""
stop_run() {
  if [ -n "$run_pid" ] && kill -0 "$run_pid" 2>/dev/null; then
    kill -TERM "$run_pid" 2>/dev/null || true
    wait "$run_pid" 2>/dev/null || true
  fi
}
trap stop_run EXIT

"$root/deploy/local/run.sh" >"$log" 2>&1 &
run_pid=$!
for _ in $(seq 1 300); do
  grep -q "Scopegate is ready" "$log" && break
  kill -0 "$run_pid" 2>/dev/null || fail "run.sh exited before it was ready"
  sleep 1
done
grep -q "Scopegate is ready" "$log" || fail "run.sh was not ready after 5 minutes"

allowed=$(grep -A1 "Allowed (200)" "$log" | tail -n 1 | sed 's/^ *//')
refused=$(grep -A1 "Refused (403" "$log" | tail -n 1 | sed 's/^ *//')
[ -n "$allowed" ] && [ -n "$refused" ] || fail "run.sh did not print the curl commands"
status_of() { eval "$1 -s -o /dev/null -w '%{http_code}'"; }
[ "$(status_of "$allowed")" = 200 ] || fail "'$allowed' did not answer 200"
[ "$(status_of "$refused")" = 403 ] || fail "'$refused' did not answer 403"

disable=$(grep -A2 "A notification email" "$log" | tail -n 1 | sed 's/^ *//')
inbox=$(grep -A3 "A notification email" "$log" | tail -n 1 | sed 's/^ *//')
enable=$(grep -A4 "A notification email" "$log" | tail -n 1 | sed 's/^ *//')
page=$(sed -n 's/^ *mail inbox *\(http[^ ]*\).*/\1/p' "$log" | head -n 1)
[ -n "$page" ] && curl -fs "$page" | grep -q "Local mail inbox" || fail "the mail inbox page ($page) did not answer"
[ -n "$disable" ] && [ -n "$inbox" ] && [ -n "$enable" ] || fail "run.sh did not print how to see a notification email"
[ "$(status_of "$disable")" = 200 ] || fail "'$disable' did not answer 200"
mailed=""
for _ in $(seq 1 20); do
  mailed=$(eval "$inbox -s" | grep -o '"subject":"[^"]*was disabled[^"]*"' | head -n 1 | sed 's/^"subject"://' || true)
  [ -n "$mailed" ] && break
  sleep 1
done
[ -n "$mailed" ] || fail "no email about the disabled token in '$inbox' after 20 s"
[ "$(status_of "$enable")" = 200 ] || fail "'$enable' did not answer 200"

stop_and_check() {
  kill -TERM "$run_pid"
  wait "$run_pid" || true
  run_pid=""
  for port in 18090 18091 18080 18081 19000 15432 11025 18025 18026 16379; do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && fail "port $port still open after stopping"
  done
  grep -q "run.sh: stopped" "$log" || fail "run.sh did not report a clean stop"
}
stop_and_check

# --tls with --redis (the two options together), on the same state directory.
log="$work/run-tls.log"
"$root/deploy/local/run.sh" --tls --redis >"$log" 2>&1 &
run_pid=$!
for _ in $(seq 1 180); do
  grep -q "Scopegate is ready" "$log" && break
  kill -0 "$run_pid" 2>/dev/null || fail "run.sh --tls exited before it was ready"
  sleep 1
done
grep -q "Scopegate is ready" "$log" || fail "run.sh --tls was not ready after 3 minutes"
allowed=$(grep -A1 "Allowed (200)" "$log" | tail -n 1 | sed 's/^ *//')
refused=$(grep -A1 "Refused (403" "$log" | tail -n 1 | sed 's/^ *//')
case "$allowed" in
  *"--cacert "*"https://localhost:18080/"*) ;;
  *) fail "run.sh --tls printed '$allowed', not an https call with --cacert" ;;
esac
[ "$(status_of "$allowed")" = 200 ] || fail "'$allowed' did not answer 200"
[ "$(status_of "$refused")" = 403 ] || fail "'$refused' did not answer 403"
grep -q "rate limits    shared by every gateway through Redis on 127.0.0.1:16379" "$log" \
  || fail "run.sh --redis did not say where its Redis is"
# And the gateway really counts on it (it signs in with run.sh's password): not degraded to its share.
# The scrape is read whole before grep: with pipefail, grep -q leaving early would fail curl (SIGPIPE).
degraded() { curl -s http://127.0.0.1:18081/actuator/prometheus | awk '/^scopegate_rate_limit_backend_degraded /{print $2}'; }
for _ in $(seq 1 20); do
  [ "$(degraded)" = "0.0" ] && break
  sleep 1
done
[ "$(degraded)" = "0.0" ] \
  || fail "the gateway of run.sh --redis is not counting on its Redis (scopegate_rate_limit_backend_degraded is '$(degraded)')"
# The same credentials in clear to the TLS port: the handshake is missing, so no HTTP answer at all.
clear=$(printf '%s' "$allowed" | sed -e 's/--cacert [^ ]* //' -e 's#https://#http://#')
clear_status=$(status_of "$clear" || true)
[ "$clear_status" = 000 ] || fail "'$clear' answered $clear_status over plain http"

# The mutual-TLS try-it, as printed: once the token is bound to the demo partner's certificate (every
# gateway applies a change within a second), a call without it is refused and one with it served.
bind=$(grep -A2 "Mutual TLS (" "$log" | tail -n 1 | sed 's/^ *//')
without=$(grep -A3 "Mutual TLS (" "$log" | tail -n 1 | sed 's/^ *//')
with=$(grep -A4 "Mutual TLS (" "$log" | tail -n 1 | sed 's/^ *//')
unbind=$(grep -A5 "Mutual TLS (" "$log" | tail -n 1 | sed 's/^ *//')
case "$with" in *"--cert "*"--key "*) ;; *) fail "run.sh --tls did not print a call with the client certificate" ;; esac
[ "$(status_of "$bind")" = 200 ] || fail "'$bind' did not answer 200"
for _ in $(seq 1 10); do
  [ "$(status_of "$without")" = 403 ] && break
  sleep 1
done
[ "$(status_of "$without")" = 403 ] || fail "'$without' was not refused once the token was bound to a certificate"
[ "$(status_of "$with")" = 200 ] || fail "'$with' did not answer 200"
[ "$(status_of "$unbind")" = 200 ] || fail "'$unbind' did not answer 200"

# Reload without restart: a renewed server certificate is the one the next handshake presents.
tls_dir="$SCOPEGATE_STATE_DIR/tls"
presented() {
  openssl s_client -connect 127.0.0.1:18080 -servername localhost -CAfile "$tls_dir/ca.pem" </dev/null 2>/dev/null \
    | openssl x509 -noout -serial 2>/dev/null || true
}
before=$(presented)
[ "$before" = "$(openssl x509 -in "$tls_dir/server.pem" -noout -serial)" ] || fail "the gateway does not present $tls_dir/server.pem"
"$root/deploy/local/tls-certificates.sh" "$tls_dir" --renew >/dev/null
renewed=$(openssl x509 -in "$tls_dir/server.pem" -noout -serial)
for _ in $(seq 1 60); do
  [ "$(presented)" = "$renewed" ] && break
  sleep 1
done
[ "$(presented)" = "$renewed" ] || fail "the gateway still presents $before 60 s after the certificate was renewed"
[ "$(status_of "$allowed")" = 200 ] || fail "'$allowed' did not answer 200 with the renewed certificate"
stop_and_check

rm -rf "$work"
echo "smoke-test: run.sh started, the printed curl commands behaved as printed (the email $mailed arrived), and it stopped cleanly;" \
     "run.sh --tls --redis served them over HTTPS only, its mutual-TLS commands too, picked up a renewed certificate without a restart and stopped its Redis"
