//! The Certs view rendered to a TestBackend: the tree of sources, entries and certificates,
//! problems coloured, the selected certificate's fields, and navigation.

#[path = "fixtures/certs/gen.rs"]
mod generated;

use generated::{Leaf, ca, leaf};
use jiff::Timestamp;
use kmedic::certs::view::{CertsView, Selected};
use kmedic::certs::{CertEntry, CertsReport, Role, SourceKind, Trust, parse_certificates};
use kmedic::config::{Theme, Token};
use kmedic::findings::ObjectRef;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Style};

fn entry(name: &str, pem: &str, role: Role) -> CertEntry {
    let mut e = CertEntry::new(
        SourceKind::Node,
        name,
        format!("/pki/{name}.crt"),
        ObjectRef::new("File", "", name),
        role,
    );
    e.chain = parse_certificates(pem.as_bytes()).expect("parses");
    e
}

fn view() -> CertsView {
    let authority = ca("kubernetes");
    let good = leaf(
        &authority,
        Leaf {
            cn: "kube-apiserver",
            sans: &["kubernetes"],
            server: true,
            ..Leaf::default()
        },
    );
    let expired = leaf(
        &authority,
        Leaf {
            cn: "kubernetes-admin",
            orgs: &["system:masters"],
            from_days: -400,
            to_days: -3,
            ..Leaf::default()
        },
    );
    let trust = Trust {
        name: "ca".into(),
        certs: parse_certificates(authority.pair.cert_pem.as_bytes()).expect("ca"),
    };
    let mut apiserver = entry("apiserver", &good.cert_pem, Role::Server);
    apiserver.trust(trust.clone());
    let mut admin = entry("admin.conf", &expired.cert_pem, Role::Client);
    admin.trust(trust);
    let ca_entry = entry("ca", &authority.pair.cert_pem, Role::Ca);
    let now = Timestamp::now();
    CertsView::new(CertsReport::new(vec![ca_entry, apiserver, admin], now), now)
}

fn theme() -> Theme {
    let mut theme = Theme::default();
    theme.set(Token::Error, Style::default().fg(Color::Red));
    theme.set(Token::Warning, Style::default().fg(Color::Yellow));
    theme.set(Token::Ok, Style::default().fg(Color::Green));
    theme
}

fn draw(view: &CertsView) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).expect("terminal");
    terminal
        .draw(|frame| kmedic::ui::certs::render(frame, frame.area(), view, &theme()))
        .expect("draw");
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    (0..area.height)
        .map(|y| {
            (0..area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn style_of(buffer: &Buffer, needle: &str) -> Option<Style> {
    let area = buffer.area;
    for y in 0..area.height {
        let line: String = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        if let Some(col) = line.find(needle) {
            return Some(buffer[(col as u16, y)].style());
        }
    }
    None
}

#[test]
fn tree_shows_sources_entries_and_colours_problems() {
    let mut view = view();
    let screen = draw(&view);
    let shown = text(&screen);
    for needle in [
        "Certificates",
        "node PKI",
        "apiserver",
        "admin.conf",
        "Details",
        "Entries",
    ] {
        assert!(shown.contains(needle), "{needle} missing:\n{shown}");
    }
    assert_eq!(
        style_of(&screen, "admin.conf").and_then(|s| s.fg),
        Some(Color::Red),
        "{shown}"
    );
    assert_ne!(
        style_of(&screen, "apiserver").and_then(|s| s.fg),
        Some(Color::Red)
    );

    // Down to admin.conf, open it, select its certificate: every field is shown.
    view.move_selection(3);
    assert!(
        matches!(view.selection(), Some(Selected::Entry(e)) if e.name == "admin.conf"),
        "{:?}",
        view.selected
    );
    view.right();
    view.move_selection(1);
    let Some(Selected::Cert(_, cert)) = view.selection() else {
        panic!("{:?}", view.selected)
    };
    assert_eq!(cert.common_name.as_deref(), Some("kubernetes-admin"));
    let screen = draw(&view);
    let shown = text(&screen);
    for needle in [
        "Subject",
        "CN=kubernetes-admin",
        "system:masters",
        "Serial",
        "Not after",
        "<invalid>",
        "SHA-256",
        "Extended key usage",
        "TLS Web Client Authentication",
        "Checked against",
    ] {
        assert!(shown.contains(needle), "{needle} missing:\n{shown}");
    }
    assert_eq!(
        style_of(&screen, "<invalid>").and_then(|s| s.fg),
        Some(Color::Red)
    );

    // Left goes back to the entry, then closes it; moving past the end stays on the last row.
    view.left();
    assert!(matches!(view.selection(), Some(Selected::Entry(_))));
    view.left();
    view.move_selection(50);
    assert!(matches!(view.selection(), Some(Selected::Entry(e)) if e.name == "admin.conf"));
    view.move_selection(-50);
    assert!(matches!(
        view.selection(),
        Some(Selected::Source(SourceKind::Node))
    ));
}

#[test]
fn empty_view_renders() {
    let now = Timestamp::now();
    let view = CertsView::new(CertsReport::new(Vec::new(), now), now);
    let shown = text(&draw(&view));
    assert!(shown.contains("No certificates found."), "{shown}");
}
