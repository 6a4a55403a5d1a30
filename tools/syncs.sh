#!/usr/bin/env bash
# Counts disk syncs on the Raft leader of a running `Mesh.LoadTest cluster` load (mesh or etcd), over 5 s.
# Usage: tools/syncs.sh mesh|etcd   (needs strace; see docs/benchmarks.md section 4)
set -u
T=$1; if [ "$T" = mesh ]; then
  p=$(ps -eo args | grep '[m]esh agent' | grep -o '\-http-port [0-9]*' | awk '{print $2}' | head -1)
  lport=$(curl -s http://127.0.0.1:$p/v1/status/leader | tr -d '"'); lport=${lport#*:}
  pid=$(pgrep -f -- "-server-port $lport" | head -1)
  idx() { curl -s -D - -o /dev/null "http://127.0.0.1:$p/v1/catalog/services?stale" | grep -i x-consul-index | tr -dc 0-9; }
else
  for u in $(ps -eo args | grep '[e]tcd --name' | grep -o '\-\-listen-client-urls [^ ]*' | awk '{print $2}'); do
    set -- $(curl -s -XPOST $u/v3/maintenance/status -d '{}' | python3 -c 'import json,sys;d=json.load(sys.stdin);print(d["header"]["member_id"], d["leader"])')
    [ "$1" = "$2" ] && p=$u; done
  pid=$(pgrep -f -- "--listen-client-urls $p" | head -1)
  idx() { curl -s -XPOST $p/v3/maintenance/status -d '{}' | python3 -c 'import json,sys;print(json.load(sys.stdin)["header"]["revision"])'; }
fi
a=$(idx); timeout -s INT 5 strace -f -c -e trace=fsync,fdatasync,msync,pwrite64,write -p $pid; b=$(idx); echo "$((b-a)) writes"

