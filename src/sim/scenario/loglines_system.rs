//! Log lines of the cluster's own components and batch jobs: kube-scheduler and kube-proxy in
//! klog format, a database migration Job, and the last words of a component that cannot
//! find a file its flags name (`"command failed" err="stat …: no such file or directory"`).

use fastrand::Rng;
use jiff::Timestamp;

use super::crash_cause::MissingFile;
use super::loglines::{Flavor, iso, klog_time};

const MIGRATIONS: &[(&str, u32)] = &[
    ("20251201101500_add_cart_expiry", 4),
    ("20251208140200_index_orders_by_customer", 2),
    ("20251215091000_add_payment_intents", 7),
    ("20251222160000_backfill_order_totals", 1),
    ("20251230180000_drop_legacy_sessions", 3),
];

fn klog(level: char, t: Timestamp, location: &str, message: &str) -> String {
    format!("{level}{}       1 {location}] {message}", klog_time(t))
}

pub fn startup(f: Flavor, t: Timestamp) -> Vec<String> {
    match f {
        Flavor::Migration => vec![
            format!("{} INFO  db-migrate 2.4.1 starting (target=latest)", iso(t)),
            format!(
                "{} INFO  connected to postgres://shop@catalog-db.shop.svc.cluster.local:5432/shop (server 16.4)",
                iso(t)
            ),
            format!(
                "{} INFO  acquired advisory lock 72707369 for schema_migrations",
                iso(t)
            ),
        ],
        Flavor::KubeScheduler => vec![
            klog(
                'I',
                t,
                "serving.go:386",
                "Generated self-signed cert in-memory",
            ),
            klog(
                'I',
                t,
                "server.go:166",
                "\"Starting Kubernetes Scheduler\" version=\"v1.33.2\"",
            ),
            klog(
                'I',
                t,
                "leaderelection.go:257",
                "attempting to acquire leader lease kube-system/kube-scheduler...",
            ),
        ],
        _ => vec![
            klog('I', t, "server_linux.go:66", "\"Using iptables proxy\""),
            klog(
                'I',
                t,
                "server.go:698",
                "\"Successfully retrieved node IP(s)\" IPs=[\"10.0.0.11\"]",
            ),
            klog(
                'I',
                t,
                "server.go:234",
                "\"Kube-proxy configuration may be incomplete or incorrect\" err=\"nodePortAddresses is unset; NodePort connections will be accepted on all local IPs. Consider using `--nodeport-addresses primary`\"",
            ),
            klog(
                'I',
                t,
                "proxier.go:817",
                "\"SyncProxyRules complete\" ipFamily=\"IPv4\" elapsed=\"62.2ms\"",
            ),
        ],
    }
}

pub fn line(f: Flavor, rng: &mut Rng, t: Timestamp) -> String {
    match f {
        Flavor::Migration => {
            let (name, statements) = MIGRATIONS[rng.usize(..MIGRATIONS.len())];
            if rng.bool() {
                format!("{} INFO  applying {name} ({statements} statements)", iso(t))
            } else {
                format!("{} INFO  applied {name} in {}ms", iso(t), rng.u32(40..9000))
            }
        }
        Flavor::KubeScheduler => klog(
            'I',
            t,
            "schedule_one.go:314",
            &format!(
                "\"Successfully bound pod to node\" pod=\"shop/frontend-5c7d9f8b6d-{}\" node=\"worker-{}\" evaluatedNodes=4 feasibleNodes=2",
                ["2hxkq", "9mvtz"][rng.usize(..2)],
                rng.u8(1..3)
            ),
        ),
        _ => klog(
            'I',
            t,
            "proxier.go:817",
            &format!(
                "\"SyncProxyRules complete\" ipFamily=\"IPv4\" elapsed=\"{}.{}ms\"",
                rng.u8(20..90),
                rng.u8(0..10)
            ),
        ),
    }
}

pub fn ending(f: Flavor, reason: &str, t: Timestamp) -> Vec<String> {
    match (f, reason) {
        (Flavor::Migration, "Completed") => vec![
            format!(
                "{} INFO  schema is at version 20251230180000 ({} migrations applied)",
                iso(t),
                MIGRATIONS.len()
            ),
            format!("{} INFO  released advisory lock 72707369", iso(t)),
        ],
        _ => vec![format!(
            "{} ERROR migration failed: could not obtain lock on relation \"orders\"",
            iso(t)
        )],
    }
}

/// Everything an instance writes when a flag names a file it cannot see: it starts and
/// exits within a second.
pub fn missing_file(f: Flavor, missing: &MissingFile, t: Timestamp) -> Vec<String> {
    let path = &missing.path;
    match f {
        Flavor::KubeProxy => vec![klog(
            'E',
            t,
            "run.go:72",
            &format!(
                "\"command failed\" err=\"failed complete: open {path}: no such file or directory\""
            ),
        )],
        Flavor::Klog | Flavor::KubeScheduler => vec![
            klog(
                'I',
                t,
                "serving.go:386",
                "Generated self-signed cert in-memory",
            ),
            klog(
                'E',
                t,
                "run.go:72",
                &format!("\"command failed\" err=\"stat {path}: no such file or directory\""),
            ),
        ],
        _ => vec![format!(
            "{} FATAL cannot start: {}: open {path}: no such file or directory",
            iso(t),
            missing.flag
        )],
    }
}
