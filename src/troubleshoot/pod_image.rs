//! Image pull failures (ErrImagePull, ImagePullBackOff, InvalidImageName, …), classified from
//! the waiting message and the kubelet's `Failed` events: image not found, unauthorized (and
//! whether the pod's pull secrets exist), registry unreachable, rate limited, bad reference.

use crate::objects::Kind;
use crate::objects::{ContainerStatus, Pod};

use super::Ctx;
use super::build::{FindingExt, app, ns_flag, obj};
use super::container::{spec, statuses, waiting_message, waiting_reason};
use crate::findings::{Finding, Severity};

const PULL_REASONS: &[&str] = &[
    "ErrImagePull",
    "ImagePullBackOff",
    "InvalidImageName",
    "ErrImageNeverPull",
    "ImageInspectError",
];

/// Why an image cannot be pulled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullProblem {
    NotFound,
    Unauthorized,
    /// Docker's "pull access denied … repository does not exist or may require 'docker login'"
    /// (and containerd's "… may require authorization"): the registry does not say which.
    DeniedOrMissing,
    MissingPullSecret,
    Unreachable,
    RateLimited,
    InvalidReference,
    NeverPull,
    Unknown,
}

impl PullProblem {
    fn label(self) -> &'static str {
        match self {
            PullProblem::NotFound => "image not found",
            PullProblem::Unauthorized => "unauthorized",
            PullProblem::DeniedOrMissing => {
                "access denied (the repository does not exist, or needs credentials)"
            }
            PullProblem::MissingPullSecret => "missing pull secret",
            PullProblem::Unreachable => "registry unreachable",
            PullProblem::RateLimited => "rate limited",
            PullProblem::InvalidReference => "invalid image reference",
            PullProblem::NeverPull => "image not present and pull policy Never",
            PullProblem::Unknown => "pull failed",
        }
    }

    fn explanation(self) -> &'static str {
        match self {
            PullProblem::NotFound => {
                "The registry answered that this repository or tag does not exist: the image \
                 name or tag is wrong, or it was never pushed."
            }
            PullProblem::Unauthorized => {
                "The registry refused the credentials (or none were sent): the image is \
                 private and the pod's pull secret is missing, wrong, or for another registry."
            }
            PullProblem::DeniedOrMissing => {
                "The registry denied the pull without saying why: it answers the same for a \
                 repository that does not exist and for a private one pulled without valid \
                 credentials. Check the image name first, then the pod's pull secret."
            }
            PullProblem::MissingPullSecret => {
                "The registry requires credentials and the pull secret the pod references \
                 does not exist in its namespace, so the kubelet pulls anonymously and is refused."
            }
            PullProblem::Unreachable => {
                "The node cannot reach the registry: DNS, egress firewall/proxy, or the \
                 registry's TLS certificate is not trusted."
            }
            PullProblem::RateLimited => {
                "The registry is rate-limiting pulls (e.g. Docker Hub anonymous limits)."
            }
            PullProblem::InvalidReference => "The image reference cannot be parsed.",
            PullProblem::NeverPull => {
                "imagePullPolicy is Never and the image is not present on the node."
            }
            PullProblem::Unknown => "The kubelet cannot fetch the image.",
        }
    }
}

/// Classifies one message.
pub fn classify(text: &str) -> PullProblem {
    let t = text.to_ascii_lowercase();
    if t.contains("invalid reference format") || t.contains("couldn't parse image") {
        PullProblem::InvalidReference
    } else if t.contains("toomanyrequests") || t.contains("rate limit") {
        PullProblem::RateLimited
    } else if t.contains("repository does not exist or may require") {
        PullProblem::DeniedOrMissing
    } else if t.contains("401")
        || t.contains("403 forbidden")
        || t.contains("unauthorized")
        || t.contains("pull access denied")
        || t.contains("authorization failed")
        || t.contains("authentication required")
        || t.contains("denied: ")
    {
        PullProblem::Unauthorized
    } else if t.contains("not found") || t.contains("manifest unknown") || t.contains("notfound") {
        PullProblem::NotFound
    } else if t.contains("no such host")
        || t.contains("i/o timeout")
        || t.contains("x509")
        || t.contains("connection refused")
        || t.contains("tls handshake timeout")
        || t.contains("network is unreachable")
    {
        PullProblem::Unreachable
    } else if t.contains("errimageneverpull") || t.contains("neverpull") {
        PullProblem::NeverPull
    } else {
        PullProblem::Unknown
    }
}

pub fn check(ctx: &Ctx, pod: &Pod, out: &mut Vec<Finding>) {
    for (_, c) in statuses(pod) {
        if let Some(reason) = waiting_reason(c).filter(|r| PULL_REASONS.contains(r)) {
            out.push(pull_failure(ctx, pod, c, reason));
        }
    }
}

