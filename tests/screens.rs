//! Every screen of the built-in scenario at 80x24 and 160x45, reached the way a user gets there
//! (keys from the table), snapshotted with its footer; every key a footer names must resolve in
//! that screen's keymap layer. Back-navigation returns where it came from. The README's
//! pictures (`assets/screens/*.svg`) are written from these same renders:
//!
//!     KMEDIC_UPDATE_IMAGES=1 cargo test --test screens
//!
//! and this test fails when a committed picture no longer matches what kmedic draws.
#![allow(clippy::unwrap_used)]

#[path = "fixtures/certs/gen.rs"]
mod generated;
mod support;

use crossterm::event::{KeyCode, KeyEvent};
use kmedic::app::Msg;
use kmedic::app::action::Action;
use kmedic::app::overlay::Overlay;
use kmedic::app::screens;
use kmedic::config::key::KeySpec;
use kmedic::runtime::Session;
use support::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 45)];

/// The keys named in the footer line (`<q> back  <Enter> describe`).
fn footer_keys(screen: &str) -> Vec<String> {
    let footer = screen.lines().last().unwrap_or_default();
    let re = regex::Regex::new(r"<([^<>]+)>").unwrap();
    re.captures_iter(footer).map(|c| c[1].to_string()).collect()
}

/// A footer key as the keymap files write it.
fn key_event(text: &str) -> Option<KeyEvent> {
    let name = match text {
        "↑" => "Up",
        "↓" => "Down",
        "←" => "Left",
        "→" => "Right",
        other => other,
    };
    let spec = KeySpec::parse(name)?;
    Some(KeyEvent::new(spec.code, spec.modifiers))
}

/// The hints of the footer line, as (key, label): `<q> back  <Enter> describe`.
fn footer_hints(screen: &str) -> Vec<(String, String)> {
    let footer = screen.lines().last().unwrap_or_default();
    let re = regex::Regex::new(r"<([^<>]+)> ([^<]*)").unwrap();
    re.captures_iter(footer)
        .map(|c| (c[1].to_string(), c[2].trim().to_string()))
        .collect()
}

/// What a key can change that a user sees: the screen, its cursor and scroll, the input line,
/// the question, the notice.
fn fingerprint(st: &kmedic::app::state::AppState) -> String {
    let t = &st.troubleshoot;
    format!(
        "{:?}|{}|{:?}|{}|{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{}/{}/{}",
        st.overlay,
        st.stack.len(),
        st.input,
        st.confirm_quit,
        st.quit,
        st.notice,
        st.view,
        st.scope,
        st.table(),
        st.browse,
        st.favourites,
        t.tab,
        t.selected,
        t.detail_scroll,
    )
}

/// Keys that move or scroll, which have nothing to do when everything fits.
const SCROLLS: &[Action] = &[
    Action::Up,
    Action::Down,
    Action::PageUp,
    Action::PageDown,
    Action::Top,
    Action::Bottom,
    Action::Left,
    Action::Right,
    Action::DetailUp,
    Action::DetailDown,
    Action::JumpLive,
];

/// Fails when the footer on screen names a key the screen's layer does not bind, names one
/// twice, or offers a key that does nothing (or fails) there, or whose label says `quit` or
/// `back` when the key does the other.
fn check_footer(s: &Session, screen: &str, name: &str) {
    let st = &s.state;
    if st.input.is_some() || st.notice.is_some() || st.confirm_quit {
        return;
    }
    let layer = screens::layer(st);
    let keys = footer_keys(screen);
    assert!(!keys.is_empty(), "{name}: no footer hints\n{screen}");
    let hints = footer_hints(screen);
    for (i, (key, label)) in hints.iter().enumerate() {
        assert!(
            hints[..i].iter().all(|(k, l)| k != key && l != label),
            "{name}: the footer offers <{key}> {label} twice\n{screen}"
        );
    }
    for (key, label) in hints {
        let event = key_event(&key).unwrap_or_else(|| panic!("{name}: footer key <{key}>"));
        assert!(
            st.keymap.resolve(layer, &event).is_some(),
            "{name}: the footer names <{key}>, which [{}] does not bind\n{screen}",
            layer.section()
        );
        let mut probe = st.clone();
        let before = fingerprint(&probe);
        let effects = screens::on_key(&mut probe, &event);
        if let Some(notice) = probe.notice.as_ref().filter(|n| n.error) {
            panic!("{name}: <{key}> {label} fails: {}\n{screen}", notice.text);
        }
        // Scrolling does nothing when everything fits; every other key must.
        let action = st.keymap.resolve(layer, &event);
        let scrolls = action.is_some_and(|a| SCROLLS.contains(&a));
        assert!(
            scrolls || !effects.is_empty() || fingerprint(&probe) != before,
            "{name}: <{key}> {label} does nothing\n{screen}"
        );
        match label.as_str() {
            "quit" => assert!(
                probe.confirm_quit || probe.quit,
                "{name}: <{key}> says quit but does not\n{screen}"
            ),
            "back" => assert!(
                !probe.confirm_quit && !probe.quit,
                "{name}: <{key}> says back but asks to quit\n{screen}"
            ),
            _ => {}
        }
    }
}

