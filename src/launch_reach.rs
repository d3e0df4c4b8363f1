//! `kmedic reach FROM TO`: reads the objects once (the watch caches synced once, read-only,
//! every namespace; or a dump with `--scenario`), asks `troubleshoot::reach` for the hops and
//! prints them as text or JSON (`{"verdict", "hops": [{"hop", "verdict", "detail",
//! "policies"}]}`). Exit code: 0 allowed, 1 denied or broken, 2 could not run or could not
//! tell (a message on stderr, or the verdict `unknown`).

use std::time::Duration;

use crate::cli::{OutputFormat, ReachArgs};
use crate::cluster::{ConnectOptions, Scope, build_client, load_kubeconfig};
use crate::netpolicy::Protocol;
use crate::objects::Kind;
use crate::text_safety::visible;
use crate::troubleshoot::Snapshot;
use crate::troubleshoot::reach::{HopVerdict, Reach, Target, reach};

const SYNC_LIMIT: Duration = Duration::from_secs(60);

/// Runs `kmedic reach`; Ok(exit code), Err(reason) for exit code 2.
pub async fn run(args: &ReachArgs) -> Result<u8, String> {
    let protocol = Protocol::parse_loose(&args.protocol).ok_or_else(|| {
        format!(
            "--protocol {:?} is not TCP, UDP or SCTP",
            visible(&args.protocol)
        )
    })?;
    let to = Target::parse(&args.to).map_err(|e| visible(&e).into_owned())?;
    let snap = match &args.scenario {
        Some(path) => from_dump(path)?,
        None => from_cluster(args).await?,
    };
    let answer =
        reach(&snap, &args.from, &to, args.port, protocol).map_err(|e| visible(&e).into_owned())?;
    let text = match args.output {
        OutputFormat::Json => {
            let value = serde_json::to_value(&answer).map_err(|e| e.to_string())?;
            crate::text_safety::json::to_string_pretty(&value)?
        }
        OutputFormat::Text => text(&args.from, &args.to, &answer),
    };
    crate::text_safety::sink::write_stdout(&text)?;
    Ok(match answer.verdict {
        HopVerdict::Allowed => 0,
        HopVerdict::Denied => 1,
        HopVerdict::Unknown => 2,
    })
}

/// One line per hop, then the verdict; every piece of cluster text made visible.
pub fn text(from: &str, to: &str, answer: &Reach) -> String {
    let mut out = format!("{} → {}\n", visible(from), visible(to));
    for h in &answer.hops {
        out.push_str(&format!(
            "  {:<11} {:<8} {}\n",
            visible(&h.hop),
            h.verdict.word(),
            visible(&h.detail)
        ));
        if !h.policies.is_empty() {
            out.push_str(&format!(
                "  {:<11} {:<8} policies: {}\n",
                "",
                "",
                visible(&h.policies.join(", "))
            ));
        }
    }
    let first_bad = answer.deciding_hop();
    out.push_str(&match (answer.verdict, first_bad) {
        (HopVerdict::Allowed, _) => "verdict: allowed\n".to_string(),
        (v, Some(h)) => format!("verdict: {} (first at hop {})\n", v.word(), visible(&h.hop)),
        (v, None) => format!("verdict: {}\n", v.word()),
    });
    out
}

fn from_dump(path: &std::path::Path) -> Result<Snapshot, String> {
    let objects = crate::sim::scenario::load_path_sourced(path).map_err(|e| e.to_string())?;
    let snapshot =
        Snapshot::from_sourced(objects.into_iter().map(|(v, src)| (v, Some(src))).collect());
    if !Kind::ALL.iter().any(|k| snapshot.has_kind(*k)) {
        return Err(format!(
            "{} holds no Kubernetes objects kmedic can analyse",
            path.display()
        ));
    }
    Ok(snapshot)
}

async fn from_cluster(args: &ReachArgs) -> Result<Snapshot, String> {
    let options = ConnectOptions {
        kubeconfig: args.connect.kubeconfig.clone(),
        context: args.connect.context.clone(),
        namespace: None,
    };
    let setup = load_kubeconfig(&options).map_err(|e| e.to_string())?;
    let client = build_client(&setup, false).await?;
    let synced = crate::cluster::sync::sync_once(client, Scope::All, SYNC_LIMIT).await;
    let mut snap = Snapshot::default();
    for change in synced.changes {
        snap.apply(change);
    }
    if !snap.has_kind(Kind::Pod) {
        return Err(format!(
            "could not list pods from {}: reachability cannot be judged",
            setup.server
        ));
    }
    Ok(snap)
}
