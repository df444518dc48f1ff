#!/usr/bin/env bash
# Issue 12's Node peer, measured against the worker: the Release worker (default configuration) and bench/node-peer/peer.js
# (onnxruntime-node + sharp + mqtt, with the Nagle fix) behind one mosquitto (set_tcp_nodelay true) on loopback, one at a
# time, each started fresh for each phase; `edge-inference bench` with 1, 2, 4, 8 closed-loop clients; the order of the two
# alternates from phase to phase and round to round. Prints loaded req/s and p50 per concurrency and the ratio worker/peer
# against the target (≥ 1.5× at every concurrency), beside the ceiling: bare decode + run in the same runs over the peer.
# Usage: bash bench/node-peer.sh [seconds-per-phase] [rounds] [concurrency ...]   (from the repository root, after
#        dotnet build GreengrassComponent.sln -c Release; installs the peer's npm packages into bench/node-peer/node_modules)
# The peer gets the worker's ONNX Runtime thread settings (intra-op threads = cores, no spinning); PEER_ALLOW_SPINNING=1
# gives it onnxruntime's default (spinning), PEER_CONCURRENCY=k its in-flight limit (default: cores).
set -euo pipefail
seconds=${1:-6}; rounds=${2:-2}; shift $(( $# < 2 ? $# : 2 ))
if [ $# -gt 0 ]; then concurrencies=("$@"); else concurrencies=(1 2 4 8); fi
root=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "node-peer.sh: $*" >&2; exit 1; }
for tool in dotnet node npm mosquitto mosquitto_sub python3; do command -v "$tool" > /dev/null || die "$tool not found on PATH"; done
rid=$(dotnet --info | awk '/RID:/ {print $2; exit}')
worker="$root/src/EdgeInference.Worker/bin/Release/net10.0/$rid/EdgeInference.Worker"
cli="$root/src/EdgeInference.Cli/bin/Release/net10.0/$rid/edge-inference.dll"
model="$root/src/EdgeInference.Worker/bin/Release/net10.0/$rid/models/resnet18-embedding"
peer="$root/bench/node-peer"
for f in "$worker" "$cli" "$model/model.onnx"; do [ -e "$f" ] || die "$f is missing: run 'dotnet build GreengrassComponent.sln -c Release' first"; done
if [ ! -d "$peer/node_modules/onnxruntime-node" ] || [ ! -d "$peer/node_modules/sharp" ] || [ ! -d "$peer/node_modules/mqtt" ]; then
  echo "installing the peer's npm packages into bench/node-peer/node_modules (CPU only: ONNXRUNTIME_NODE_INSTALL=skip)"
  (cd "$peer" && ONNXRUNTIME_NODE_INSTALL=skip timeout 600 npm ci --no-audit --no-fund --loglevel=error) || die "npm ci in bench/node-peer failed"
fi

work=$(mktemp -d)
broker=""; target=""; bench=""
stop_target() {
  [ -n "$target" ] || return 0
  kill -TERM "$target" 2> /dev/null || true
  for _ in $(seq 1 100); do kill -0 "$target" 2> /dev/null || break; sleep 0.1; done
  kill -KILL "$target" 2> /dev/null || true
  wait "$target" 2> /dev/null || true
  target=""
}
cleanup() { [ -n "$bench" ] && { kill "$bench" 2> /dev/null || true; wait "$bench" 2> /dev/null || true; }; stop_target; [ -n "$broker" ] && { kill "$broker" 2> /dev/null || true; wait "$broker" 2> /dev/null || true; }; rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n' "$port" > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
broker=$!
for _ in $(seq 1 50); do (exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null && break; sleep 0.1; done
(exec 3<> "/dev/tcp/127.0.0.1/$port") 2> /dev/null || die "mosquitto did not listen on 127.0.0.1:$port: $(tail -3 "$work/mosquitto.log")"

# Starts one target on a thing name of its own and waits (≤ 120 s) for its retained RUNNING status.
start_target() {
  local kind=$1 thing=$2 log="$work/$2.log"
  if [ "$kind" = ours ]; then
    "$worker" --Mqtt:Host=127.0.0.1 --Mqtt:Port="$port" --ThingName="$thing" > "$log" 2>&1 &
  else
    MQTT_URL="mqtt://127.0.0.1:$port" THING="$thing" MODEL_DIR="$model" \
      CONCURRENCY="${PEER_CONCURRENCY:-}" ORT_ALLOW_SPINNING="${PEER_ALLOW_SPINNING:-0}" node "$peer/peer.js" > "$log" 2>&1 &
  fi
  target=$!
  for _ in $(seq 1 120); do
    kill -0 "$target" 2> /dev/null || die "$kind ($thing) exited before RUNNING: $(tail -5 "$log")"
    # timeout: mosquitto_sub -W alone has been seen to hang for minutes.
    timeout 5 mosquitto_sub -V mqttv5 -h 127.0.0.1 -p "$port" -t "edge-inference/$thing/status" -C 1 -W 1 2> /dev/null | grep -q '"Status":"RUNNING"' && return 0
    sleep 0.2
  done
  die "$kind ($thing) did not report RUNNING within 120 s: $(tail -5 "$log")"
}

echo "peer: concurrency ${PEER_CONCURRENCY:-cores}, ORT allow_spinning ${PEER_ALLOW_SPINNING:-0}"
echo "cores $(nproc)  ${seconds}s per phase  rounds $rounds  concurrency ${concurrencies[*]}  broker 127.0.0.1:$port  load before: $(cut -d' ' -f1-3 /proc/loadavg)"
results="$work/results"
for round in $(seq 1 "$rounds"); do
  for i in "${!concurrencies[@]}"; do
    n=${concurrencies[$i]}
    if (( (round + i) % 2 )); then order=(ours node); else order=(node ours); fi
    for kind in "${order[@]}"; do
      thing="$kind-r$round-c$n"
      start_target "$kind" "$thing"
      # In the background and waited for, so a TERM to this script is handled at once (traps wait for foreground commands).
      timeout $(( seconds * 12 + 120 )) dotnet "$cli" bench --host 127.0.0.1 --port "$port" --thing-name "$thing" \
        --clients "$n" --seconds "$seconds" --rounds 1 --timeout 30 --json > "$work/$thing.json" 2> "$work/$thing.bench.err" &
      bench=$!
      wait "$bench" || die "bench against $kind ($thing) failed: $(tail -3 "$work/$thing.bench.err")"
      bench=""
      stop_target
      line=$(python3 -c 'import json,sys; r=json.load(sys.stdin)["EndToEndLoaded"]; print(r["Throughput"], r["P50Ms"], r["Errors"])' < "$work/$thing.json")
      # The same run's bare decode + run in the bench process, one at a time and at the worker's concurrency: what any
      # server could reach on these cores with no transport at all.
      raw=$(python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["RawDecodeAndRun"]["Throughput"], r.get("RawDecodeAndRunParallel", r["RawDecodeAndRun"])["Throughput"])' < "$work/$thing.json")
      load=$(cut -d' ' -f1 /proc/loadavg)
      echo "round $round  clients $n  $kind: req/s, p50 ms, errors: $line  (load $load)"
      echo "$n $kind $line $load $raw" >> "$results"
    done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$results" "${concurrencies[@]}" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
def of(n, kind, col): return [float(r[col]) for r in rows if r[0] == n and r[1] == kind]
mean = lambda v: sum(v) / len(v)
print("\n| clients | worker req/s | node req/s | worker/node | per round | worker p50 ms | node p50 ms | errors | bare decode+run req/s | bare / node |")
print("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|")
met, missed = [], []
for n in sys.argv[2:]:
    ours, node = of(n, "ours", 2), of(n, "node", 2)
    ratio = mean(ours) / mean(node)
    rounds = ", ".join("%.2f" % (o / p) for o, p in zip(ours, node))
    errors = int(sum(of(n, "ours", 4)) + sum(of(n, "node", 4)))
    # One request at a time has the sequential bare figure as its ceiling, more clients the parallel one.
    bare = mean(of(n, "ours", 6 if n == "1" else 7) + of(n, "node", 6 if n == "1" else 7))
    print("| %s | %.1f | %.1f | **%.2f** | %s | %.1f | %.1f | %d | %.1f | %.2f |" % (n, mean(ours), mean(node), ratio, rounds, mean(of(n, "ours", 3)), mean(of(n, "node", 3)), errors, bare, bare / mean(node)))
    (met if ratio >= 1.5 else missed).append("%s (%.2f×)" % (n, ratio))
print("\n'bare / node' is the most any server could reach over the peer on these cores, with a transport that costs nothing.")
print("target: worker ≥ 1.5× the Node peer (Nagle fix) at every concurrency: %s; met at %s; missed at %s"
      % ("MET" if not missed else "MISSED", ", ".join(met) or "none", ", ".join(missed) or "none"))
PY