/// Snapshots the current screen at both sizes and checks its footer.
fn shoot(s: &mut Session, name: &str) {
    for (w, h) in SIZES {
        s.dispatch(Msg::Resize {
            width: w,
            height: h,
        });
        let text = stable(&screen(s, w, h));
        check_footer(s, &text, name);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
}

/// Writes (with KMEDIC_UPDATE_IMAGES set) or checks the README picture `name`.
fn picture(s: &mut Session, name: &str) {
    let (w, h) = (120, 32);
    s.dispatch(Msg::Resize {
        width: w,
        height: h,
    });
    let svg = stable(&kmedic::ui::svg::render(&buffer(s, w, h)));
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/screens")
        .join(format!("{name}.svg"));
    if std::env::var_os("KMEDIC_UPDATE_IMAGES").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &svg).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == svg,
        "{} is stale: run `KMEDIC_UPDATE_IMAGES=1 cargo test --test screens` and commit it",
        path.display()
    );
}

/// Moves the Troubleshoot cursor to the first finding whose object and summary match.
fn select_finding(s: &mut Session, kind: &str, summary: &str) {
    let t = &s.state.troubleshoot;
    let analysis = t.analysis.as_ref().unwrap();
    let at = t
        .rows()
        .iter()
        .position(|r| {
            let f = &analysis.findings[r.finding];
            f.object.kind == kind && f.summary.contains(summary)
        })
        .unwrap_or_else(|| panic!("a {kind} finding about {summary}"));
    s.dispatch(key(KeyCode::Home));
    for _ in 0..at {
        s.dispatch(key(KeyCode::Down));
    }
}