fn pull_failure(ctx: &Ctx, pod: &Pod, c: &ContainerStatus, reason: &str) -> Finding {
    let o = obj("Pod", &pod.metadata);
    let nsf = ns_flag(&o.namespace);
    let image = spec(pod, &c.name)
        .and_then(|s| s.image.clone())
        .unwrap_or_else(|| c.image.clone());
    // Events of this container mentioning a pull problem, newest first.
    let events: Vec<_> = ctx
        .snap
        .events_for("Pod", &o.namespace, &o.name)
        .filter(|e| e.container().is_none_or(|n| n == c.name))
        .filter(|e| e.reason == "Failed" || e.reason == "InspectFailed")
        .filter(|e| !e.message.starts_with("Error: "))
        .collect();
    let mut problem = classify(waiting_message(c));
    if reason == "InvalidImageName" {
        problem = PullProblem::InvalidReference;
    } else if reason == "ErrImageNeverPull" {
        problem = PullProblem::NeverPull;
    }
    if problem == PullProblem::Unknown {
        problem = events
            .iter()
            .map(|e| classify(&e.message))
            .find(|p| *p != PullProblem::Unknown)
            .unwrap_or(PullProblem::Unknown);
    }
    let secrets: Vec<String> = pod
        .spec
        .as_ref()
        .and_then(|s| s.image_pull_secrets.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|r| Some(r.name.to_string()).filter(|n| !n.is_empty()))
        .collect();
    let missing: Vec<&String> = if ctx.snap.has_kind(Kind::Secret) {
        secrets
            .iter()
            .filter(|s| ctx.snap.secret(&o.namespace, s).is_none())
            .collect()
    } else {
        Vec::new()
    };
    if matches!(
        problem,
        PullProblem::Unauthorized | PullProblem::DeniedOrMissing
    ) && !missing.is_empty()
    {
        problem = PullProblem::MissingPullSecret;
    }
    let mut f = app(
        "pod-image-pull",
        Severity::Error,
        o.clone(),
        format!("cannot pull image {image}: {}", problem.label()),
    )
    .explain(problem.explanation())
    .with("container", c.name.clone())
    .with("image", image.clone())
    .with("state", format!("{reason}: {}", waiting_message(c)))
    .with("classification", problem.label());
    f = f.with(
        "imagePullSecrets",
        if secrets.is_empty() {
            "none".to_string()
        } else {
            secrets.join(", ")
        },
    );
    for m in &missing {
        f = f.with("missing pull secret", format!("{}/{m}", o.namespace));
    }
    for e in events.iter().take(super::build::MAX_EVENTS) {
        f = f.with(&format!("event {}", e.reason), e.evidence(ctx.now()).value);
    }
    f = match problem {
        PullProblem::NotFound | PullProblem::InvalidReference => f.step(format!(
            "check the tags that exist: crane ls {}",
            repo(&image)
        )),
        PullProblem::MissingPullSecret => f.step(format!(
            "kubectl create secret docker-registry {}{nsf} --docker-server={} \
             --docker-username=… --docker-password=…",
            missing.first().map(|m| m.as_str()).unwrap_or("regcred"),
            registry(&image)
        )),
        PullProblem::DeniedOrMissing => f
            .step(format!(
                "check the name and tags: crane ls {}   (with the pod's credentials)",
                repo(&image)
            ))
            .step(match secrets.first() {
                Some(s) => format!(
                    "kubectl get secret {s}{nsf} -o jsonpath='{{.data.\\.dockerconfigjson}}' | base64 -d   \
                     (does it hold valid credentials for {}?)",
                    registry(&image)
                ),
                None => format!(
                    "if the image is private: kubectl create secret docker-registry regcred{nsf} \
                     --docker-server={} --docker-username=… --docker-password=…, then add \
                     imagePullSecrets: [{{name: regcred}}] to the pod template",
                    registry(&image)
                ),
            }),
        PullProblem::Unauthorized => match secrets.first() {
            Some(s) => f.step(format!(
                "kubectl get secret {s}{nsf} -o jsonpath='{{.data.\\.dockerconfigjson}}' | base64 -d   \
                 (does it hold valid credentials for {}?)",
                registry(&image)
            )),
            None => f.step(format!(
                "kubectl create secret docker-registry regcred{nsf} --docker-server={} \
                 --docker-username=… --docker-password=…, then add imagePullSecrets: [{{name: regcred}}] \
                 to the pod template (or to its ServiceAccount {})",
                registry(&image),
                pod.spec.as_ref().map(|s| s.service_account()).unwrap_or("default")
            )),
        },
        _ => f,
    };
    f.step(format!("kubectl describe pod {}{nsf}", o.name))
        .step(format!("on the node: crictl pull {image}"))
}

