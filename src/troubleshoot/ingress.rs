//! Ingresses: the class (named but not existing, none at all without a default class, or no
//! controller having picked the Ingress up: a warning when the controller serves others of
//! the class, info when none of them has an address), backends (a Service that does not exist, a
//! port that Service does not have, by number or by name) and TLS (a `secretName` that does
//! not exist, or is not a TLS secret). Kept in its own file: the network pane may extend it.

use crate::objects::{Ingress, IngressServiceBackend, Kind};

use super::Ctx;
use super::build::{FindingExt, net, ns_flag, obj, secs_since};
use crate::findings::{Finding, Severity};

/// Classes that name a controller, not an IngressClass object (GKE's built-in controllers).
const IMPLICIT_CLASSES: &[&str] = &["gce", "gce-internal"];

pub fn check(ctx: &Ctx, ing: &Ingress, out: &mut Vec<Finding>) {
    if let Some(f) = class(ctx, ing) {
        out.push(f);
    }
    out.extend(backends(ctx, ing));
    super::ingress_backend_ready::check(ctx, ing, out);
    out.extend(tls(ctx, ing));
}

fn class(ctx: &Ctx, ing: &Ingress) -> Option<Finding> {
    let o = obj("Ingress", &ing.metadata);
    let nsf = ns_flag(&o.namespace);
    let classes_known = ctx.snap.has_kind(Kind::IngressClass);
    let by_field = ing
        .spec
        .as_ref()
        .and_then(|s| s.ingress_class_name.as_deref());
    let named = ing.class();
    match named {
        Some(c) if IMPLICIT_CLASSES.contains(&c) => return None,
        Some(c) if classes_known && ctx.snap.ingress_classes.find("", c).is_none() => {
            let (severity, how) = match by_field {
                Some(_) => (Severity::Error, "spec.ingressClassName"),
                // The annotation may name a controller's --ingress-class rather than an object.
                None => (
                    Severity::Warning,
                    "the kubernetes.io/ingress.class annotation",
                ),
            };
            let existing: Vec<&str> = ctx
                .snap
                .ingress_classes
                .iter()
                .map(|c| c.metadata.name())
                .collect();
            return Some(
                net(
                    "ingress-class-missing",
                    severity,
                    o.clone(),
                    format!("IngressClass {c} does not exist: no controller serves this Ingress"),
                )
                .explain(format!(
                    "The Ingress asks for class {c} through {how}, but there is no IngressClass of \
                     that name, so no ingress controller takes it and its routes do not exist."
                ))
                .with("class", c)
                .with(
                    "IngressClasses",
                    if existing.is_empty() {
                        "none".to_string()
                    } else {
                        existing.join(", ")
                    },
                )
                .step("kubectl get ingressclass")
                .step(format!(
                    "kubectl edit ingress {}{nsf}   (set spec.ingressClassName)",
                    o.name
                )),
            );
        }
        None if classes_known && !ctx.snap.ingress_classes.iter().any(|c| c.is_default()) => {
            let existing: Vec<&str> = ctx
                .snap
                .ingress_classes
                .iter()
                .map(|c| c.metadata.name())
                .collect();
            return Some(
                net(
                    "ingress-no-class",
                    Severity::Warning,
                    o.clone(),
                    "no ingress class and no default IngressClass: controllers may ignore it"
                        .to_string(),
                )
                .explain(
                    "The Ingress names no class (spec.ingressClassName) and no IngressClass is \
                     marked default, so most controllers skip it.",
                )
                .with(
                    "IngressClasses",
                    if existing.is_empty() {
                        "none".to_string()
                    } else {
                        existing.join(", ")
                    },
                )
                .step("kubectl get ingressclass")
                .step(format!(
                    "kubectl edit ingress {}{nsf}   (set spec.ingressClassName)",
                    o.name
                )),
            );
        }
        _ => {}
    }
    // The class is fine (or unknown): has a controller picked the Ingress up?
    if has_address(ing)
        || !classes_known
        || ing
            .metadata
            .creation_timestamp
            .is_none_or(|t| secs_since(t.ts(), ctx.now()) < 5 * 60)
    {
        return None;
    }
    let class = named
        .and_then(|c| ctx.snap.ingress_classes.find("", c))
        .or_else(|| ctx.snap.ingress_classes.iter().find(|c| c.is_default()));
    let class_name = class.map(|c| c.metadata.name()).or(named);
    let controller = class.and_then(|c| {
        c.spec
            .as_ref()?
            .controller
            .as_deref()
            .map(|ctl| format!("{} ({ctl})", c.metadata.name()))
    });
    // Some controllers never write status; if others of the class have an address, this
    // one's controller does, and has not for this Ingress.
    let default_name = ctx
        .snap
        .ingress_classes
        .iter()
        .find(|c| c.is_default())
        .map(|c| c.metadata.name());
    let served_siblings = ctx
        .snap
        .ingresses
        .iter()
        .filter(|i| i.metadata.name() != o.name || i.metadata.namespace() != o.namespace)
        .filter(|i| i.class().or(default_name) == class_name)
        .filter(|i| has_address(i))
        .count();
    let (severity, summary, why) = if served_siblings > 0 {
        (
            Severity::Warning,
            "no address after 5 minutes, while other Ingresses of its class have one".to_string(),
            "Ingress controllers write the address they serve an Ingress on into its status. \
             The controller of this class does that for other Ingresses but not for this one: it \
             rejected it (an invalid annotation or path, a conflict; see the events and the \
             controller's log), or it has been down since this one was created.",
        )
    } else {
        (
            Severity::Info,
            "no address after 5 minutes: no ingress controller has published one".to_string(),
            "Ingress controllers write the address they serve an Ingress on into its status, and \
             no Ingress of this class has one: its controller is not running, does not watch \
             this class or namespace, or does not publish status at all (some are set up that \
             way).",
        )
    };
    Some(
        net("ingress-no-controller", severity, o.clone(), summary)
            .explain(why)
            .with(
                "class",
                controller.unwrap_or_else(|| named.unwrap_or("(default)").to_string()),
            )
            .with(
                "Ingresses of the class with an address",
                served_siblings.to_string(),
            )
            .events(ctx, &[], false)
            .step("kubectl get ingressclass -o wide")
            .step("kubectl get pods -A -l app.kubernetes.io/component=controller")
            .step(format!("kubectl describe ingress {}{nsf}", o.name)),
    )
}

