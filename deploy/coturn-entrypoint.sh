#!/bin/sh
# Fills deploy/turnserver.conf with the values that come from the environment, then starts
# coturn with it. coturn cannot read environment variables itself; this is the one place where
# they are put into its configuration, for docker-compose.yml (the coturn service's entrypoint)
# and for the native stack test (test/stack/stack.ts) alike.
#
#   TURN_SECRET            required  shared secret of the TURN REST API (same value as the app's),
#                                    or TURN_SECRET_FILE: the file holding it (the setup step's)
#   TURN_REALM             required  realm announced to clients (compose: DIALTONE_HOST)
#   TURN_EXTERNAL_IP       optional  address clients reach coturn on, when it sits behind NAT or in
#                                    a Docker bridge network ("public" or "public/private")
#   TURN_ALLOWED_PEER_IPS  optional  comma list of addresses or "first-last" ranges the relay may
#                                    talk to although turnserver.conf denies them (LAN calls)
#   TURNSERVER_TEMPLATE    optional  the static configuration (default /etc/coturn/turnserver.conf)
#   TURNSERVER_CONFIG      optional  where the filled configuration is written (default
#                                    /tmp/turnserver.conf; readable by its owner only)
#   TURNSERVER_BIN         optional  the turnserver executable (default: turnserver on PATH)
# Any arguments are passed on to turnserver after "-c <config>" (command-line options add to or
# override the file).
set -eu

template=${TURNSERVER_TEMPLATE:-/etc/coturn/turnserver.conf}
config=${TURNSERVER_CONFIG:-/tmp/turnserver.conf}
turnserver=${TURNSERVER_BIN:-turnserver}

if [ -n "${TURN_SECRET_FILE:-}" ]; then
  if [ -n "${TURN_SECRET:-}" ]; then
    echo "coturn-entrypoint: set TURN_SECRET or TURN_SECRET_FILE, not both" >&2
    exit 64
  fi
  TURN_SECRET=$(cat "$TURN_SECRET_FILE")
fi
: "${TURN_SECRET:?TURN_SECRET must be set (the same secret the app signs TURN credentials with)}"
: "${TURN_REALM:?TURN_REALM must be set (compose uses DIALTONE_HOST)}"

newline='
'
for value in "$TURN_SECRET" "$TURN_REALM" "${TURN_EXTERNAL_IP:-}" "${TURN_ALLOWED_PEER_IPS:-}"; do
  case $value in
    *"$newline"* | *'#'*)
      echo "coturn-entrypoint: TURN_* values must not contain newlines or '#'" >&2
      exit 64
      ;;
  esac
done

umask 077
{
  cat "$template"
  echo
  echo '# ---- appended from the environment by coturn-entrypoint.sh ----'
  printf 'static-auth-secret=%s\n' "$TURN_SECRET"
  printf 'realm=%s\n' "$TURN_REALM"
  if [ -n "${TURN_EXTERNAL_IP:-}" ]; then
    printf 'external-ip=%s\n' "$TURN_EXTERNAL_IP"
  fi
  for peer in $(printf '%s' "${TURN_ALLOWED_PEER_IPS:-}" | tr ',' ' '); do
    printf 'allowed-peer-ip=%s\n' "$peer"
  done
} >"$config"

exec "$turnserver" -c "$config" "$@"
