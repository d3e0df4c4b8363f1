//! Ingress backends that exist but cannot serve: the backend Service (with the asked port)
//! has no ready endpoint, so the Ingress controller answers `503 Service Temporarily
//! Unavailable` for its paths. The Service's own finding (no pods selected, pods not ready) is
//! linked as the cause (see `links_net`).

use crate::findings::{Finding, Severity};
use crate::objects::Ingress;

use super::Ctx;
use super::build::{FindingExt, net, ns_flag, obj};
use super::service::ready_endpoints;

pub const CHECK: &str = "ingress-backend-no-ready-endpoints";

pub fn check(ctx: &Ctx, ing: &Ingress, out: &mut Vec<Finding>) {
    let o = obj("Ingress", &ing.metadata);
    let nsf = ns_flag(&o.namespace);
    let mut empty: Vec<String> = Vec::new();
    for b in ing.backends() {
        let Some(svc_ref) = b.service.as_ref() else {
            continue;
        };
        let name = svc_ref.name.to_string();
        if empty.contains(&name) {
            continue;
        }
        // A Service that does not exist is `ingress-backend-missing`'s finding.
        let Some(svc) = ctx.snap.services.find(&o.namespace, &name) else {
            continue;
        };
        if svc.type_() == "ExternalName" {
            continue;
        }
        if ready_endpoints(ctx, svc) == Some(0) {
            empty.push(name);
        }
    }
    let Some(first) = empty.first() else {
        return;
    };
    let summary = if empty.len() == 1 {
        format!("backend Service {first} has no ready endpoints")
    } else {
        format!(
            "backend Services {} have no ready endpoints",
            empty.join(", ")
        )
    };
    let mut f = net(CHECK, Severity::Error, o.clone(), summary).explain(
        "The Ingress controller sends each request to a ready endpoint of the backend Service. \
         With none, the paths routed to it fail (most controllers answer 503 Service \
         Temporarily Unavailable) although the Ingress and the Service look fine.",
    );
    for name in &empty {
        f = f
            .with("Service", format!("{name}: 0 ready endpoints"))
            .step(format!(
                "kubectl get endpointslices -l kubernetes.io/service-name={name}{nsf}"
            ))
            .step(format!("kubectl describe service {name}{nsf}"));
    }
    out.push(f);
}