fn has_address(ing: &Ingress) -> bool {
    ing.status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.as_ref())
        .is_some_and(|i| !i.is_empty())
}

fn port_text(b: &IngressServiceBackend) -> String {
    match &b.port {
        Some(p) => match (&p.name, p.number) {
            (Some(n), _) => n.to_string(),
            (None, Some(n)) => n.to_string(),
            _ => "(none)".to_string(),
        },
        None => "(none)".to_string(),
    }
}

fn backends(ctx: &Ctx, ing: &Ingress) -> Vec<Finding> {
    let o = obj("Ingress", &ing.metadata);
    let nsf = ns_flag(&o.namespace);
    if !ctx.snap.has_kind(Kind::Service) {
        return Vec::new();
    }
    let mut missing: Vec<String> = Vec::new();
    let mut bad_port: Vec<(String, String, String)> = Vec::new();
    for b in ing.backends() {
        let Some(svc_ref) = b.service.as_ref() else {
            continue;
        };
        let Some(svc) = ctx.snap.services.find(&o.namespace, &svc_ref.name) else {
            if !missing.contains(&svc_ref.name.to_string()) {
                missing.push(svc_ref.name.to_string());
            }
            continue;
        };
        let ports = svc.spec.as_ref().and_then(|s| s.ports.as_ref());
        if svc.type_() == "ExternalName" && ports.is_none_or(|p| p.is_empty()) {
            continue;
        }
        let found = match svc_ref.port.as_ref() {
            Some(p) => match (&p.name, p.number) {
                (Some(name), _) => ports
                    .into_iter()
                    .flatten()
                    .any(|sp| sp.name.as_deref() == Some(name.as_str())),
                (None, Some(n)) => ports.into_iter().flatten().any(|sp| sp.port == n),
                (None, None) => false,
            },
            None => false,
        };
        if !found {
            let have: Vec<String> = ports
                .into_iter()
                .flatten()
                .map(|p| match &p.name {
                    Some(n) if !n.is_empty() => format!("{n}:{}", p.port),
                    _ => p.port.to_string(),
                })
                .collect();
            let entry = (
                svc_ref.name.to_string(),
                port_text(svc_ref),
                have.join(", "),
            );
            if !bad_port.contains(&entry) {
                bad_port.push(entry);
            }
        }
    }
    let mut out = Vec::new();
    if !missing.is_empty() {
        // A Service named only by spec.defaultBackend serves the requests no rule matches.
        let default_only = |name: &str| {
            let spec = ing.spec.as_ref();
            let default = spec
                .and_then(|s| s.default_backend.as_ref())
                .and_then(|b| b.service.as_ref())
                .is_some_and(|s| *s.name == *name);
            let in_rules = spec
                .into_iter()
                .flat_map(|s| s.rules.iter().flatten())
                .flat_map(|r| r.http.iter().flat_map(|h| h.paths.iter()))
                .filter_map(|p| p.backend.service.as_ref())
                .any(|s| *s.name == *name);
            default && !in_rules
        };
        let named: Vec<String> = missing
            .iter()
            .map(|m| {
                if default_only(m) {
                    format!("default backend Service {m}")
                } else {
                    format!("backend Service {m}")
                }
            })
            .collect();
        let verb = if missing.len() == 1 {
            "does not exist"
        } else {
            "do not exist"
        };
        let mut f = net(
            "ingress-backend-missing",
            Severity::Error,
            o.clone(),
            format!("{} {verb}", named.join(", ")),
        )
        .explain(
            "Requests routed to a Service that does not exist fail (the controller answers 503 \
             or 404 for those paths; the default backend gets every request no rule matches).",
        );
        for m in &missing {
            let label = if default_only(m) {
                format!("{m} (spec.defaultBackend)")
            } else {
                m.clone()
            };
            f = f
                .with("missing Service", label)
                .step(format!("kubectl get service {m}{nsf}"));
        }
        out.push(f.step(format!("kubectl get services{nsf}")));
    }
    if !bad_port.is_empty() {
        let (svc, port, _) = &bad_port[0];
        let mut f = net(
            "ingress-backend-port-missing",
            Severity::Error,
            o.clone(),
            format!("backend port {port} is not a port of Service {svc}"),
        )
        .explain(
            "The Ingress sends traffic to a Service port (by number, or by the port's name) that \
             the Service does not define, so the controller has no endpoints for that path.",
        );
        for (svc, port, have) in &bad_port {
            f = f.with(
                &format!("Service {svc}"),
                format!(
                    "asked port {port}; the Service has {}",
                    if have.is_empty() { "no ports" } else { have }
                ),
            );
        }
        out.push(
            f.step(format!(
                "kubectl get service {svc}{nsf} -o jsonpath='{{.spec.ports}}'"
            ))
            .step(format!(
                "kubectl edit ingress {}{nsf}   (fix the backend port)",
                o.name
            )),
        );
    }
    out
}

