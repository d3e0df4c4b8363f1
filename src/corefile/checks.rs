//! Warnings about a parsed Corefile that CoreDNS would accept but that break or endanger
//! cluster DNS (a forward to a loopback stub, no `forward .`, no `loop`), or that it would
//! refuse (an unknown directive, a duplicate server address, a bad forward target), plus the
//! cluster-domain check against the kubelet's `clusterDomain`.

use super::model::{Corefile, normalize_zone};
use super::plugins::ForwardTarget;

/// Plugins of CoreDNS's standard build (plugin.cfg), plus `import`.
const KNOWN_DIRECTIVES: &[&str] = &[
    "root",
    "metadata",
    "geoip",
    "cancel",
    "tls",
    "proxyproto",
    "quic",
    "grpc_server",
    "https",
    "https3",
    "timeouts",
    "multisocket",
    "reload",
    "nsid",
    "bufsize",
    "bind",
    "debug",
    "trace",
    "ready",
    "health",
    "pprof",
    "prometheus",
    "errors",
    "log",
    "dnstap",
    "local",
    "dns64",
    "acl",
    "any",
    "chaos",
    "loadbalance",
    "tsig",
    "cache",
    "rewrite",
    "header",
    "dnssec",
    "autopath",
    "minimal",
    "template",
    "transfer",
    "hosts",
    "route53",
    "azure",
    "clouddns",
    "k8s_external",
    "kubernetes",
    "file",
    "auto",
    "secondary",
    "etcd",
    "loop",
    "forward",
    "grpc",
    "erratic",
    "whoami",
    "on",
    "sign",
    "view",
    "nomad",
    "import",
];

/// What a warning is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningKind {
    /// `forward` to a loopback address while `loop` is absent: the loop goes undetected.
    LoopbackForwardWithoutLoop,
    /// `forward` to a loopback address (`loop` will detect it and stop CoreDNS).
    LoopbackForward,
    /// A root server block without `forward .`: names outside the cluster do not resolve.
    NoRootForward,
    /// No server block serves the root zone.
    NoRootServerBlock,
    /// A root server block forwards but has no `loop` plugin.
    LoopMissing,
    /// Not a plugin of the standard CoreDNS build (CoreDNS stops with "Unknown directive").
    UnknownDirective,
    /// A plugin removed from the standard build (`proxy`: use `forward`).
    RemovedDirective,
    /// `import` of files: kmedic reads only the ConfigMap, their content is not checked.
    ImportNotFollowed,
    /// A forward upstream that is neither an address nor a file, or no upstream at all.
    InvalidForwardTarget,
    /// Two server blocks for the same zone and port.
    DuplicateServerAddress,
    /// The kubelet's cluster domain is not a zone of the kubernetes plugin.
    ClusterDomainNotServed,
}

/// One warning, with the line to look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CorefileWarning {
    pub line: usize,
    pub kind: WarningKind,
    pub message: String,
}

fn warn(line: usize, kind: WarningKind, message: String) -> CorefileWarning {
    CorefileWarning {
        line,
        kind,
        message,
    }
}

impl Corefile {
    /// Every warning, in the order of the file.
    pub fn warnings(&self) -> Vec<CorefileWarning> {
        let mut out = Vec::new();
        self.directive_warnings(&mut out);
        self.forward_warnings(&mut out);
        self.root_warnings(&mut out);
        self.duplicate_warnings(&mut out);
        out.sort_by_key(|w| w.line);
        out
    }

    /// A warning when `cluster_domain` (kubelet `clusterDomain`, e.g. `cluster.local`) is
    /// not among the kubernetes plugin's zones.
    pub fn check_cluster_domain(&self, cluster_domain: &str) -> Option<CorefileWarning> {
        let wanted = normalize_zone(cluster_domain);
        let plugins = self.kubernetes();
        if plugins.iter().any(|k| k.zones.contains(&wanted)) {
            return None;
        }
        let line = plugins.first().map_or(1, |k| k.line);
        let served = self.kubernetes_zones().join(" ");
        let message = if plugins.is_empty() {
            format!("no kubernetes plugin: Service names under {wanted} do not resolve")
        } else {
            format!(
                "the kubernetes plugin serves {served} but the cluster domain is {wanted}: Service names do not resolve"
            )
        };
        Some(warn(line, WarningKind::ClusterDomainNotServed, message))
    }

