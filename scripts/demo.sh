#!/usr/bin/env bash
# `make demo`: install what is missing, start the emulator with its local SIP edge, log in to a
# local file backend, `pulumi up` the root project, print the stack outputs (the password stays
# [secret]), prove the new credential authenticates at the edge, then stop what it started.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

pulumi_bin="$(bash scripts/bootstrap.sh | tail -n 1)"
export PATH="$pulumi_bin:$here/.venv/bin:$PATH"

state="${DEMO_STATE_DIR:-$here/.state/demo}"
mkdir -p "$state/backend" "$state/pulumi-home"
api_port="${DEMO_API_PORT:-8765}"
sip_tcp_port="${DEMO_SIP_TCP_PORT:-5070}"
sip_tls_port="${DEMO_SIP_TLS_PORT:-5071}"

pulumi-exotel emulator --host 127.0.0.1 --port "$api_port" --db "$state/emulator.sqlite" \
  --sip-edge --sip-dir "$state/edge" --sip-tcp-port "$sip_tcp_port" --sip-tls-port "$sip_tls_port" \
  >"$state/emulator.log" 2>&1 &
emulator_pid=$!
cleanup() { kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  grep -q "listening on" "$state/emulator.log" 2>/dev/null && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$state/emulator.log"; exit 1; }
  sleep 0.1
done
grep -q "listening on" "$state/emulator.log" || { echo "emulator did not start"; cat "$state/emulator.log"; exit 1; }
echo "== emulator: $(grep 'listening on' "$state/emulator.log")"

export PULUMI_HOME="$state/pulumi-home"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-local-demo-passphrase}"
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
EXOTEL_SIP_PASSWORD="$(pulumi stack output sip_password --show-secrets)" \
  pulumi-exotel verify --edge "$(pulumi stack output edge_tls)" --transport tls \
    --realm "$(pulumi stack output sip_realm)" --user "$(pulumi stack output sip_username)" \
    --ca-file "$state/edge/tls/ca.pem"
