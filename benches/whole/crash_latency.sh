#!/usr/bin/env bash
# crash_latency.sh [PODS] [ROUNDS]: how long after a pod starts crash-looping the running program
# shows it. Serves a frozen synthetic cluster of PODS pods (default 50000) with `kmedic
# serve-demo`, runs the release `kmedic -A` (everything on) in a 200x50 tmux pane against it,
# waits for the full Pods table, then ROUNDS times (default 10): picks a healthy pod, patches its
# status the way the kubelet reports a crash loop (waiting CrashLoopBackOff, lastState terminated
# exit 1, restarts +3) with kubectl, and times from the patch's return until the header badge's
# error count goes up (the pane polled every 20 ms). Prints each latency, the median and the max.
# Run from the project root after `cargo build --release`. Needs kubectl, python3, tmux, bc.
set -u
pods=${1:-50000}; rounds=${2:-10}
S=crash$$
. "$(dirname "$0")/synthetic_ui.sh"
# The header badge ("▲ 1 critical, 96 errors (press t)"): its error count.
badge() { tmux capture-pane -t $S -p | head -2 | grep -o '[0-9][0-9]* errors\?' | grep -o '^[0-9]*' | head -1; }
# Let the first analysis settle: the badge must stay the same for 5 s.
last=""; for _ in $(seq 1 60); do b=$(badge); [ -n "$b" ] && [ "$b" = "$last" ] && break; last=$b; sleep 5; done
patcher=$(cat <<'PY'
import json, sys, datetime
p = json.load(sys.stdin)
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
cs = p["status"]["containerStatuses"]; c = cs[0]; m = p["metadata"]
c.update(ready=False, started=False, restartCount=c.get("restartCount", 0) + 3,
         state={"waiting": {"reason": "CrashLoopBackOff",
                            "message": f"back-off 40s restarting failed container={c['name']} pod={m['name']}_{m['namespace']}({m.get('uid', '')})"}},
         lastState={"terminated": {"exitCode": 1, "reason": "Error", "startedAt": now, "finishedAt": now,
                                   "containerID": c.get("containerID", "")}})
print(json.dumps({"status": {"containerStatuses": cs}}))
PY
)
results=()
for i in $(seq 1 "$rounds"); do
  ns=ns-$(printf "%03d" $(( (i % 50) + 1 )))
  pod=$(kubectl get pods -n "$ns" --field-selector=status.phase=Running -o name | sed -n "$((i + 10))p")
  kubectl get -n "$ns" "$pod" -o json | python3 -c "$patcher" >"$tmp/patch.json"
  before=$(badge)
  kubectl patch -n "$ns" "$pod" --subresource=status --type=merge --patch-file "$tmp/patch.json" >/dev/null
  t0=$(date +%s.%N); took=NA
  for _ in $(seq 1 500); do
    b=$(badge)
    if [ -n "$b" ] && [ "$b" -gt "${before:-0}" ]; then took=$(echo "$(date +%s.%N) - $t0" | bc); break; fi
    sleep 0.02
  done
  echo "round $i: $ns/${pod#pod/}: badge ${before} -> $(badge) after ${took} s"
  results+=("$took")
  sleep 2
done
printf '%s\n' "${results[@]}" | grep -v NA | sort -n | awk '{a[NR]=$1} END {if (NR) printf "pods=%s rounds=%d median_s=%.2f max_s=%.2f\n", "'"$pods"'", NR, a[int((NR+1)/2)], a[NR]; else print "no round detected"}'