#[tokio::test]
async fn every_screen_at_two_sizes_with_true_footers() {
    let (_sim, mut s, _) = frozen_demo().await;
    shoot(&mut s, "pods");
    picture(&mut s, "explorer");

    type_text(&mut s, "t");
    shoot(&mut s, "troubleshoot");
    // A symptom: the Deployment whose rollout is stuck because its pod cannot be scheduled.
    select_finding(&mut s, "Deployment", "rollout stuck");
    picture(&mut s, "troubleshoot");
    type_text(&mut s, "JJJJ");
    shoot(&mut s, "troubleshoot_details_scrolled");
    // The Nodes tab, and the page of the node of its first finding.
    type_text(&mut s, "ll");
    shoot(&mut s, "troubleshoot_nodes");
    s.dispatch(key(KeyCode::Enter));
    wait_for_screen(&mut s, "Pods (").await;
    shoot(&mut s, "node_page");
    s.dispatch(key(KeyCode::Esc));
    type_text(&mut s, "hh");

    // Describe from Troubleshoot, YAML in place, and back to Troubleshoot with its cursor.
    select_finding(&mut s, "Pod", "OOM");
    let selected = s.state.troubleshoot.selected;
    s.dispatch(key(KeyCode::Enter));
    wait_for_screen(&mut s, "Last State:").await;
    shoot(&mut s, "describe_from_troubleshoot");
    type_text(&mut s, "y");
    wait_for_screen(&mut s, "apiVersion").await;
    shoot(&mut s, "yaml");
    type_text(&mut s, "q");
    assert!(matches!(s.state.overlay, Some(Overlay::Troubleshoot)));
    assert_eq!(s.state.troubleshoot.selected, selected);

    // The crashed container's previous logs, then a selection.
    type_text(&mut s, "P");
    wait_for_screen(&mut s, "ended").await;
    shoot(&mut s, "logs");
    picture(&mut s, "logs");
    type_text(&mut s, "gvjj");
    shoot(&mut s, "logs_selecting");
    s.dispatch(key(KeyCode::Esc));
    s.dispatch(key(KeyCode::Esc));
    assert!(matches!(s.state.overlay, Some(Overlay::Troubleshoot)));
    s.dispatch(key(KeyCode::Esc));
    assert!(s.state.overlay.is_none());

    type_text(&mut s, "a");
    wait_for_screen(&mut s, "What kmedic needs").await;
    shoot(&mut s, "access");
    type_text(&mut s, "q");

    type_text(&mut s, "?");
    shoot(&mut s, "help");
    // Down to the Troubleshoot section (as the page wraps at 80 columns).
    s.dispatch(Msg::Resize {
        width: 80,
        height: 24,
    });
    let lines = screens::help::rows(&s.state, 78)
        .iter()
        .position(
            |r| matches!(r, screens::help::HelpRow::Title(t) if t.starts_with("Troubleshoot")),
        )
        .unwrap();
    for _ in 0..lines {
        s.dispatch(key(KeyCode::Down));
    }
    shoot(&mut s, "help_troubleshoot_section");
    type_text(&mut s, "q");

    type_text(&mut s, "n");
    shoot(&mut s, "namespace_picker");
    s.dispatch(key(KeyCode::Esc));
    type_text(&mut s, "c");
    shoot(&mut s, "context_picker");
    s.dispatch(key(KeyCode::Esc));

    type_text(&mut s, "q");
    shoot(&mut s, "quit_question");
    type_text(&mut s, "n");
    assert!(!s.state.quit);

    type_text(&mut s, "C");
    let Some(Overlay::Certs(pane)) = &s.state.overlay else {
        panic!("C opens Certificates");
    };
    let request = pane.request;
    // A fixed set of certificates, so the picture does not depend on this machine's files.
    s.dispatch(Msg::CertsInspected {
        request,
        result: Ok(Box::new(certs_view())),
    });
    type_text(&mut s, "jjl");
    shoot(&mut s, "certs");
    picture(&mut s, "certs");
    s.dispatch(key(KeyCode::Esc));

    // The crash-looping Deployment: its object tree, then its pods (drill-down), and back.
    type_text(&mut s, "2/^cart$");
    s.dispatch(key(KeyCode::Enter));
    type_text(&mut s, "o");
    wait_for_screen(&mut s, "Container cart").await;
    shoot(&mut s, "object_tree");
    picture(&mut s, "object_tree");
    s.dispatch(key(KeyCode::Esc));
    s.dispatch(key(KeyCode::Enter));
    wait_for_screen(&mut s, "cart-7c9d8b6f4-x2k9p").await;
    shoot(&mut s, "drill_down");
    s.dispatch(key(KeyCode::Esc));
    assert!(s.state.overlay.is_none());
    assert_eq!(s.state.selected_row().unwrap().key.name, "cart");

    // The tables without logs, a Node's pods, and a kind browsed by its kubectl name.
    type_text(&mut s, "4");
    wait_for_screen(&mut s, "cp-1").await;
    shoot(&mut s, "nodes");
    s.dispatch(key(KeyCode::Enter));
    wait_for_screen(&mut s, "Nodes › node/").await;
    wait_state(&mut s, "the node's pods", |st| {
        st.table().is_some_and(|t| !t.visible.is_empty())
    })
    .await;
    shoot(&mut s, "node_drill");
    s.dispatch(key(KeyCode::Esc));
    type_text(&mut s, "6");
    shoot(&mut s, "events");
    command(&mut s, "ds");
    wait_for_screen(&mut s, "kube-proxy").await;
    shoot(&mut s, "browsed_daemonsets");
    // `:all` opens over the table (its own screens in the_all_list_at_two_sizes); Esc returns.
    command(&mut s, "all");
    assert!(matches!(s.state.overlay, Some(Overlay::Category(_))));
    s.dispatch(key(KeyCode::Esc));
    assert!(s.state.overlay.is_none());
    assert_eq!(s.state.view, kmedic::model::ResourceKind::Browse);
}

fn certs_view() -> kmedic::certs::view::CertsView {
    use generated::{Leaf, ca, leaf};
    use kmedic::certs::{CertEntry, CertsReport, Role, SourceKind, Trust, parse_certificates};
    use kmedic::findings::ObjectRef;
    let entry = |name: &str, pem: &str, role: Role| {
        let mut e = CertEntry::new(
            SourceKind::Node,
            name,
            format!("/etc/kubernetes/pki/{name}.crt"),
            ObjectRef::new("File", "", name),
            role,
        );
        e.chain = parse_certificates(pem.as_bytes()).unwrap();
        e
    };
    let authority = ca("kubernetes");
    let apiserver_pair = leaf(
        &authority,
        Leaf {
            cn: "kube-apiserver",
            sans: &["kubernetes", "kubernetes.default.svc"],
            server: true,
            ..Leaf::default()
        },
    );
    let admin_pair = leaf(
        &authority,
        Leaf {
            cn: "kubernetes-admin",
            orgs: &["kubeadm:cluster-admins"],
            from_days: -360,
            to_days: 5,
            ..Leaf::default()
        },
    );
    let trust = Trust {
        name: "ca".into(),
        certs: parse_certificates(authority.pair.cert_pem.as_bytes()).unwrap(),
    };
    let mut apiserver = entry("apiserver", &apiserver_pair.cert_pem, Role::Server);
    apiserver.trust(trust.clone());
    let mut admin = entry("admin.conf", &admin_pair.cert_pem, Role::Client);
    admin.trust(trust);
    let ca_entry = entry("ca", &authority.pair.cert_pem, Role::Ca);
    // "Now" is when the certificates were made, so their remaining days never change.
    let now = ca_entry.chain[0].not_before + jiff::SignedDuration::from_hours(24);
    kmedic::certs::view::CertsView::new(
        CertsReport::new(vec![ca_entry, apiserver, admin], now),
        now,
    )
}

