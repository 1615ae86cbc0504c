#!/usr/bin/env bash
# `make demo`: install what the demo needs (the package with its runtime dependencies in
# .venv-demo, Kamailio, a Pulumi CLI), start the emulator with its local SIP edge, log in to a
# local file backend, `pulumi up` the root project, print the stack outputs (the password stays
# [secret]), prove the new credential authenticates at the edge, stop what it started, and print
# how to go on from here.
#
# Ports (127.0.0.1): DEMO_API_PORT (emulator API, default 8765), DEMO_SIP_TCP_PORT (local edge,
# SIP over TCP, default 5070), DEMO_SIP_TLS_PORT (SIP over TLS, default 5071).
# State: DEMO_STATE_DIR (default .state/demo): emulator database, Pulumi backend and PULUMI_HOME.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

# The demo's own environment: runtime dependencies and the edge's, no test tools (.venv is the
# developers' environment, with every extra; `make bootstrap` / `make test` make it).
venv=.venv-demo
stamp="$venv/.installed"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "demo: installing pulumi-exotel and its runtime dependencies into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip >&2
  "$venv/bin/python" -m pip install -q -e '.[edge]' >&2
  touch "$stamp"
fi
bash scripts/install-sip-edge.sh >&2
pulumi_bin="$(bash scripts/setup-pulumi.sh | tail -n 1)"
export PATH="$pulumi_bin:$here/$venv/bin:$PATH"

state="${DEMO_STATE_DIR:-$here/.state/demo}"
mkdir -p "$state/backend" "$state/pulumi-home"
state="$(cd "$state" && pwd)"
api_port="${DEMO_API_PORT:-8765}"
sip_tcp_port="${DEMO_SIP_TCP_PORT:-5070}"
sip_tls_port="${DEMO_SIP_TLS_PORT:-5071}"
passphrase="${PULUMI_CONFIG_PASSPHRASE:-local-demo-passphrase}"

pulumi-exotel emulator --host 127.0.0.1 --port "$api_port" --db "$state/emulator.sqlite" \
  --sip-edge --sip-dir "$state/edge" --sip-tcp-port "$sip_tcp_port" --sip-tls-port "$sip_tls_port" \
  >"$state/emulator.log" 2>&1 &
emulator_pid=$!
cleanup() { kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; }
trap cleanup EXIT

# The emulator refuses a taken port with one line naming its flag: name our variable too.
startup_failed() {
  local line
  line="$(grep -m1 '^Error: ' "$state/emulator.log" || tail -n 1 "$state/emulator.log")"
  case "$line" in
    *--sip-tcp-port*) hint="set DEMO_SIP_TCP_PORT to a free port" ;;
    *--sip-tls-port*) hint="set DEMO_SIP_TLS_PORT to a free port" ;;
    *--port*) hint="set DEMO_API_PORT to a free port" ;;
    *) hint="the emulator's log: $state/emulator.log" ;;
  esac
  echo "make demo: the emulator did not start: ${line#Error: } ($hint)" >&2
  exit 1
}
for _ in $(seq 1 300); do
  grep -q "listening on" "$state/emulator.log" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || startup_failed
  sleep 0.1
done
grep -q "listening on" "$state/emulator.log" || startup_failed
echo "== emulator: $(grep 'listening on' "$state/emulator.log")"

export PULUMI_HOME="$state/pulumi-home"
export PULUMI_CONFIG_PASSPHRASE="$passphrase"
export PULUMI_SKIP_UPDATE_CHECK=1 PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=1
pulumi login "file://$state/backend" >/dev/null
pulumi stack select --create demo --non-interactive >/dev/null

# The emulator's documented default account and the local edge (see README, "The emulator").
pulumi config set exotel:baseUrl "http://127.0.0.1:$api_port"
pulumi config set exotel:accountSid demo1
pulumi config set exotel:apiKey demo_api_key
pulumi config set --secret exotel:apiToken demo_api_token
pulumi config set exotel:edgeHost 127.0.0.1
pulumi config set exotel:edgeTcpPort "$sip_tcp_port"
pulumi config set exotel:edgeTlsPort "$sip_tls_port"
pulumi config set exotel:edgeCaFile "$state/edge/tls/ca.pem"

echo "== pulumi up"
pulumi up --yes --non-interactive
echo "== pulumi stack output"
pulumi stack output

echo "== verify the demo credential at the local SIP edge (TLS)"
verified=0
EXOTEL_SIP_PASSWORD="$(pulumi stack output sip_password --show-secrets)" \
  pulumi-exotel verify --edge "$(pulumi stack output edge_tls)" --transport tls \
    --realm "$(pulumi stack output sip_realm)" --user "$(pulumi stack output sip_username)" \
    --ca-file "$state/edge/tls/ca.pem" || verified=$?

cat <<NEXT

== next steps
The demo stack lives on; the emulator stopped with this script (its state is kept).
Reach it again:
  export PATH="$pulumi_bin:$here/$venv/bin:\$PATH"
  export PULUMI_HOME="$state/pulumi-home" PULUMI_CONFIG_PASSPHRASE='$passphrase'
  pulumi-exotel emulator --port $api_port --db "$state/emulator.sqlite" &   # the API again
  cd "$here" && pulumi stack output --stack demo     # backend: file://$state/backend
Reset it: stop the emulator, then rm -rf "$state" (emulator database, backend, PULUMI_HOME).
Your own infra repo: README.md, "Use it in your own infra repo" (install, login, config, up).
Real Exotel: README.md, "Use real Exotel". Ports: DEMO_API_PORT, DEMO_SIP_TCP_PORT, DEMO_SIP_TLS_PORT.
NEXT
exit "$verified"
