# synthetic_ui.sh — sourced by the whole-program benchmarks, with $pods and $S set: serves a
# frozen synthetic cluster of $pods pods with `kmedic serve-demo`, starts the release `kmedic -A`
# against it in a 200x50 tmux pane named $S, and waits for the full Pods table. Sets $bin, $tmp,
# $srv, $KUBECONFIG and $ready (seconds from the UI's start to the full table, or NA); kills
# both on exit.
bin=$PWD/target/release/kmedic
[ -x "$bin" ] || { echo "build first: cargo build --release"; exit 2; }
tmp=$(mktemp -d)
export KUBECONFIG=$tmp/kc.yaml
"$bin" serve-demo --pods "$pods" --nodes $(( pods/100 + 3 )) --namespaces 50 --frozen \
  --write-kubeconfig "$KUBECONFIG" --log-file "$tmp/srv.log" >"$tmp/srv.out" 2>&1 &
srv=$!
trap 'tmux kill-session -t $S 2>/dev/null; kill $srv 2>/dev/null' EXIT
for _ in $(seq 1 1200); do [ -s "$KUBECONFIG" ] && break; sleep 0.1; done
start=$(date +%s.%N)
tmux new-session -d -s $S -x 200 -y 50 "KUBECONFIG=$KUBECONFIG exec $bin -A --state-file $tmp/st.json --log-file $tmp/k.log"
ready=NA
for _ in $(seq 1 1200); do
  if tmux capture-pane -t $S -p | grep -E -q "Pods ($pods|$(printf "%'d" "$pods"))"; then
    ready=$(echo "$(date +%s.%N) - $start" | bc); break
  fi
  sleep 0.1
done
