//! Where every part of the screen goes, computed in one place from the terminal size. The
//! renderer draws into these rectangles and the reducer scrolls and pages by the same sizes, so
//! a page is exactly what is on screen.

use ratatui::layout::{Constraint, Layout, Rect};

/// Lines of the header (where and in what state).
pub const HEADER_LINES: u16 = 2;
/// Lines of the footer (hints, notices, the input line).
pub const FOOTER_LINES: u16 = 1;

/// Header, body and footer of a `width`x`height` screen.
pub fn frame(area: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(HEADER_LINES),
        Constraint::Min(1),
        Constraint::Length(FOOTER_LINES),
    ])
    .areas(area)
}

/// The body of a `width`x`height` screen.
pub fn body(width: u16, height: u16) -> Rect {
    frame(Rect::new(0, 0, width, height))[1]
}

/// Rows of a table's body: the body less its borders and the column titles.
pub fn table_rows(width: u16, height: u16) -> usize {
    usize::from(body(width, height).height.saturating_sub(3)).max(1)
}

/// Lines of a bordered text screen (describe, YAML, help, access).
pub fn text_rows(width: u16, height: u16) -> usize {
    usize::from(body(width, height).height.saturating_sub(2)).max(1)
}

/// Columns of a text screen (the body less its borders).
pub fn text_columns(width: u16, height: u16) -> usize {
    usize::from(body(width, height).width.saturating_sub(2)).max(1)
}

/// Log lines on screen: a text screen less the pane's status line.
pub fn log_rows(width: u16, height: u16) -> usize {
    text_rows(width, height).saturating_sub(1).max(1)
}

/// The Troubleshoot screen: tab line, findings list, the selected finding's details.
pub fn troubleshoot(body: Rect) -> [Rect; 3] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(45),
        Constraint::Min(3),
    ])
    .areas(body)
}

/// Width and height of the text inside the Troubleshoot details box (inside its borders).
pub fn troubleshoot_detail_text(width: u16, height: u16) -> (usize, usize) {
    let [_, _, detail] = troubleshoot(body(width, height));
    (
        usize::from(detail.width.saturating_sub(2)).max(1),
        usize::from(detail.height.saturating_sub(2)).max(1),
    )
}

/// Rows of the Troubleshoot findings list (inside its borders).
pub fn troubleshoot_list_rows(width: u16, height: u16) -> usize {
    let [_, list, _] = troubleshoot(body(width, height));
    usize::from(list.height.saturating_sub(2)).max(1)
}

/// The Certificates screen: the tree on the left, the selected node's fields on the right.
pub fn certs(body: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body)
}

/// Rows of the Certificates tree (inside its borders).
pub fn certs_tree_rows(width: u16, height: u16) -> usize {
    let [tree, _] = certs(body(width, height));
    usize::from(tree.height.saturating_sub(2)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_add_up_to_the_screen() {
        assert_eq!(body(80, 24), Rect::new(0, 2, 80, 21));
        assert_eq!(table_rows(80, 24), 18);
        assert_eq!(text_rows(80, 24), 19);
        assert_eq!(log_rows(80, 24), 18);
        let (w, h) = troubleshoot_detail_text(80, 24);
        assert_eq!(w, 78);
        assert!((1..21).contains(&h), "{h}");
    }
}
