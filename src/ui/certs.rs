//! The Certs view: a tree (source → entry → certificate) with problems coloured, and the
//! fields of the selected certificate beside it. A pure function of [`CertsView`].

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use tui_tree_widget::{Tree, TreeItem, TreeState};

use crate::certs::report::{expires, residual};
use crate::certs::view::{CertsView, Selected, cert_id, entry_id, source_id};
use crate::certs::{CertEntry, CertInfo};
use crate::config::{Theme, Token};
use crate::findings::Severity;
use crate::text_safety::visible;

fn severity_token(severity: Option<Severity>) -> Token {
    match severity {
        Some(Severity::Critical | Severity::Error) => Token::Error,
        Some(Severity::Warning) => Token::Warning,
        _ => Token::Text,
    }
}

fn cert_token(cert: &CertInfo, view: &CertsView) -> Token {
    let days = (cert.not_after.as_second() - view.now.as_second()) / 86_400;
    if cert.not_after < view.now || cert.not_before > view.now || days < 7 {
        Token::Error
    } else if days < 30 {
        Token::Warning
    } else {
        Token::Ok
    }
}

fn cert_label(cert: &CertInfo, view: &CertsView) -> String {
    let name = cert
        .common_name
        .clone()
        .unwrap_or_else(|| cert.subject.clone());
    format!(
        "{}  ({})",
        visible(&name),
        residual(cert.not_after, view.now)
    )
}

/// The tree's items for `view`.
pub fn tree_items(view: &CertsView, theme: &Theme) -> Vec<TreeItem<'static, String>> {
    let mut items = Vec::new();
    for kind in view.sources() {
        let mut children = Vec::new();
        for (index, entry) in view.entries_of(kind) {
            let certs: Vec<TreeItem<'static, String>> = entry
                .chain
                .iter()
                .enumerate()
                .map(|(pos, cert)| {
                    let style = theme.style(cert_token(cert, view));
                    TreeItem::new_leaf(cert_id(pos), Line::styled(cert_label(cert, view), style))
                })
                .collect();
            let style = theme.style(severity_token(view.severity.get(index).copied().flatten()));
            let label = Line::styled(visible(&entry.name).into_owned(), style);
            // Identifiers are unique by construction, so `new` cannot fail; fall back to a leaf.
            let item = TreeItem::new(entry_id(index), label.clone(), certs)
                .unwrap_or_else(|_| TreeItem::new_leaf(entry_id(index), label));
            children.push(item);
        }
        let label = Line::styled(kind.label().to_string(), theme.style(Token::Title));
        if let Ok(item) = TreeItem::new(source_id(kind), label, children) {
            items.push(item);
        }
    }
    items
}

fn field(label: &str, value: impl Into<String>, theme: &Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<20}"), theme.style(Token::HeaderLabel)),
        Span::styled(
            visible(&value.into()).into_owned(),
            theme.style(Token::Text),
        ),
    ])
}

fn cert_lines(
    entry: &CertEntry,
    cert: &CertInfo,
    view: &CertsView,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let none = || "-".to_string();
    let mut lines = vec![
        field("Source", entry.location.clone(), theme),
        field("Subject", cert.subject.clone(), theme),
        field("Groups (O)", cert.organizations.join(", "), theme),
        field("Issuer", cert.issuer.clone(), theme),
        field("Serial", cert.serial.clone(), theme),
        field("Not before", cert.not_before.to_string(), theme),
        Line::from(vec![
            Span::styled(
                format!("{:<20}", "Not after"),
                theme.style(Token::HeaderLabel),
            ),
            Span::styled(
                format!(
                    "{}  ({})",
                    expires(cert.not_after),
                    residual(cert.not_after, view.now)
                ),
                theme.style(cert_token(cert, view)),
            ),
        ]),
        field("DNS names", cert.dns_names.join(", "), theme),
        field("IP addresses", cert.ip_addresses.join(", "), theme),
        field(
            "Public key",
            format!(
                "{} {}",
                cert.key_type,
                cert.key_bits
                    .map(|b| format!("{b} bit"))
                    .unwrap_or_default()
            ),
            theme,
        ),
        field("Signature", cert.signature_algorithm.clone(), theme),
        field("Key usage", cert.key_usage.join(", "), theme),
        field(
            "Extended key usage",
            cert.extended_key_usage.join(", "),
            theme,
        ),
        field(
            "CA",
            match (cert.is_ca, cert.path_len) {
                (true, Some(n)) => format!("yes, path length {n}"),
                (true, None) => "yes".into(),
                (false, _) => "no".into(),
            },
            theme,
        ),
        field(
            "Subject key id",
            cert.subject_key_id.clone().unwrap_or_else(none),
            theme,
        ),
        field(
            "Authority key id",
            cert.authority_key_id.clone().unwrap_or_else(none),
            theme,
        ),
        field("SHA-256", cert.sha256_fingerprint.clone(), theme),
    ];
    lines.push(field(
        "Checked against",
        entry.authority.clone().unwrap_or_else(none),
        theme,
    ));
    lines
}

fn entry_lines(entry: &CertEntry, view: &CertsView, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        field("Location", entry.location.clone(), theme),
        field("Certificates", entry.chain.len().to_string(), theme),
        field(
            "Checked against",
            entry.authority.clone().unwrap_or_else(|| "-".into()),
            theme,
        ),
    ];
    if let Some(error) = &entry.error {
        lines.push(Line::styled(
            format!("Error: {error}"),
            theme.style(Token::Error),
        ));
    }
    let findings = crate::certs::checks::findings(std::slice::from_ref(entry), view.now);
    for f in findings {
        let token = severity_token(Some(f.severity));
        lines.push(Line::styled(
            format!("{:?}: {}", f.severity, f.summary),
            theme.style(token),
        ));
    }
    lines
}

/// The tree widget's state for the view's open and selected nodes.
fn tree_state(view: &CertsView) -> TreeState<String> {
    let mut state = TreeState::default();
    for path in &view.opened {
        state.open(path.clone());
    }
    if !view.selected.is_empty() {
        state.select(view.selected.clone());
    }
    state
}

/// Draws the Certs view into `area`.
pub fn render(frame: &mut Frame, area: Rect, view: &CertsView, theme: &Theme) {
    let [left, right] = crate::app::layout::certs(area);
    let items = tree_items(view, theme);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Token::Border))
        .title(Span::styled(" Certificates ", theme.style(Token::Title)));
    let mut state = tree_state(view);
    match Tree::new(&items) {
        Ok(tree) => {
            let tree = tree
                .block(block)
                .highlight_style(theme.style(Token::Selection).patch(Style::default()));
            frame.render_stateful_widget(tree, left, &mut state);
        }
        Err(_) => frame.render_widget(Paragraph::new("(no certificates)").block(block), left),
    }
    let lines = match view.selection() {
        Some(Selected::Cert(entry, cert)) => cert_lines(entry, cert, view, theme),
        Some(Selected::Entry(entry)) => entry_lines(entry, view, theme),
        Some(Selected::Source(kind)) => vec![field(
            "Entries",
            view.entries_of(kind).count().to_string(),
            theme,
        )],
        None => vec![Line::from("No certificates found.")],
    };
    let details = Paragraph::new(lines).wrap(Wrap { trim: false }).block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(theme.style(Token::Border))
            .title(Span::styled(" Details ", theme.style(Token::Title))),
    );
    frame.render_widget(details, right);
}
