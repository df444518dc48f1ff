#!/usr/bin/env bash
# Scale-out across machines, simulated on one box: each "machine" is a network namespace (its own network stack, reaching
# the broker over a veth link, as a device on the plant network does) and a CPU cgroup (one core of its own, capped at
# QUOTA % of it, so the load generator and mosquitto keep the rest). Workers share one request stream through an MQTT 5
# shared subscription; one machine and two machines are measured alternately with `edge-inference bench`.
# Needs root (ip netns, veth, cgroup v1 cpu controller) and mosquitto; run from the repository root after a Release build.
# Usage: bash bench/two-machines.sh [clients] [seconds-per-phase] [rounds] [quota-percent]
set -euo pipefail
clients=${1:-8}; seconds=${2:-6}; rounds=${3:-3}; quota=${4:-75}
root=$(cd "$(dirname "$0")/.." && pwd)
rid=$(dotnet --info | awk '/RID:/ {print $2; exit}')
worker="$root/src/EdgeInference.Worker/bin/Release/net10.0/$rid/EdgeInference.Worker"
cli="$root/src/EdgeInference.Cli/bin/Release/net10.0/$rid/edge-inference.dll"
cgroups=/sys/fs/cgroup/cpu
[ "$(id -u)" -eq 0 ] || { echo "two-machines.sh needs root (network namespaces and CPU cgroups)." >&2; exit 2; }
[ -w "$cgroups" ] || { echo "No writable cgroup v1 cpu controller at $cgroups." >&2; exit 2; }
[ "$(nproc)" -ge 2 ] || { echo "Two simulated machines need two cores." >&2; exit 2; }
[ -x "$worker" ] && [ -f "$cli" ] || { echo "Build first: dotnet build GreengrassComponent.sln -c Release" >&2; exit 2; }

work=$(mktemp -d)
tag="ei$$"
pids=()
stop_workers() { for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done; pids=(); }
cleanup() {
  stop_workers
  [ -n "${broker:-}" ] && kill "$broker" 2>/dev/null || true
  for k in 1 2; do
    ip netns del "$tag-m$k" 2>/dev/null || true
    ip link del "$tag-h$k" 2>/dev/null || true
    rmdir "$cgroups/$tag-m$k" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Two machines: namespace + veth link 10.231.k.2 (machine) <-> 10.231.k.1 (the broker's side) + a one-core CPU cgroup.
for k in 1 2; do
  ip netns add "$tag-m$k"
  ip link add "$tag-h$k" type veth peer name "$tag-g$k"
  ip link set "$tag-g$k" netns "$tag-m$k"
  ip addr add "10.231.$k.1/24" dev "$tag-h$k"
  ip link set "$tag-h$k" up
  ip netns exec "$tag-m$k" ip addr add "10.231.$k.2/24" dev "$tag-g$k"
  ip netns exec "$tag-m$k" ip link set "$tag-g$k" up
  ip netns exec "$tag-m$k" ip link set lo up
  mkdir "$cgroups/$tag-m$k"
  cat "$cgroups/cpu.cfs_period_us" > "$cgroups/$tag-m$k/cpu.cfs_period_us"
  echo $(( $(cat "$cgroups/cpu.cfs_period_us") * quota / 100 )) > "$cgroups/$tag-m$k/cpu.cfs_quota_us"
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
{
  printf 'per_listener_settings false\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n'
  for address in 127.0.0.1 10.231.1.1 10.231.2.1; do printf 'listener %s %s\n' "$port" "$address"; done
} > "$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
broker=$!
sleep 0.5
kill -0 "$broker" 2>/dev/null || { cat "$work/mosquitto.log" >&2; exit 1; }

start_machine() { # $1 = machine number: the worker runs in its namespace, on core k-1, inside its cgroup
  local k=$1 log="$work/m$1-$2.log"
  ip netns exec "$tag-m$k" taskset -c $((k - 1)) "$worker" --Mqtt:Host="10.231.$k.1" --Mqtt:Port="$port" \
    --Mqtt:SharedGroup=bench --Mqtt:ClientId="machine-$k" --Mqtt:SessionExpirySeconds=0 --Metrics:IntervalSeconds=0 \
    --ThingName=scale > "$log" 2>&1 &
  local pid=$!
  echo "$pid" > "$cgroups/$tag-m$k/cgroup.procs"
  pids+=("$pid")
  for _ in $(seq 1 600); do grep -q "Serving requests on" "$log" 2>/dev/null && return 0; kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  echo "machine $k's worker did not start:" >&2; tail -20 "$log" >&2; return 1
}

echo "machines: 1 core each at ${quota} % (cgroup cpu quota), own network namespace over veth; clients $clients; ${seconds}s per phase; rounds $rounds"
echo "load before: $(cat /proc/loadavg)"
declare -A sum
for round in $(seq 1 "$rounds"); do
  order="1 2"; [ $((round % 2)) -eq 0 ] && order="2 1"
  for n in $order; do
    stop_workers
    for k in $(seq 1 "$n"); do start_machine "$k" "$round"; done
    sleep 1
    out=$(dotnet "$cli" bench --port "$port" --thing-name scale --clients "$clients" --seconds "$seconds" --rounds 1 --json 2>"$work/bench.err")
    figures=$(python3 -c 'import json,sys; r=json.load(sys.stdin)["EndToEndLoaded"]; print(r["Throughput"], r["P50Ms"], r["Errors"])' <<< "$out")
    echo "round $round  machines $n  loaded req/s, p50 ms, errors: $figures"
    sum[$n]="${sum[$n]:-} $(cut -d' ' -f1 <<< "$figures")"
  done
done
stop_workers
python3 - ${sum[1]} -- ${sum[2]} <<'PY'
import sys
args = sys.argv[1:]; cut = args.index("--")
one = [float(x) for x in args[:cut]]; two = [float(x) for x in args[cut + 1:]]
m1, m2 = sum(one) / len(one), sum(two) / len(two)
print("one machine : mean %.1f req/s (%s)" % (m1, ", ".join("%.1f" % x for x in one)))
print("two machines: mean %.1f req/s (%s)" % (m2, ", ".join("%.1f" % x for x in two)))
print("two machines / one = %.2f   target >= 1.8   %s" % (m2 / m1, "met" if m2 / m1 >= 1.8 else "MISSED"))
PY
echo "load after: $(cat /proc/loadavg)"
