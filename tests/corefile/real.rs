//! Real Corefiles as clusters ship them, and what the DNS chain reads out of them.

use kmedic::corefile::{ForwardTarget, WarningKind, parse};

/// kubeadm's current template (cmd/kubeadm/app/phases/addons/dns/manifests.go) rendered with
/// DNSDomain cluster.local, as `kubectl -n kube-system get cm coredns -o jsonpath='{.data.Corefile}'`.
const KUBEADM: &str = ".:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
";

/// kubeadm 1.12/1.13's Corefile (before forward replaced proxy).
const KUBEADM_1_12: &str = ".:53 {
    errors
    health
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       upstream
       fallthrough in-addr.arpa ip6.arpa
    }
    prometheus :9153
    proxy . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
}
";

/// k3s's default Corefile.
const K3S: &str = ".:53 {
    errors
    health
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
      pods insecure
      fallthrough in-addr.arpa ip6.arpa
    }
    hosts /etc/coredns/NodeHosts {
      ttl 60
      reload 15s
      fallthrough
    }
    prometheus :9153
    forward . /etc/resolv.conf
    cache 30
    loop
    reload
    loadbalance
    import /etc/coredns/custom/*.override
}
import /etc/coredns/custom/*.server
";

/// The stub-domain example of the Kubernetes "Customizing DNS Service" page.
const STUB_DOMAIN: &str = "    .:53 {
        errors
        health {
            lameduck 5s
        }
        ready
        kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
        }
        prometheus :9153
        forward . 172.16.0.1
        cache 30
        loop
        reload
        loadbalance
    }
    consul.local:53 {
        errors
        cache 30
        forward . 10.150.0.1
    }
";

#[test]
fn kubeadm_default_reads_clean() {
    let corefile = parse(KUBEADM).unwrap();
    assert_eq!(corefile.server_blocks.len(), 1);
    let block = &corefile.server_blocks[0];
    assert_eq!(block.zones(), vec!["."]);
    assert_eq!(block.keys[0].port, Some(53));
    let names: Vec<&str> = block.directives.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "errors",
            "health",
            "ready",
            "kubernetes",
            "prometheus",
            "forward",
            "cache",
            "loop",
            "reload",
            "loadbalance"
        ]
    );
    assert_eq!(
        corefile.kubernetes_zones(),
        vec!["cluster.local.", "in-addr.arpa.", "ip6.arpa."]
    );
    let kubernetes = &corefile.kubernetes()[0];
    assert_eq!(kubernetes.pods.as_deref(), Some("insecure"));
    assert!(kubernetes.fallthrough);
    assert_eq!(kubernetes.line, 7);
    let forward = &corefile.forwards()[0];
    assert_eq!(forward.from, ".");
    assert_eq!(
        forward.targets,
        vec![ForwardTarget::ResolvConf {
            path: "/etc/resolv.conf".into()
        }]
    );
    assert_eq!(forward.line, 13);
    assert!(corefile.forwards_to_resolv_conf());
    assert!(corefile.has_loop());
    assert!(corefile.stub_domains().is_empty());
    let cache = block.directives_named("cache").next().unwrap();
    assert_eq!(cache.args, vec!["30"]);
    let disables: Vec<Vec<String>> = cache.sub("disable").map(|d| d.args.clone()).collect();
    assert_eq!(
        disables,
        vec![
            vec!["success", "cluster.local"],
            vec!["denial", "cluster.local"]
        ]
    );
    assert_eq!(corefile.warnings(), vec![]);
    assert_eq!(corefile.check_cluster_domain("cluster.local"), None);
    assert_eq!(corefile.check_cluster_domain("cluster.local."), None);
}

#[test]
fn cluster_domain_mismatch_is_reported() {
    let corefile = parse(KUBEADM).unwrap();
    let warning = corefile.check_cluster_domain("k8s.internal").unwrap();
    assert_eq!(warning.kind, WarningKind::ClusterDomainNotServed);
    assert_eq!(warning.line, 7);
    assert!(
        warning.message.contains("k8s.internal."),
        "{}",
        warning.message
    );
    let none = parse(".:53 {\n forward . 8.8.8.8\n loop\n}").unwrap();
    assert!(
        none.check_cluster_domain("cluster.local")
            .unwrap()
            .message
            .contains("no kubernetes plugin")
    );
}

#[test]
fn old_kubeadm_proxy_is_flagged_and_counts_as_no_forward() {
    let corefile = parse(KUBEADM_1_12).unwrap();
    let kinds: Vec<(usize, WarningKind)> = corefile
        .warnings()
        .iter()
        .map(|w| (w.line, w.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (1, WarningKind::NoRootForward),
            (10, WarningKind::RemovedDirective)
        ]
    );
    assert!(corefile.forwards().is_empty());
}

#[test]
fn k3s_imports_are_kept_and_reported_as_unchecked() {
    let corefile = parse(K3S).unwrap();
    assert_eq!(corefile.server_blocks.len(), 1);
    assert_eq!(corefile.top_level_imports.len(), 1);
    assert_eq!(
        corefile.top_level_imports[0].args,
        vec!["/etc/coredns/custom/*.server"]
    );
    let hosts = corefile.server_blocks[0]
        .directives_named("hosts")
        .next()
        .unwrap();
    assert_eq!(hosts.args, vec!["/etc/coredns/NodeHosts"]);
    assert_eq!(hosts.block.as_ref().unwrap().len(), 3);
    let kinds: Vec<(usize, WarningKind)> = corefile
        .warnings()
        .iter()
        .map(|w| (w.line, w.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (20, WarningKind::ImportNotFollowed),
            (22, WarningKind::ImportNotFollowed)
        ]
    );
}

#[test]
fn stub_domain_server_block() {
    let corefile = parse(STUB_DOMAIN).unwrap();
    let stubs = corefile.stub_domains();
    assert_eq!(stubs.len(), 1);
    assert_eq!(stubs[0].zones, vec!["consul.local."]);
    assert_eq!(stubs[0].port, Some(53));
    assert_eq!(stubs[0].line, 18);
    assert!(
        matches!(&stubs[0].targets[0], ForwardTarget::Address { ip, port: 53, .. } if ip.to_string() == "10.150.0.1")
    );
    let root: Vec<String> = corefile
        .root_forward_targets()
        .iter()
        .map(|t| t.raw().to_string())
        .collect();
    assert_eq!(root, vec!["172.16.0.1"]);
    assert!(!corefile.forwards_to_resolv_conf());
    assert_eq!(corefile.warnings(), vec![]);
}

#[test]
fn loopback_forward_with_and_without_loop() {
    let without =
        parse(".:53 {\n    kubernetes cluster.local\n    forward . 127.0.0.53\n}\n").unwrap();
    let kinds: Vec<(usize, WarningKind)> = without
        .warnings()
        .iter()
        .map(|w| (w.line, w.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (1, WarningKind::LoopMissing),
            (3, WarningKind::LoopbackForwardWithoutLoop)
        ]
    );
    assert!(!without.has_loop());
    let with = parse(".:53 {\n    forward . [::1]:53 8.8.8.8\n    loop\n}\n").unwrap();
    let kinds: Vec<WarningKind> = with.warnings().iter().map(|w| w.kind).collect();
    assert_eq!(kinds, vec![WarningKind::LoopbackForward]);
    assert!(with.warnings()[0].message.contains("[::1]:53"));
}

#[test]
fn snippets_are_spliced_and_comments_and_quotes_read() {
    let text = r#"# shared settings
(common) {
    errors
    cache 30 # seconds
}
example.com:53, example.org:53 {
    import common
    template IN A example.com {
        answer "{{ .Name }} 60 IN A 10.0.0.1"
    }
    forward . tls://9.9.9.9 {
        tls_servername dns.quad9.net
    }
}
.:53 {
    import common
    kubernetes {$CLUSTER_DOMAIN} in-addr.arpa
    forward . {$UPSTREAM}
    loop
}
"#;
    let corefile = parse(text).unwrap();
    assert_eq!(corefile.snippets.len(), 1);
    assert_eq!(corefile.server_blocks.len(), 2);
    let first = &corefile.server_blocks[0];
    assert_eq!(first.zones(), vec!["example.com.", "example.org."]);
    let names: Vec<(&str, Option<&str>)> = first
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.snippet.as_deref()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("errors", Some("common")),
            ("cache", Some("common")),
            ("template", None),
            ("forward", None)
        ]
    );
    assert_eq!(first.directives[1].line, 4);
    let answer = first.directives[2].sub("answer").next().unwrap();
    assert_eq!(answer.args, vec!["{{ .Name }} 60 IN A 10.0.0.1"]);
    assert_eq!(corefile.stub_domains().len(), 1);
    // Placeholders stay as text and raise no warning.
    assert_eq!(
        corefile.kubernetes_zones(),
        vec!["{$cluster_domain}.", "in-addr.arpa."]
    );
    assert!(matches!(
        corefile.root_forward_targets()[0],
        ForwardTarget::Placeholder { .. }
    ));
    assert_eq!(corefile.warnings(), vec![]);
}

#[test]
fn single_block_without_braces_and_one_line_blocks() {
    let corefile =
        parse(".:53\nerrors\nhealth { lameduck 5s }\nforward . 8.8.8.8 1.1.1.1\nloop\n").unwrap();
    let block = &corefile.server_blocks[0];
    assert_eq!(block.directives.len(), 4);
    let health = &block.directives[1];
    assert_eq!(health.block.as_ref().unwrap()[0].args, vec!["5s"]);
    assert_eq!(corefile.forwards()[0].targets.len(), 2);
    assert_eq!(corefile.warnings(), vec![]);
}

#[test]
fn configuration_warnings() {
    let text = ".:53 {
    kubernetes cluster.local
    forwrd . 8.8.8.8
    loop
}
example.com {
    forward . dns.google
}
example.com:53 {
    forward .
}
";
    let corefile = parse(text).unwrap();
    let kinds: Vec<(usize, WarningKind)> = corefile
        .warnings()
        .iter()
        .map(|w| (w.line, w.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (1, WarningKind::NoRootForward),
            (3, WarningKind::UnknownDirective),
            (7, WarningKind::InvalidForwardTarget),
            (9, WarningKind::DuplicateServerAddress),
            (10, WarningKind::InvalidForwardTarget),
        ]
    );
    let no_root = parse("cluster.local:53 {\n kubernetes\n}\n").unwrap();
    assert_eq!(no_root.kubernetes_zones(), vec!["cluster.local."]);
    let kinds: Vec<WarningKind> = no_root.warnings().iter().map(|w| w.kind).collect();
    assert_eq!(kinds, vec![WarningKind::NoRootServerBlock]);
}
