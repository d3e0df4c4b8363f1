//! Plausible log lines for the kinds of applications scenarios run: nginx access logs, a Java
//! service (with a stack trace and, before an OOM kill, growing memory), CoreDNS, klog-style
//! control-plane components, Redis, Prometheus, and JSON-logging services.

use fastrand::Rng;
use jiff::Timestamp;

use super::loglines_system;

/// The kind of application a container runs, guessed from its names and image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Nginx,
    Java,
    CoreDns,
    Klog,
    Redis,
    Prometheus,
    /// JSON logs of a service whose readiness check fails.
    Degraded,
    Json,
    /// A database migration Job.
    Migration,
    KubeScheduler,
    KubeProxy,
}

/// Guesses the flavor of a container.
pub fn flavor(container: &str, image: &str) -> Flavor {
    let has = |s: &str| container.contains(s) || image.contains(s);
    if has("migrate") {
        Flavor::Migration
    } else if has("kube-scheduler") {
        Flavor::KubeScheduler
    } else if has("kube-proxy") {
        Flavor::KubeProxy
    } else if has("nginx") {
        Flavor::Nginx
    } else if has("coredns") {
        Flavor::CoreDns
    } else if has("kube-") || has("etcd") {
        Flavor::Klog
    } else if has("redis") {
        Flavor::Redis
    } else if has("prometheus") {
        Flavor::Prometheus
    } else if has("cart") || has("java") || has("jvm") {
        Flavor::Java
    } else if has("catalog") {
        Flavor::Degraded
    } else {
        Flavor::Json
    }
}

/// Lines per second a running container of this flavor writes, on average.
pub fn rate(f: Flavor) -> f64 {
    match f {
        Flavor::Nginx => 1.5,
        Flavor::Java => 0.4,
        Flavor::CoreDns => 0.15,
        Flavor::Klog => 0.3,
        Flavor::Redis => 0.05,
        Flavor::Prometheus => 0.1,
        Flavor::Degraded => 0.5,
        Flavor::Json => 0.6,
        Flavor::Migration => 0.0,
        Flavor::KubeScheduler | Flavor::KubeProxy => 0.1,
    }
}

