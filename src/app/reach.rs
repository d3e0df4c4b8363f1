//! "Can A reach B" in the TUI (issue 15): from a pod or Service — a Pods or Services row, or the
//! selected finding of the Troubleshoot view — a fuzzy picker chooses the other end (pods and
//! Services in scope; `:PORT` after the filter sets a port), the engine thread answers from its
//! snapshot (`Effect::Reach` → `Msg::Reached`, the same `troubleshoot::reach` as `kmedic
//! reach`), and a scrollable view shows one line per hop with its verdict, detail and deciding
//! policies.

use crate::model::ResourceKind;
use crate::troubleshoot::reach::{HopVerdict, Reach, Target};

use super::effect::Effect;
use super::nav;
use super::overlay::Overlay;
use super::picker::Picker;
use super::state::{AppState, say};
use super::text_view::TextView;

/// Which end the picker chooses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The source pod (`NAMESPACE/POD`).
    From,
    /// The destination: a pod, a Service (`svc/NAMESPACE/NAME`) or a typed IP address.
    To,
}

/// The picker of one end of the question.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachPick {
    pub picker: Picker,
    pub choosing: End,
    /// The source already chosen (when choosing the destination).
    pub from: Option<String>,
    /// The destination already chosen (when choosing the source).
    pub to: Option<String>,
    /// What can be chosen, in the `kmedic reach` spelling.
    pub candidates: Vec<String>,
}

/// One question and, once the engine answered, its hops.
#[derive(Debug, Clone)]
pub struct ReachView {
    pub request: u64,
    pub from: String,
    pub to: String,
    pub port: Option<u16>,
    pub result: Option<Result<Reach, String>>,
    pub view: TextView,
}

/// A line of the view; `verdict` colours it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachLine {
    pub text: String,
    pub verdict: Option<HopVerdict>,
}

impl ReachPick {
    /// The typed filter without a trailing `:PORT`, and that port.
    pub fn filter_and_port(&self) -> (&str, Option<u16>) {
        split_port(self.picker.filter.trim())
    }

    /// The candidates the filter keeps (fuzzy: the typed characters in order), those that
    /// contain it as typed first.
    pub fn entries(&self) -> Vec<String> {
        let (filter, _) = self.filter_and_port();
        let needle = filter.to_ascii_lowercase();
        let (mut exact, fuzzy): (Vec<&String>, Vec<&String>) = self
            .candidates
            .iter()
            .filter(|c| needle.is_empty() || super::contexts::fuzzy_match(&needle, c))
            .partition(|c| c.to_ascii_lowercase().contains(&needle));
        exact.extend(fuzzy);
        exact.into_iter().cloned().collect()
    }

    /// The picker's title: what is asked, and what is already known.
    pub fn title(&self) -> String {
        match (self.choosing, &self.from, &self.to) {
            (End::To, Some(from), _) => format!("Reach from {from} to"),
            (End::From, _, Some(to)) => format!("Reach {to} from pod"),
            _ => "Reach from pod".to_string(),
        }
    }
}

/// `web:8080` → (`web`, 8080); anything else is all filter.
fn split_port(text: &str) -> (&str, Option<u16>) {
    if let Some((head, port)) = text.rsplit_once(':')
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && let Ok(port) = port.parse::<u16>()
        && port > 0
    {
        return (head, Some(port));
    }
    (text, None)
}

/// The pods in scope, as `NAMESPACE/POD`.
fn pods(state: &AppState) -> Vec<String> {
    let mut out: Vec<String> = state
        .rows(ResourceKind::Pods)
        .iter()
        .map(|r| format!("{}/{}", r.key.namespace, r.key.name))
        .collect();
    out.sort();
    out
}

/// The pods, then the Services (`svc/NAMESPACE/NAME`) in scope.
fn destinations(state: &AppState) -> Vec<String> {
    let mut services: Vec<String> = state
        .rows(ResourceKind::Services)
        .iter()
        .map(|r| format!("svc/{}/{}", r.key.namespace, r.key.name))
        .collect();
    services.sort();
    let mut out = pods(state);
    out.extend(services);
    out
}

