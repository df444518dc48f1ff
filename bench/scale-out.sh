#!/usr/bin/env bash
# Scale-out through MQTT 5 shared subscriptions: 1, 2 and 4 workers behind one mosquitto, each pinned to its share of
# the cores with taskset, measured side by side (rounds alternate the worker counts) with `edge-inference bench`.
# Usage: bash bench/scale-out.sh [clients] [seconds-per-phase] [rounds]     (run from the repository root after a Release build)
set -euo pipefail
clients=${1:-8}; seconds=${2:-4}; rounds=${3:-2}
root=$(cd "$(dirname "$0")/.." && pwd)
rid=$(dotnet --info | awk '/RID:/ {print $2; exit}')
worker="$root/src/EdgeInference.Worker/bin/Release/net10.0/$rid/EdgeInference.Worker"
cli="$root/src/EdgeInference.Cli/bin/Release/net10.0/$rid/edge-inference.dll"
cores=$(nproc)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n' "$port" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
broker=$!
pids=()
stop_workers() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done; pids=(); }
trap 'stop_workers; kill $broker 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 0.5
echo "cores $cores  clients $clients  ${seconds}s per phase  rounds $rounds  load before: $(cat /proc/loadavg)"
declare -A sum
for round in $(seq 1 "$rounds"); do
  for n in 1 2 4; do
    stop_workers
    for i in $(seq 0 $((n - 1))); do
      # Worker i gets core (i mod cores); one worker alone gets every core.
      if [ "$n" -eq 1 ]; then cpus="0-$((cores - 1))"; threads=0; else cpus=$((i % cores)); threads=1; fi
      taskset -c "$cpus" "$worker" --Mqtt:Host=127.0.0.1 --Mqtt:Port="$port" --Mqtt:SharedGroup=bench --Mqtt:ClientId="w$n-$i" \
        --Mqtt:SessionExpirySeconds=0 --Model:IntraOpThreads=$threads --Metrics:IntervalSeconds=0 --ThingName=scale > "$work/w$n-$i.log" 2>&1 &
      pids+=($!)
    done
    # Every worker says RUNNING in its log before the phase starts.
    for i in $(seq 0 $((n - 1))); do
      for _ in $(seq 1 600); do grep -q "Serving requests on" "$work/w$n-$i.log" 2>/dev/null && break; sleep 0.1; done
    done
    sleep 1
    out=$(dotnet "$cli" bench --port "$port" --thing-name scale --clients "$clients" --seconds "$seconds" --rounds 1 --json)
    tput=$(python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["EndToEndLoaded"]["Throughput"], r["EndToEndLoaded"]["P50Ms"], r["EndToEndLoaded"]["Errors"], r["RawSessionRun"]["Throughput"])' <<< "$out")
    echo "round $round  workers $n  loaded img/s, p50 ms, errors, raw run img/s: $tput"
    sum[$n]="${sum[$n]:-} $(cut -d' ' -f1 <<< "$tput")"
  done
done
stop_workers
for n in 1 2 4; do
  python3 - "$n" ${sum[$n]} <<'PY'
import sys
v = [float(x) for x in sys.argv[2:]]
print("workers %s: mean %.1f img/s over %d rounds (%s)" % (sys.argv[1], sum(v) / len(v), len(v), ", ".join("%.1f" % x for x in v)))
PY
done
echo "load after: $(cat /proc/loadavg)"