/// How to make the Secret again as a TLS Secret: from the files a generic Secret was made of
/// (`--from-file` names each key after its file) when its keys say which is which.
fn recreate_tls_secret(name: &str, nsf: &str, keys: &[String]) -> String {
    let pick = |words: &[&str]| {
        keys.iter()
            .find(|k| words.iter().any(|w| k.to_ascii_lowercase().contains(w)))
            .cloned()
    };
    let (cert, key) = match (pick(&["crt", "cert", "chain"]), pick(&["key"])) {
        (Some(c), Some(k)) if c != k => (c, k),
        _ => ("tls.crt".to_string(), "tls.key".to_string()),
    };
    format!(
        "kubectl delete secret {name}{nsf} && kubectl create secret tls {name}{nsf} \
         --cert={cert} --key={key}   (a Secret's type cannot change; the files hold the PEM \
         certificate and key)"
    )
}

fn tls(ctx: &Ctx, ing: &Ingress) -> Vec<Finding> {
    let o = obj("Ingress", &ing.metadata);
    let nsf = ns_flag(&o.namespace);
    if !ctx.snap.has_kind(Kind::Secret) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for t in ing.spec.iter().flat_map(|s| s.tls.iter().flatten()) {
        let Some(name) = t.secret_name.as_deref().filter(|n| !n.is_empty()) else {
            continue;
        };
        let hosts = t
            .hosts
            .iter()
            .flatten()
            .map(|h| h.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        match ctx.snap.secret(&o.namespace, name) {
            None => out.push(
                net(
                    "ingress-tls-secret-missing",
                    Severity::Error,
                    o.clone(),
                    format!("TLS Secret {name} does not exist"),
                )
                .explain(
                    "The TLS section names a Secret that is not in the Ingress's namespace, so the \
                     controller serves its default (self-signed) certificate for these hosts, or \
                     no HTTPS at all. If cert-manager should issue it, its Certificate is not ready.",
                )
                .with("secretName", name)
                .with("hosts", hosts)
                .step(format!("kubectl get secret {name}{nsf}"))
                .step(format!("kubectl get certificate{nsf}   (if cert-manager issues it)")),
            ),
            Some(s) => {
                let keys = s.keys.as_deref();
                let lacks_keys = keys.is_some_and(|k| {
                    !k.iter().any(|x| x == "tls.crt") || !k.iter().any(|x| x == "tls.key")
                });
                if lacks_keys {
                    let type_ = s.type_.as_deref().unwrap_or("");
                    let summary = if !type_.is_empty() && type_ != "kubernetes.io/tls" {
                        format!(
                            "TLS Secret {name} is of type {type_}, not kubernetes.io/tls, and has \
                             no tls.crt/tls.key"
                        )
                    } else {
                        format!("TLS Secret {name} has no tls.crt/tls.key")
                    };
                    out.push(
                        net(
                            "ingress-tls-secret-invalid",
                            Severity::Error,
                            o.clone(),
                            summary,
                        )
                        .explain(
                            "A TLS Secret must hold the certificate in tls.crt and the key in \
                             tls.key (type kubernetes.io/tls); the controller cannot use this one.",
                        )
                        .with("secretName", name)
                        .with("type", s.type_.as_deref().unwrap_or("(unknown)"))
                        .with(
                            "keys",
                            keys.map(|k| k.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "))
                                .unwrap_or_default(),
                        )
                        .step(format!("kubectl describe secret {name}{nsf}"))
                        .step(recreate_tls_secret(
                            name,
                            &nsf,
                            &keys
                                .unwrap_or_default()
                                .iter()
                                .map(|k| k.to_string())
                                .collect::<Vec<_>>(),
                        )),
                    );
                }
                if let Some(Ok(leaf)) = &s.tls_leaf {
                    let wanted: Vec<String> = t.hosts.iter().flatten().map(|h| h.to_string()).collect();
                    out.extend(certificate(ctx, ing, name, leaf, &wanted));
                }
            }
        }
    }
    out
}

/// The TLS Secret's certificate against the hosts it is meant for (SAN matching as TLS
/// clients do it: `*.example.com` covers one label) and its validity.
fn certificate(
    ctx: &Ctx,
    ing: &Ingress,
    secret: &str,
    leaf: &crate::certs::CertInfo,
    hosts: &[String],
) -> Vec<Finding> {
    let o = obj("Ingress", &ing.metadata);
    let nsf = ns_flag(&o.namespace);
    let mut out = Vec::new();
    let names: Vec<String> = leaf
        .dns_names
        .iter()
        .chain(leaf.ip_addresses.iter())
        .cloned()
        .collect();
    let names_text = if names.is_empty() {
        "no subjectAltName".to_string()
    } else {
        names.join(", ")
    };
    let uncovered: Vec<&String> = hosts.iter().filter(|h| !leaf.covers(h)).collect();
    let inspect = format!(
        "kubectl get secret {secret}{nsf} -o jsonpath='{{.data.tls\\.crt}}' | base64 -d | openssl x509 -noout -subject -ext subjectAltName -enddate"
    );
    if !uncovered.is_empty() {
        let list: Vec<&str> = uncovered.iter().map(|h| h.as_str()).collect();
        out.push(
            net(
                "ingress-tls-host-mismatch",
                Severity::Error,
                o.clone(),
                format!(
                    "the certificate in TLS Secret {secret} does not cover {} (it is for {names_text})",
                    list.join(", ")
                ),
            )
            .explain(
                "Clients check that the server's certificate names the host they asked for \
                 (its subjectAltName; a wildcard covers one label). For these hosts the \
                 controller serves a certificate for other names, so browsers and clients \
                 refuse the connection (NET::ERR_CERT_COMMON_NAME_INVALID, \"x509: certificate \
                 is valid for …, not …\").",
            )
            .with("secretName", secret)
            .with("hosts not covered", list.join(", "))
            .with("certificate names", names_text.clone())
            .with("subject", leaf.subject.clone())
            .step(inspect.clone())
            .step("issue a certificate whose subjectAltName lists every host of the TLS section (or fix spec.tls[].hosts)"),
        );
    }
    let now = ctx.now();
    if leaf.not_after < now {
        out.push(
            net(
                "ingress-tls-cert-expired",
                Severity::Error,
                o.clone(),
                format!(
                    "the certificate in TLS Secret {secret} expired on {}",
                    leaf.not_after.strftime("%Y-%m-%d %H:%M UTC")
                ),
            )
            .explain(
                "Clients refuse an expired certificate (\"x509: certificate has expired or is \
                 not yet valid\"). If cert-manager manages it, its Certificate failed to renew.",
            )
            .with("secretName", secret)
            .with("not after", leaf.not_after.to_string())
            .with("certificate names", names_text)
            .step(inspect)
            .step(format!(
                "kubectl get certificate{nsf}   (if cert-manager issues it)"
            )),
        );
    }
    out
}

#[cfg(test)]
#[path = "ingress_tests.rs"]
mod tests;