#[tokio::test]
async fn errors_are_sentences_not_debug_prints() {
    let (_sim, mut s, _) = frozen_demo().await;
    command(&mut s, "ns shop");
    // The payments Service lives in namespace payments, not shop.
    command(&mut s, "logs svc/payments");
    let text = wait_for_screen(&mut s, "was not found").await;
    assert!(
        text.contains("Service payments was not found in namespace shop."),
        "{text}"
    );
    // And what to do: where it is, and the command that gets there.
    assert!(
        words(&text).contains("It is in namespace payments: :ns payments, then :logs again."),
        "{text}"
    );
    // Nothing is cut at 80 columns: the sentence wraps.
    s.dispatch(Msg::Resize {
        width: 80,
        height: 24,
    });
    let narrow = wait_for_screen(&mut s, "was not found").await;
    assert!(words(&narrow).contains("then :logs again."), "{narrow}");
    // The status line says it failed, in words, instead of "0 pods, 0/0 streaming".
    assert!(text.contains("✗ cannot tail"), "{text}");
    assert!(!text.contains("0/0 streaming"), "{text}");
    assert!(
        !text.contains("ApiError") && !text.contains("Status {"),
        "{text}"
    );
}

/// Collapses runs of whitespace, so text wrapped over rows compares with the text itself.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn help_wraps_its_descriptions_at_80x24() {
    let (_sim, mut s, _) = frozen_demo().await;
    s.dispatch(Msg::Resize {
        width: 80,
        height: 24,
    });
    type_text(&mut s, "?");
    // Every page, top to bottom: the text inside the border, row by row.
    let mut rows: Vec<String> = Vec::new();
    let mut last = String::new();
    loop {
        let text = screen(&s, 80, 24);
        if text == last {
            break;
        }
        for line in text.lines() {
            let chars: Vec<char> = line.chars().collect();
            if chars.len() >= 2 && chars[0] == '│' && chars[chars.len() - 1] == '│' {
                rows.push(chars[1..chars.len() - 1].iter().collect());
            }
        }
        last = text;
        s.dispatch(key(KeyCode::PageDown));
    }
    let page = words(&rows.join(" "));
    let mut descs: Vec<String> = kmedic::app::action::Layer::ALL
        .iter()
        .flat_map(|l| s.state.keymap.bindings(*l))
        .map(|b| b.desc)
        .collect();
    descs.extend(
        screens::command_line::COMMANDS
            .iter()
            .map(|(_, d)| d.to_string()),
    );
    for desc in descs {
        assert!(
            page.contains(&words(&desc)),
            "the help page at 80x24 does not show all of {desc:?}"
        );
    }
}

/// `:all`: one list of every served kind's rows, like `kubectl get all`, at both sizes, at its
/// top and its end (the last kinds' sections).
#[tokio::test]
async fn the_all_list_at_two_sizes() {
    let (_sim, mut s, _) = frozen_demo().await;
    command(&mut s, "all");
    wait_state(&mut s, "every kind of :all to list", |st| {
        match &st.overlay {
            Some(Overlay::Category(v)) => v.sections.iter().all(|x| {
                let (synced, error) = x.status(st);
                synced || error.is_some()
            }),
            _ => false,
        }
    })
    .await;
    shoot(&mut s, "all");
    // The workload kinds of `apps` (a kind's name shows its rows), at the end: the sections
    // of kinds kmedic has no view of, with their server columns. (Jobs and CronJobs print
    // durations the server computes from its own clock, so they are not pictured.)
    type_text(&mut s, "/apps");
    s.dispatch(key(KeyCode::Enter));
    s.dispatch(key(KeyCode::End));
    shoot(&mut s, "all_end");
}
