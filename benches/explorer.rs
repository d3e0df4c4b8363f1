//! Explorer benchmark on a synthetic cluster (default 50,000 pods): time to the first complete
//! list through real watch streams, memory of the client side, table refresh (filter + sort),
//! change-to-state latency, and the cost of drawing one frame. Run with `cargo bench`;
//! `KMEDIC_BENCH_PODS=N` changes the size. Results are printed; BENCHMARKS.md records them.

mod support;

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kmedic::app::Msg;
use kmedic::cluster::{ConnectOptions, build_client, load_kubeconfig};
use kmedic::config::{Keymap, Theme};
use kmedic::model::ResourceKind;
use kmedic::runtime::Session;
use kmedic::sim::{ScenarioSource, SimOptions};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support::{median, rss_mib};

fn main() {
    let pods: usize = std::env::var("KMEDIC_BENCH_PODS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(pods));
}

async fn run(pods: usize) {
    println!("kmedic explorer benchmark: {pods} pods");
    let rss_start = rss_mib();
    let t = Instant::now();
    let source = ScenarioSource::Synthetic {
        pods,
        nodes: (pods / 100).max(3),
        namespaces: (pods / 500).max(2),
    };
    let sim = kmedic::sim::start(SimOptions {
        source,
        port: 0,
        live: false,
        forbidden: Vec::new(),
        log_generators: Vec::new(),
    })
    .await
    .expect("sim");
    let rss_sim = rss_mib();
    println!(
        "simulated cluster loaded in {:?}; RSS {:.0} MiB (+{:.0} MiB for the server's store)",
        t.elapsed(),
        rss_sim,
        rss_sim - rss_start
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(sim.kubeconfig_yaml().as_bytes()))
        .expect("kubeconfig");
    let setup = load_kubeconfig(&ConnectOptions {
        kubeconfig: Some(path),
        ..Default::default()
    })
    .expect("setup");
    let client = build_client(&setup, false).await.expect("client");

    let t = Instant::now();
    let mut session = Session::start(
        client,
        &setup,
        true,
        true,
        Arc::new(Keymap::builtin_default()),
    );
    session.dispatch(Msg::Resize {
        width: 160,
        height: 50,
    });
    let synced = session
        .wait_until(Duration::from_secs(300), |s| {
            s.kinds.get(&ResourceKind::Pods).is_some_and(|k| k.synced)
                && s.rows(ResourceKind::Pods).len() == pods
        })
        .await;
    assert!(synced, "pods did not sync");
    let sync_time = t.elapsed();
    let rss_synced = rss_mib();
    println!("initial list of {pods} pods (pages of 500) to rows on screen: {sync_time:?}");
    println!(
        "RSS after sync {:.0} MiB: client side +{:.0} MiB ({:.0} bytes per pod, including the kube watcher and every other kind)",
        rss_synced,
        rss_synced - rss_sim,
        (rss_synced - rss_sim) * 1024.0 * 1024.0 / pods as f64
    );

    // Filter and sort the full table.
    let mut refresh = Vec::new();
    for pattern in ["crash", "ns-00[12]", "Running", ""] {
        let t = Instant::now();
        if let Some(table) = session.state.tables.get_mut(&ResourceKind::Pods) {
            table.set_filter(pattern);
        }
        kmedic::app::update::refresh_table(&mut session.state, ResourceKind::Pods);
        refresh.push(t.elapsed());
    }
    println!(
        "filter + sort of {pods} rows: median {:?} (max {:?})",
        median(refresh.clone()),
        refresh.iter().max().copied().unwrap_or_default()
    );

    // One frame (only the visible window is drawn).
    let mut terminal = Terminal::new(TestBackend::new(160, 50)).expect("terminal");
    let theme = Theme::builtin_default();
    let mut frames = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        terminal
            .draw(|f| kmedic::ui::render(f, &session.state, &theme))
            .expect("draw");
        frames.push(t.elapsed());
    }
    println!(
        "render one 160x50 frame of the {pods}-pod table: median {:?}",
        median(frames)
    );

    // Change → row in state (watch event, store, notification, snapshot, refresh).
    let store = sim.store();
    let mut latencies = Vec::new();
    for i in 0..20 {
        let name = format!("bench-change-{i}");
        let pod = serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"namespace": "ns-001", "name": name},
            "spec": {"nodeName": "node-0001", "containers": [{"name": "c", "image": "i"}]},
            "status": {"phase": "Pending"}
        });
        let t = Instant::now();
        store.upsert(pod).expect("upsert");
        let seen = session
            .wait_until(Duration::from_secs(30), |s| {
                s.rows(ResourceKind::Pods)
                    .iter()
                    .any(|r| r.key.name == name)
            })
            .await;
        assert!(seen, "change not seen");
        latencies.push(t.elapsed());
    }
    println!(
        "cluster change to updated table state with {pods} pods: median {:?}, max {:?} (20 changes)",
        median(latencies.clone()),
        latencies.iter().max().copied().unwrap_or_default()
    );
}