/// The repository part of an image reference (without tag or digest).
fn repo(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    match no_digest.rfind(':') {
        Some(i) if !no_digest[i..].contains('/') => &no_digest[..i],
        _ => no_digest,
    }
}

/// The registry host of an image reference (docker.io when none is given).
fn registry(image: &str) -> &str {
    match image.split_once('/') {
        Some((host, _)) if host.contains('.') || host.contains(':') || host == "localhost" => host,
        _ => "docker.io",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::super::testutil::*;
    use super::*;
    use serde_json::json;

    fn pulling(reason: &str, message: &str, secrets: serde_json::Value) -> serde_json::Value {
        pod(
            "web",
            json!({"imagePullSecrets": secrets, "nodeName": "n1",
                   "containers": [{"name": "app", "image": "ghcr.io/acme/app:1.999"}]}),
            json!({"phase": "Pending", "containerStatuses": [{"name": "app",
                "image": "ghcr.io/acme/app:1.999", "imageID": "", "ready": false,
                "restartCount": 0, "state": {"waiting": {"reason": reason, "message": message}}}]}),
        )
    }

    #[test]
    fn messages_are_classified() {
        assert_eq!(
            classify("docker.io/library/nginx:1.999: not found"),
            PullProblem::NotFound
        );
        assert_eq!(
            classify("failed to authorize: 401 Unauthorized"),
            PullProblem::Unauthorized
        );
        assert_eq!(
            classify("dial tcp: lookup ghcr.io: no such host"),
            PullProblem::Unreachable
        );
        assert_eq!(classify("429 toomanyrequests"), PullProblem::RateLimited);
        // Docker (dockershim) and containerd on Docker Hub: the same words for a repository
        // that does not exist and for a private one.
        for m in [
            "rpc error: code = Unknown desc = Error response from daemon: pull access denied for \
             acme/api, repository does not exist or may require 'docker login': denied: requested \
             access to the resource is denied",
            "failed to resolve reference \"docker.io/acme/api:1\": pull access denied, repository \
             does not exist or may require authorization: server message: insufficient_scope: \
             authorization failed",
        ] {
            assert_eq!(classify(m), PullProblem::DeniedOrMissing, "{m}");
        }
        assert_eq!(
            classify("unexpected status from HEAD request: 403 Forbidden"),
            PullProblem::Unauthorized
        );
        assert_eq!(repo("ghcr.io/a/b:1"), "ghcr.io/a/b");
        assert_eq!(repo("localhost:5000/b"), "localhost:5000/b");
        assert_eq!(registry("nginx:1"), "docker.io");
        assert_eq!(registry("ghcr.io/a/b:1"), "ghcr.io");
    }

    #[test]
    fn not_found_from_the_event_when_the_state_says_only_backoff() {
        let f = run(vec![
            pulling("ImagePullBackOff", "Back-off pulling image", json!([])),
            event(
                "web",
                "Failed",
                "Warning",
                "Failed to pull image \"ghcr.io/acme/app:1.999\": rpc error: code = NotFound desc = ghcr.io/acme/app:1.999: not found",
                60,
            ),
        ]);
        let p = one(&f, "pod-image-pull");
        assert!(p.summary.ends_with("image not found"), "{}", p.summary);
        assert!(evidence_text(p).contains("event Failed"));
    }

    #[test]
    fn unauthorized_vs_missing_pull_secret() {
        let f = run(vec![pulling("ErrImagePull", "401 Unauthorized", json!([]))]);
        assert!(one(&f, "pod-image-pull").summary.ends_with("unauthorized"));
        let secret_list = json!({"apiVersion": "v1", "kind": "SecretList", "items": []});
        let f = run(vec![
            pulling(
                "ErrImagePull",
                "401 Unauthorized",
                json!([{"name": "regcred"}]),
            ),
            secret_list,
        ]);
        let p = one(&f, "pod-image-pull");
        assert!(p.summary.ends_with("missing pull secret"), "{}", p.summary);
        assert!(evidence_text(p).contains("missing pull secret: ns/regcred"));
    }

    #[test]
    fn invalid_name() {
        let f = run(vec![pulling(
            "InvalidImageName",
            "couldn't parse image reference",
            json!([]),
        )]);
        assert!(
            one(&f, "pod-image-pull")
                .summary
                .ends_with("invalid image reference")
        );
    }

    #[test]
    fn pulling_fine_is_not_flagged() {
        let p = pod(
            "web",
            json!({"nodeName": "n1", "containers": [{"name": "app", "image": "x"}]}),
            json!({"phase": "Pending", "containerStatuses": [{"name": "app", "image": "x",
                "imageID": "", "ready": false, "restartCount": 0,
                "state": {"waiting": {"reason": "ContainerCreating"}}}]}),
        );
        assert!(run(vec![p]).is_empty());
    }
}