pub(super) fn iso(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub(super) fn klog_time(t: Timestamp) -> String {
    t.strftime("%m%d %H:%M:%S%.6f").to_string()
}

const PATHS: &[&str] = &[
    "/",
    "/api/catalog/items?page=2",
    "/api/cart/",
    "/static/app.4f9c1e.js",
    "/api/catalog/items/8812",
    "/favicon.ico",
    "/api/pay/checkout",
    "/healthz",
    "/static/styles.css",
];
const AGENTS: &[&str] = &[
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15",
    "kube-probe/1.33",
    "curl/8.5.0",
];

/// The first lines a container writes when it starts.
pub fn startup(f: Flavor, name: &str, t: Timestamp) -> Vec<String> {
    match f {
        Flavor::Migration | Flavor::KubeScheduler | Flavor::KubeProxy => {
            loglines_system::startup(f, t)
        }
        Flavor::Nginx => vec![
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".into(),
            "/docker-entrypoint.sh: Configuration complete; ready for start up".into(),
            format!("{} [notice] 1#1: nginx/1.27.3", t.strftime("%Y/%m/%d %H:%M:%S")),
            format!("{} [notice] 1#1: start worker processes", t.strftime("%Y/%m/%d %H:%M:%S")),
        ],
        Flavor::Java => vec![
            format!("{} INFO 1 --- [{name}] [main] c.a.{name}.Application : Starting Application v2.4.1 using Java 21.0.5", iso(t)),
            format!("{} INFO 1 --- [{name}] [main] o.s.b.w.embedded.tomcat.TomcatWebServer : Tomcat initialized with port 8080 (http)", iso(t)),
            format!("{} INFO 1 --- [{name}] [main] c.a.{name}.cache.CartCache : warming cache from redis://redis-0.redis.shop.svc.cluster.local:6379", iso(t)),
        ],
        Flavor::CoreDns => vec![
            ".:53".into(),
            "[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894564e15b91770d3a07ae1cfbe861d15b37d4a0027e69c546ab112970993a3b03b".into(),
            "CoreDNS-1.12.0".into(),
            "linux/amd64, go1.23.3, 51e11f1".into(),
        ],
        Flavor::Klog => vec![
            format!("I{}       1 flags.go:64] FLAG: --v=\"2\"", klog_time(t)),
            format!("I{}       1 serving.go:386] Generated self-signed cert in-memory", klog_time(t)),
            format!("I{}       1 leaderelection.go:257] attempting to acquire leader lease kube-system/{name}...", klog_time(t)),
        ],
        Flavor::Redis => vec![
            format!("1:C {} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo", t.strftime("%d %b %Y %H:%M:%S%.3f")),
            format!("1:M {} * Server initialized", t.strftime("%d %b %Y %H:%M:%S%.3f")),
            format!("1:M {} * Ready to accept connections tcp", t.strftime("%d %b %Y %H:%M:%S%.3f")),
        ],
        Flavor::Prometheus => vec![
            format!("time={} level=INFO source=main.go:640 msg=\"Starting Prometheus Server\" mode=server version=\"(version=3.4.1)\"", iso(t)),
            format!("time={} level=INFO source=main.go:1150 msg=\"Server is ready to receive web requests.\"", iso(t)),
        ],
        Flavor::Degraded | Flavor::Json => vec![
            format!("{{\"ts\":\"{}\",\"level\":\"info\",\"logger\":\"main\",\"msg\":\"starting {name}\",\"version\":\"1.9.0\"}}", iso(t)),
            format!("{{\"ts\":\"{}\",\"level\":\"info\",\"logger\":\"http\",\"msg\":\"listening\",\"addr\":\":8080\"}}", iso(t)),
        ],
    }
}

/// One line of normal operation.
pub fn line(f: Flavor, name: &str, rng: &mut Rng, t: Timestamp) -> String {
    match f {
        Flavor::Migration | Flavor::KubeScheduler | Flavor::KubeProxy => {
            loglines_system::line(f, rng, t)
        }
        Flavor::Nginx => {
            let path = PATHS[rng.usize(..PATHS.len())];
            let status = match rng.u8(..100) {
                0..=2 => 502,
                3..=6 => 404,
                _ => 200,
            };
            let status = if path.starts_with("/api/pay") && status == 200 {
                503
            } else {
                status
            };
            format!(
                "10.244.{}.{} - - [{}] \"GET {path} HTTP/1.1\" {status} {} \"-\" \"{}\" \"-\"",
                rng.u8(0..4),
                rng.u8(2..250),
                t.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                rng.u32(120..48000),
                AGENTS[rng.usize(..AGENTS.len())]
            )
        }
        Flavor::Java => {
            let entries = rng.u32(100_000..900_000);
            match rng.u8(..10) {
                0 => format!(
                    "{} WARN 1 --- [{name}] [gc-monitor] c.a.{name}.GcMonitor : GC pause 412ms (G1 Evacuation Pause), heap after GC {}MB/512MB",
                    iso(t),
                    rng.u32(180..250)
                ),
                1 => format!(
                    "{} INFO 1 --- [{name}] [cache-refresh] c.a.{name}.cache.CartCache : cache holds {entries} carts",
                    iso(t)
                ),
                _ => format!(
                    "{} INFO 1 --- [{name}] [http-nio-8080-exec-{}] c.a.{name}.api.CartController : GET /carts/{} 200 {}ms",
                    iso(t),
                    rng.u8(1..10),
                    rng.u32(1000..99999),
                    rng.u8(2..80)
                ),
            }
        }
        Flavor::CoreDns => format!(
            "[INFO] 10.244.{}.{}:{} - {} \"A IN {}. udp 64 false 1232\" NOERROR qr,aa,rd 106 0.000{}s",
            rng.u8(0..4),
            rng.u8(2..250),
            rng.u16(30000..60000),
            rng.u16(1..65535),
            [
                "cart.shop.svc.cluster.local",
                "redis-0.redis.shop.svc.cluster.local",
                "payments.payments.svc.cluster.local",
                "kubernetes.default.svc.cluster.local"
            ][rng.usize(..4)],
            rng.u16(100..999)
        ),
        Flavor::Klog => format!(
            "I{}       1 {}",
            klog_time(t),
            [
                "controller.go:615] quota admission added evaluator for: leases.coordination.k8s.io",
                "trace.go:236] Trace[1520410911]: \"List\" url:/api/v1/pods,verb:LIST (total time: 512ms)",
                "range_allocator.go:247] \"Successfully synced\" key=\"worker-1\"",
                "node_lifecycle_controller.go:1023] \"Node is unresponsive. Adding it to the Taint queue\" node=\"worker-3\"",
                "event.go:389] \"Event occurred\" object=\"shop/cart\" kind=\"Deployment\" reason=\"ScalingReplicaSet\""
            ][rng.usize(..5)]
        ),
        Flavor::Redis => format!(
            "1:M {} * 100 changes in 300 seconds. Saving...",
            t.strftime("%d %b %Y %H:%M:%S%.3f")
        ),
        Flavor::Prometheus => format!(
            "time={} level=INFO source=head.go:1380 msg=\"Head GC completed\" component=tsdb duration={}ms",
            iso(t),
            rng.u8(1..90)
        ),
        Flavor::Degraded => format!(
            "{{\"ts\":\"{}\",\"level\":\"warn\",\"logger\":\"health\",\"msg\":\"readiness check failed\",\"check\":\"search-index\",\"error\":\"index warm-up incomplete: {}% of segments loaded (timeout 30s)\",\"status\":503}}",
            iso(t),
            rng.u8(55..70)
        ),
        Flavor::Json => format!(
            "{{\"ts\":\"{}\",\"level\":\"info\",\"logger\":\"http\",\"msg\":\"request\",\"method\":\"{}\",\"path\":\"{}\",\"status\":200,\"duration_ms\":{}}}",
            iso(t),
            ["GET", "POST"][rng.usize(..2)],
            [
                "/v1/charges",
                "/v1/refunds",
                "/ready",
                "/v1/charges/ch_8812"
            ][rng.usize(..4)],
            rng.u16(1..250)
        ),
    }
}

/// The last lines of an instance that ended with `reason` (e.g. OOMKilled, Error, Completed).
pub fn ending(f: Flavor, name: &str, reason: &str, t: Timestamp) -> Vec<String> {
    match (f, reason) {
        (Flavor::Migration, _) => loglines_system::ending(f, reason, t),
        (Flavor::Java, "OOMKilled") => {
            let mut out = vec![
                format!("{} WARN 1 --- [{name}] [http-nio-8080-exec-4] c.a.{name}.api.CartController : Redis call failed, retrying", iso(t)),
                "io.lettuce.core.RedisCommandTimeoutException: Command timed out after 2 second(s)".into(),
                "\tat io.lettuce.core.internal.ExceptionFactory.createTimeoutException(ExceptionFactory.java:59)".into(),
                "\tat io.lettuce.core.internal.Futures.awaitOrCancel(Futures.java:246)".into(),
                format!("\tat com.acme.{name}.cache.CartCache.load(CartCache.java:142)"),
                format!("\tat com.acme.{name}.api.CartController.get(CartController.java:57)"),
                "\tat java.base/java.lang.Thread.run(Thread.java:1583)".into(),
            ];
            for (i, used) in [201, 224, 239, 248, 254].iter().enumerate() {
                out.push(format!(
                    "{} WARN 1 --- [{name}] [gc-monitor] c.a.{name}.GcMonitor : heap used {}MB of max 512MB, container limit 256Mi, cache {} carts",
                    iso(t), used, 610_000 + i * 90_000
                ));
            }
            out
        }
        (_, "OOMKilled") => vec![format!(
            "{{\"ts\":\"{}\",\"level\":\"warn\",\"msg\":\"memory usage high\",\"rss_mb\":250}}",
            iso(t)
        )],
        (_, "Completed") => vec![format!(
            "{{\"ts\":\"{}\",\"level\":\"info\",\"msg\":\"done\"}}",
            iso(t)
        )],
        (Flavor::Klog, _) => vec![format!(
            "E{}       1 run.go:72] \"command failed\" err=\"failed to wait for apiserver being healthy: timed out waiting for the condition\"",
            klog_time(t)
        )],
        _ => vec![format!(
            "{{\"ts\":\"{}\",\"level\":\"error\",\"msg\":\"fatal: cannot connect to database: dial tcp 10.0.40.12:5432: connect: connection refused\"}}",
            iso(t)
        )],
    }
}
