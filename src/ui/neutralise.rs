//! The last guard between cluster text and the terminal: after a frame is drawn, every cell
//! whose symbol still holds a control character or a bidi/format control (a widget that did
//! not pass its text through [`crate::text_safety::visible`]) loses those characters. ratatui
//! drops C0 controls itself, but zero-width characters such as U+202E ride along on the
//! previous cell and would reach the terminal. Text shown with `visible` already reads
//! `<U+202E>`; this pass only guarantees nothing raw slips through. One pass over the buffer
//! covers every widget, including ones added later.

use ratatui::buffer::Buffer;

use crate::text_safety::is_unsafe;

/// Removes unsafe characters from every cell of `buffer`.
pub fn neutralise(buffer: &mut Buffer) {
    for cell in buffer.content.iter_mut() {
        if cell.symbol().chars().any(is_unsafe) {
            let kept: String = cell.symbol().chars().filter(|c| !is_unsafe(*c)).collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::text::Line;
    use ratatui::widgets::Widget;

    #[test]
    fn zero_width_bidi_controls_do_not_survive() {
        let area = Rect::new(0, 0, 20, 1);
        let mut buffer = Buffer::empty(area);
        Line::from("abc\u{202e}def\u{2066}g").render(area, &mut buffer);
        let before: String = buffer.content().iter().map(|c| c.symbol()).collect();
        assert!(before.contains('\u{202e}'), "ratatui keeps it: {before:?}");
        neutralise(&mut buffer);
        let after: String = buffer.content().iter().map(|c| c.symbol()).collect();
        assert!(after.starts_with("abcdefg"), "{after:?}");
        assert!(!after.chars().any(is_unsafe));
    }
}