/// Opens the picker for the other end of `known` (a pod is the source, a Service the
/// destination); with nothing known, the source is picked first.
pub fn open(state: &mut AppState, known: Option<(ResourceKind, String, String)>) -> Vec<Effect> {
    let pick = match known {
        Some((ResourceKind::Pods, ns, name)) => ReachPick {
            picker: Picker::default(),
            choosing: End::To,
            from: Some(format!("{ns}/{name}")),
            to: None,
            candidates: destinations(state),
        },
        Some((ResourceKind::Services, ns, name)) => ReachPick {
            picker: Picker::default(),
            choosing: End::From,
            from: None,
            to: Some(format!("svc/{ns}/{name}")),
            candidates: pods(state),
        },
        _ => ReachPick {
            picker: Picker::default(),
            choosing: End::From,
            from: None,
            to: None,
            candidates: pods(state),
        },
    };
    nav::open(state, Overlay::ReachPicker(Box::new(pick)));
    Vec::new()
}

/// `R` on a table: from the selected pod, or to the selected Service.
pub fn open_from_table(state: &mut AppState) -> Vec<Effect> {
    let kind = state.shown_kind();
    let Some(row) = state.selected_row().cloned() else {
        say(
            state,
            "no row selected: reach starts from a pod or a Service",
            true,
        );
        return Vec::new();
    };
    if !matches!(kind, ResourceKind::Pods | ResourceKind::Services) {
        say(
            state,
            "reach starts from a pod or a Service: open the Pods (1) or Services (3) table",
            true,
        );
        return Vec::new();
    }
    open(
        state,
        Some((
            kind,
            row.key.namespace.to_string(),
            row.key.name.to_string(),
        )),
    )
}

/// `R` on the Troubleshoot view: from the selected finding's pod, or to its Service; else
/// both ends are picked.
pub fn open_from_finding(state: &mut AppState) -> Vec<Effect> {
    let known = state.troubleshoot.selected_finding().and_then(|f| {
        let kind = match f.object.kind.as_str() {
            "Pod" => ResourceKind::Pods,
            "Service" => ResourceKind::Services,
            _ => return None,
        };
        Some((kind, f.object.namespace.clone(), f.object.name.clone()))
    });
    open(state, known)
}

/// `R` on the answer: ask again from the same source to another destination.
pub fn open_from_view(state: &mut AppState) -> Vec<Effect> {
    let Some(Overlay::Reach(view)) = &state.overlay else {
        return Vec::new();
    };
    let (ns, name) = view
        .from
        .split_once('/')
        .unwrap_or(("", view.from.as_str()));
    let known = Some((ResourceKind::Pods, ns.to_string(), name.to_string()));
    nav::back(state);
    open(state, known)
}

/// Enter in the picker: the chosen end (or the typed text when nothing matches: an IP address
/// or a name not listed); then the other end, or the question.
pub fn choose(state: &mut AppState) -> Vec<Effect> {
    let Some(Overlay::ReachPicker(pick)) = &state.overlay else {
        return Vec::new();
    };
    let pick = (**pick).clone();
    let (filter, port) = pick.filter_and_port();
    let entries = pick.entries();
    // A destination may be typed (an IP address, a name not listed); the source must be a
    // pod kmedic knows, unless it cannot list pods.
    let typed_ok = pick.choosing == End::To || pick.candidates.is_empty();
    let choice = entries
        .get(pick.picker.selected)
        .cloned()
        .or_else(|| (typed_ok && !filter.is_empty()).then(|| filter.to_string()));
    let Some(choice) = choice else {
        if !filter.is_empty() {
            say(state, format!("no pod in scope matches {filter:?}"), true);
        }
        return Vec::new();
    };
    if let Err(e) = Target::parse(&choice) {
        say(state, e, true);
        return Vec::new();
    }
    nav::back(state);
    match (pick.choosing, pick.from, pick.to) {
        (End::From, _, Some(to)) => ask(state, choice, to, port),
        (End::From, _, None) => {
            if matches!(
                Target::parse(&choice),
                Ok(Target::Service { .. } | Target::Ip(_))
            ) {
                say(state, "the source must be a pod: NAMESPACE/POD", true);
                return Vec::new();
            }
            let (ns, name) = choice.split_once('/').unwrap_or(("", choice.as_str()));
            open(
                state,
                Some((ResourceKind::Pods, ns.to_string(), name.to_string())),
            )
        }
        (End::To, Some(from), _) => ask(state, from, choice, port),
        (End::To, None, _) => Vec::new(),
    }
}

