#!/usr/bin/env bash
# Allocated bytes and CPU time per write, per server and summed, on the mesh servers of a running
# `Mesh.LoadTest cluster` load (issue 18 item 3), over N seconds. Writes are the change of the leader's Raft index
# (X-Consul-Index of /v1/catalog/services) over the same window.
# Usage: DC=/path/to/dotnet-counters tools/write-cost.sh [seconds]   (dotnet tool install dotnet-counters)
set -u
S=${1:-5}; DC=${DC:-dotnet-counters}
pids=$(pgrep -f -- 'agent -server -bootstrap-expect')
p=$(ps -eo args | grep '[a]gent -server -bootstrap-expect' | grep -o '\-http-port [0-9]*' | awk '{print $2}' | head -1)
idx() { curl -s -D - -o /dev/null "http://127.0.0.1:$p/v1/catalog/services?stale" | grep -i x-consul-index | tr -dc 0-9; }
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
dir=$(mktemp -d)
for pid in $pids; do
  "$DC" collect -p "$pid" --counters System.Runtime --refresh-interval 1 --duration "00:00:00:$S" --format csv -o "$dir/$pid.csv" >/dev/null 2>&1 &
done
sleep 1
t0=$(date +%s.%N); a=$(idx); for pid in $pids; do cpu "$pid" > "$dir/$pid.cpu0"; done
wait
t1=$(date +%s.%N); b=$(idx); for pid in $pids; do cpu "$pid" > "$dir/$pid.cpu1"; done
python3 - "$dir" "$a" "$b" "$t0" "$t1" $pids <<'PY'
import csv, os, sys
d, a, b, t0, t1, pids = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), sys.argv[6:]
rate = (b - a) / (t1 - t0)
hz = os.sysconf('SC_CLK_TCK')
print(f"{b - a} writes in {t1 - t0:.1f} s = {rate:,.0f} writes/s")
tot_alloc = tot_cpu = 0.0
for pid in pids:
    rows = [r for r in csv.reader(open(f"{d}/{pid}.csv")) if len(r) >= 5 and 'total_allocated' in r[2]]
    times = sorted({r[0] for r in rows})
    # the counter is reported as a rate (bytes per refresh interval): sum the intervals, divide by their span
    alloc_rate = sum(float(r[4]) for r in rows) / max(len(times), 1)
    cpu = (int(open(f"{d}/{pid}.cpu1").read()) - int(open(f"{d}/{pid}.cpu0").read())) / hz
    cpu_rate = cpu / (t1 - t0)
    tot_alloc += alloc_rate; tot_cpu += cpu_rate
    print(f"pid {pid}: {alloc_rate / max(rate, 1) / 1024:8.1f} KiB allocated/write  {cpu_rate / max(rate, 1) * 1e6:8.0f} us CPU/write")
print(f"all servers: {tot_alloc / max(rate, 1) / 1024:8.1f} KiB allocated/write  {tot_cpu / max(rate, 1) * 1e6:8.0f} us CPU/write")
PY
