#!/usr/bin/env bash
# measure_synthetic.sh [PODS]: memory and idle CPU of the whole program on a synthetic cluster
# with every kind a cluster of that size has, not only pods: `kmedic serve-demo --pods PODS`
# generates Deployments (with two old ReplicaSet revisions each), Services, Endpoints and
# EndpointSlices, a ConfigMap and Secret per app, StatefulSets, CronJobs and Jobs, Leases and
# events (see src/sim/scenario/synthetic.rs). Runs the release `kmedic -A` (tables, engine,
# badge, health probes, certificate inspection) in a 200x50 tmux pane, waits for the full Pods
# table, lets it settle 30 s, then measures 60 s: RSS, peak RSS and CPU of one core.
# Run from the project root after `cargo build --release`. Needs tmux, bc.
set -u
pods=${1:-50000}
S=synth$$
. "$(dirname "$0")/synthetic_ui.sh"
sleep 30
pid=$(tmux list-panes -t $S -F '#{pane_pid}')
t1=$(awk '{print $14+$15}' /proc/$pid/stat)
sleep 60
t2=$(awk '{print $14+$15}' /proc/$pid/stat)
rss=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$pid/status); hwm=$(awk '/VmHWM/ {print int($2/1024)}' /proc/$pid/status)
cpu=$(echo "($t2 - $t1) / 60" | bc -l | awk '{printf "%.1f", $1}')
echo "pods=$pods first_table_s=$ready rss_mb=$rss peak_rss_mb=$hwm cpu_pct=$cpu"
tmux capture-pane -t $S -p | head -3
