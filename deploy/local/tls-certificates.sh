#!/usr/bin/env bash
# Makes the certificates for running Scopegate over TLS without a public CA: a local certificate
# authority, a server certificate signed by it, and one client certificate for the mutual-TLS demo.
#
#   deploy/local/tls-certificates.sh <dir>            create what is missing, keep what is there
#   deploy/local/tls-certificates.sh <dir> --renew    also issue a new server certificate (and key):
#                                                     the services reload it without a restart
#
# In <dir> (mode 700; the keys mode 600):
#   ca.pem, ca-key.pem                     the local CA (clients trust ca.pem: curl --cacert ca.pem)
#   server.pem, server-key.pem             the server certificate followed by the CA (the chain), and
#                                          its key; valid for localhost, 127.0.0.1, ::1, admin.localhost
#                                          and the Compose and Kubernetes service names
#   partner-client.pem, partner-client-key.pem
#                                          a client certificate, subject CN=demo-partner,O=Scopegate Demo
#                                          (bind it to a token: "clientCertificateSubject")
# SCOPEGATE_TLS_EXTRA_NAMES (comma-separated DNS names or IP addresses) adds names to the server
# certificate, e.g. your machine's name; it takes effect when the server certificate is next issued.
#
# Keys are ECDSA P-256 in PKCS#8 PEM, which Spring Boot's PEM SSL bundles, nginx and curl all read.
# For local use and tests only: in production the certificates come from your CA or cert-manager.
set -euo pipefail

die() { echo "tls-certificates.sh: $*" >&2; exit 1; }
usage() { die "usage: $0 <dir> [--renew]"; }

[ $# -ge 1 ] && [ $# -le 2 ] || usage
dir="$1"
renew=
if [ $# -eq 2 ]; then
  [ "$2" = "--renew" ] || usage
  renew=yes
fi
command -v openssl >/dev/null \
  || die "OpenSSL is required (no 'openssl' on PATH): install it (Debian/Ubuntu: apt-get install openssl; macOS: brew install openssl)"

# Compose service names (deploy/compose) and the Kubernetes Services in namespace scopegate
# (deploy/k8s), so the same certificate serves a service's own TLS behind a proxy or an ingress.
server_names=(localhost admin.localhost gateway gateway-1 gateway-2 admin-api entry
              gateway.scopegate gateway.scopegate.svc gateway.scopegate.svc.cluster.local
              admin-api.scopegate admin-api.scopegate.svc admin-api.scopegate.svc.cluster.local)
server_addresses=(127.0.0.1 ::1)
if [ -n "${SCOPEGATE_TLS_EXTRA_NAMES:-}" ]; then
  IFS=',' read -r -a extra <<<"$SCOPEGATE_TLS_EXTRA_NAMES"
  for name in "${extra[@]}"; do
    name="${name// /}"
    [ -n "$name" ] || continue
    [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]] && server_addresses+=("$name") || server_names+=("$name")
  done
fi

mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"
umask 077
work="$(mktemp -d "./.tls-work.XXXXXX")"
trap 'rm -rf "$work"' EXIT

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
serial() { echo "0x$(openssl rand -hex 16)"; }

# Signs the request $1 with the CA under the extensions file $2 into $3, valid $4 days.
sign() {
  openssl x509 -req -in "$1" -CA ca.pem -CAkey ca-key.pem -set_serial "$(serial)" -days "$4" \
      -sha256 -extfile "$2" -out "$3" 2>/dev/null
}

# Moves the new key and certificate into place, the key first: a service that reloads on change
# waits for the files to settle before reading them, so it never pairs an old key with a new certificate
# for long, and neither file is ever seen half-written (a rename within one directory).
install_pair() { # new key, new certificate, key name, certificate name
  chmod 600 "$1"
  chmod 644 "$2"
  mv -f "$1" "$3"
  mv -f "$2" "$4"
}

issued_by_ca() { [ -f "$1" ] && [ -f "$2" ] && openssl verify -CAfile ca.pem "$1" >/dev/null 2>&1; }

made=()
new_ca=
if [ ! -f ca.pem ] || [ ! -f ca-key.pem ]; then
  new_key "$work/ca-key.pem"
  openssl req -x509 -new -key "$work/ca-key.pem" -sha256 -days 3650 -set_serial "$(serial)" \
      -subj "/O=Scopegate Demo/CN=Scopegate local CA" \
      -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -addext "subjectKeyIdentifier=hash" \
      -out "$work/ca.pem" 2>/dev/null || die "could not create the CA"
  install_pair "$work/ca-key.pem" "$work/ca.pem" ca-key.pem ca.pem
  new_ca=yes
  made+=("ca.pem (a new local CA: clients must trust this one now)")
fi

# The server certificate: new with a new CA, on --renew, or when it is missing or not the CA's.
if [ -n "$new_ca" ] || [ -n "$renew" ] || ! issued_by_ca server.pem server-key.pem; then
  alt=()
  for name in "${server_names[@]}"; do alt+=("DNS:$name"); done
  for address in "${server_addresses[@]}"; do alt+=("IP:$address"); done
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=serverAuth"
    echo "authorityKeyIdentifier=keyid"
    echo "subjectAltName=$(IFS=,; echo "${alt[*]}")"
  } > "$work/server.ext"
  new_key "$work/server-key.pem"
  openssl req -new -key "$work/server-key.pem" -subj "/O=Scopegate Demo/CN=localhost" -out "$work/server.csr" 2>/dev/null
  # 397 days: within what browsers accept for a server certificate.
  sign "$work/server.csr" "$work/server.ext" "$work/server-only.pem" 397 || die "could not sign the server certificate"
  cat "$work/server-only.pem" ca.pem > "$work/server.pem"
  install_pair "$work/server-key.pem" "$work/server.pem" server-key.pem server.pem
  made+=("server.pem (serial $(openssl x509 -in server.pem -noout -serial | cut -d= -f2))")
fi

if [ -n "$new_ca" ] || ! issued_by_ca partner-client.pem partner-client-key.pem; then
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=clientAuth"
    echo "authorityKeyIdentifier=keyid"
  } > "$work/client.ext"
  new_key "$work/partner-client-key.pem"
  # Written most general first, so Java reads its subject as CN=demo-partner,O=Scopegate Demo (RFC 2253).
  openssl req -new -key "$work/partner-client-key.pem" -subj "/O=Scopegate Demo/CN=demo-partner" \
      -out "$work/client.csr" 2>/dev/null
  sign "$work/client.csr" "$work/client.ext" "$work/partner-client.pem" 397 || die "could not sign the client certificate"
  install_pair "$work/partner-client-key.pem" "$work/partner-client.pem" partner-client-key.pem partner-client.pem
  made+=("partner-client.pem")
fi

if [ ${#made[@]} -eq 0 ]; then
  echo "tls-certificates.sh: $PWD already holds the CA, server and client certificates (kept; --renew issues a new server certificate)"
else
  for file in "${made[@]}"; do echo "tls-certificates.sh: made $PWD/$file"; done
fi