    fn directive_warnings(&self, out: &mut Vec<CorefileWarning>) {
        for d in self.server_blocks.iter().flat_map(|b| &b.directives) {
            if d.name == "proxy" {
                out.push(warn(d.line, WarningKind::RemovedDirective,
                    "the proxy plugin left CoreDNS's standard build in 1.5.0; CoreDNS stops with an unknown-directive error (use forward)".into()));
            } else if !KNOWN_DIRECTIVES.contains(&d.name.as_str()) {
                out.push(warn(d.line, WarningKind::UnknownDirective, format!(
                    "{:?} is not a plugin of the standard CoreDNS build: CoreDNS stops with \"Unknown directive\" unless it was built with it",
                    d.name
                )));
            }
            if d.name == "import" {
                let what = d.args.join(" ");
                out.push(warn(d.line, WarningKind::ImportNotFollowed, format!(
                    "import {what}: imported files are not part of the ConfigMap and were not checked"
                )));
            }
        }
        for d in &self.top_level_imports {
            let what = d.args.join(" ");
            out.push(warn(d.line, WarningKind::ImportNotFollowed, format!(
                "import {what}: imported files are not part of the ConfigMap and were not checked"
            )));
        }
    }

    fn forward_warnings(&self, out: &mut Vec<CorefileWarning>) {
        for forward in self.forwards() {
            let block = &self.server_blocks[forward.server_block];
            if forward.targets.is_empty() {
                out.push(warn(
                    forward.line,
                    WarningKind::InvalidForwardTarget,
                    "forward needs a zone and at least one upstream (forward . 8.8.8.8)".into(),
                ));
            }
            for target in &forward.targets {
                if let ForwardTarget::Invalid { raw } = target {
                    out.push(warn(forward.line, WarningKind::InvalidForwardTarget, format!(
                        "forward upstream {raw:?} is neither an IP address (optionally dns:// or tls://, with :port) nor a file"
                    )));
                } else if target.is_loopback() {
                    let (kind, tail) = if block.has("loop") {
                        (
                            WarningKind::LoopbackForward,
                            "the loop plugin will detect it and stop CoreDNS (CrashLoopBackOff)",
                        )
                    } else {
                        (
                            WarningKind::LoopbackForwardWithoutLoop,
                            "loop is absent, so nothing detects it: lookups spin until they time out",
                        )
                    };
                    out.push(warn(forward.line, kind, format!(
                        "forward to {} sends queries back to CoreDNS itself inside its pod; {tail}",
                        target.raw()
                    )));
                }
            }
        }
    }

    fn root_warnings(&self, out: &mut Vec<CorefileWarning>) {
        if self.server_blocks.is_empty() {
            return;
        }
        let roots: Vec<_> = self
            .server_blocks
            .iter()
            .filter(|b| b.serves_root())
            .collect();
        if roots.is_empty() {
            out.push(warn(self.server_blocks[0].line, WarningKind::NoRootServerBlock,
                "no server block serves the root zone \".\": names outside the listed zones get no answer".into()));
        }
        for block in roots {
            let forwards_root = block
                .directives_named("forward")
                .any(|d| d.args.first().is_some_and(|z| normalize_zone(z) == "."));
            if !forwards_root {
                out.push(warn(block.line, WarningKind::NoRootForward, format!(
                    "server block {} has no \"forward .\": names outside the cluster do not resolve",
                    block.label()
                )));
            } else if !block.has("loop") {
                out.push(warn(block.line, WarningKind::LoopMissing, format!(
                    "server block {} forwards without the loop plugin: a forwarding loop would go undetected",
                    block.label()
                )));
            }
        }
    }

    fn duplicate_warnings(&self, out: &mut Vec<CorefileWarning>) {
        let mut seen: Vec<(&str, &str, Option<u16>)> = Vec::new();
        for key in self.server_blocks.iter().flat_map(|b| &b.keys) {
            let id = (key.scheme.as_str(), key.zone.as_str(), key.port);
            if seen.contains(&id) {
                out.push(warn(key.line, WarningKind::DuplicateServerAddress, format!(
                    "{} is served twice: CoreDNS refuses to start (unless each copy binds a different address)",
                    key.raw
                )));
            } else {
                seen.push(id);
            }
        }
    }
}