/// Opens the answer's view and asks the engine.
fn ask(state: &mut AppState, from: String, to: String, port: Option<u16>) -> Vec<Effect> {
    let Ok(target) = Target::parse(&to) else {
        return Vec::new();
    };
    let request = state.next_request;
    state.next_request += 1;
    nav::open(
        state,
        Overlay::Reach(Box::new(ReachView {
            request,
            from: from.clone(),
            to,
            port,
            result: None,
            view: TextView::default(),
        })),
    );
    vec![Effect::Reach {
        request,
        from,
        to: target,
        port,
    }]
}

/// The engine's answer to request `request`.
pub fn on_reached(state: &mut AppState, request: u64, result: Result<Reach, String>) {
    if let Some(Overlay::Reach(view)) = &mut state.overlay
        && view.request == request
    {
        view.result = Some(result);
        state.dirty = true;
    }
}

/// Columns before a hop's detail ("  hop         verdict  "): wrapped detail rows start there.
const HOP_INDENT: usize = 2 + 11 + 1 + 8 + 1;

/// The view's rows at `width` columns: long lines word-wrapped, a hop's continuation rows
/// indented under its detail. The renderer draws these and scrolling counts them.
pub fn rows(view: &ReachView, width: usize) -> Vec<ReachLine> {
    let mut out = Vec::new();
    for line in lines(view) {
        let indent = if line.text.starts_with("  ") && width > HOP_INDENT + 10 {
            HOP_INDENT
        } else {
            0
        };
        let (head, rest) = match line.text.char_indices().nth(indent) {
            Some((at, _)) => line.text.split_at(at),
            None => (line.text.as_str(), ""),
        };
        let wrapped = super::wrap::wrap(&[((), rest.to_string())], width.max(1) - indent);
        for (i, row) in wrapped.into_iter().enumerate() {
            let body: String = row.into_iter().map(|(_, t)| t).collect();
            let lead = if i == 0 {
                head.to_string()
            } else {
                " ".repeat(indent)
            };
            out.push(ReachLine {
                text: format!("{lead}{}", body.trim_end()),
                verdict: line.verdict,
            });
        }
    }
    out
}

/// The view's lines: the question, one line per hop (and its deciding policies), the verdict.
pub fn lines(view: &ReachView) -> Vec<ReachLine> {
    let plain = |text: String| ReachLine {
        text,
        verdict: None,
    };
    let port = view.port.map(|p| format!(" port {p}")).unwrap_or_default();
    let mut out = vec![plain(format!("{} → {}{port}", view.from, view.to))];
    match &view.result {
        None => out.push(plain("asking the engine…".to_string())),
        Some(Err(e)) => out.push(ReachLine {
            text: format!("cannot tell: {e}"),
            verdict: Some(HopVerdict::Unknown),
        }),
        Some(Ok(answer)) => {
            for h in &answer.hops {
                out.push(ReachLine {
                    text: format!("  {:<11} {:<8} {}", h.hop, h.verdict.word(), h.detail),
                    verdict: Some(h.verdict),
                });
                if !h.policies.is_empty() {
                    out.push(plain(format!(
                        "  {:<11} {:<8} policies: {}",
                        "",
                        "",
                        h.policies.join(", ")
                    )));
                }
            }
            let first_bad = answer.deciding_hop();
            let text = match (answer.verdict, first_bad) {
                (HopVerdict::Allowed, _) => "verdict: allowed".to_string(),
                (v, Some(h)) => format!("verdict: {} (first at hop {})", v.word(), h.hop),
                (v, None) => format!("verdict: {}", v.word()),
            };
            out.push(ReachLine {
                text,
                verdict: Some(answer.verdict),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests;
