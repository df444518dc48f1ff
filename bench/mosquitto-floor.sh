#!/usr/bin/env bash
# The floor of MQTT request/response through mosquitto on this machine, with no worker in it: bench/node-peer/echo-floor.js
# (mqtt.js) sends a payload of the bench image's size and an echo client answers, at QoS 1 and QoS 0. Compare with the
# worker's "MQTT 5 (through mosquitto)" overhead in `edge-inference bench --spawn-worker --transport all`.
# Usage: bash bench/mosquitto-floor.sh [bytes] [requests]   (installs the peer's npm packages like node-peer.sh)
set -euo pipefail
bytes=${1:-231009}; requests=${2:-400}
root=$(cd "$(dirname "$0")/.." && pwd)
peer="$root/bench/node-peer"
die() { echo "mosquitto-floor.sh: $*" >&2; exit 1; }
for tool in node npm mosquitto python3; do command -v "$tool" > /dev/null || die "$tool not found on PATH"; done
if [ ! -d "$peer/node_modules/mqtt" ]; then
  (cd "$peer" && ONNXRUNTIME_NODE_INSTALL=skip timeout 600 npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in bench/node-peer failed"
fi
work=$(mktemp -d); broker=""
cleanup() { [ -n "$broker" ] && { kill "$broker" 2> /dev/null || true; wait "$broker" 2> /dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n' "$port" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
broker=$!
for _ in $(seq 1 50); do (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break; sleep 0.1; done
echo "mosquitto 127.0.0.1:$port  load $(cut -d' ' -f1-3 /proc/loadavg)"
for qos in 1 0; do node "$peer/echo-floor.js" "mqtt://127.0.0.1:$port" "$qos" "$bytes" "$requests"; done
