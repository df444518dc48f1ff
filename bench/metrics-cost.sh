#!/usr/bin/env bash
# What publishing metrics costs: the spawned worker's loaded throughput with Metrics:IntervalSeconds=1 (ten times the
# product default's rate, so an upper bound) against metrics off, alternated round by round (the order flips every round)
# so drift of the machine hits both alike. Target: < 1 % of throughput.
# Usage: bash bench/metrics-cost.sh [clients] [seconds-per-phase] [rounds]     (run from the repository root after a Release build)
set -euo pipefail
clients=${1:-4}; seconds=${2:-6}; rounds=${3:-6}
root=$(cd "$(dirname "$0")/.." && pwd)
rid=$(dotnet --info | awk '/RID:/ {print $2; exit}')
cli="$root/src/EdgeInference.Cli/bin/Release/net10.0/$rid/edge-inference.dll"
[ -f "$cli" ] || { echo "Build first: dotnet build GreengrassComponent.sln -c Release" >&2; exit 2; }
echo "clients $clients  ${seconds}s per phase  rounds $rounds  load before: $(cat /proc/loadavg)"
on=(); off=()
for round in $(seq 1 "$rounds"); do
  order="1 0"; [ $((round % 2)) -eq 0 ] && order="0 1"
  for interval in $order; do
    out=$(timeout $((seconds * 12 + 120)) dotnet "$cli" bench --spawn-worker --clients "$clients" --seconds "$seconds" --rounds 1 \
      --worker-arg=--Metrics:IntervalSeconds=$interval --json 2>/dev/null)
    tput=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["EndToEndLoaded"]["Throughput"])' <<< "$out")
    echo "round $round  Metrics:IntervalSeconds=$interval  loaded $tput req/s"
    if [ "$interval" = 1 ]; then on+=("$tput"); else off+=("$tput"); fi
  done
done
python3 - "${on[*]}" "${off[*]}" <<'PY'
import sys, statistics
on = [float(x) for x in sys.argv[1].split()]; off = [float(x) for x in sys.argv[2].split()]
pairs = [a / b for a, b in zip(on, off)]
print("metrics every 1 s: mean %.2f req/s   off: mean %.2f req/s" % (statistics.mean(on), statistics.mean(off)))
print("per-round ratio on/off: %s   median %.3f   cost %.1f %%   target < 1 %%" % (
    ", ".join("%.3f" % p for p in pairs), statistics.median(pairs), (1 - statistics.median(pairs)) * 100))
PY

# The same cost measured without the noise of a loaded machine: the idle worker's CPU time over 20 s (utime + stime from
# /proc/<pid>/stat), publishing every second against not publishing. Per-request recording is on either way.
worker="$root/src/EdgeInference.Worker/bin/Release/net10.0/$rid/EdgeInference.Worker"
idle_cpu() { # $1 = Metrics:IntervalSeconds; prints CPU milliseconds over 20 s once RUNNING
  local port log pid
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  log=$(mktemp)
  "$worker" --Mqtt:Port="$port" --Metrics:IntervalSeconds="$1" > "$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do grep -q "Serving requests on" "$log" && break; sleep 0.1; done
  sleep 2
  local before after
  before=$(awk '{print $14 + $15}' "/proc/$pid/stat"); sleep 20; after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  kill "$pid"; wait "$pid" 2>/dev/null || true; rm -f "$log"
  echo $(( (after - before) * 1000 / $(getconf CLK_TCK) ))
}
with=$(idle_cpu 1); without=$(idle_cpu 0)
python3 - "$with" "$without" <<'PY'
import sys
on, off = int(sys.argv[1]), int(sys.argv[2])
print("idle worker, 20 s: %d ms CPU publishing every second, %d ms not publishing: %.2f ms of CPU per publish" % (on, off, (on - off) / 20))
PY
echo "load after: $(cat /proc/loadavg)"
