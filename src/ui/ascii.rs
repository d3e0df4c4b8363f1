//! `--ascii`: after a frame is drawn, box-drawing characters and symbols are replaced by plain
//! ASCII, for terminals and fonts without good Unicode. One pass over the buffer covers every
//! widget, including ones added later. Text from the cluster is left as it is.

use ratatui::buffer::Buffer;

/// The ASCII stand-in for a drawing symbol, if it is one.
fn replacement(symbol: &str) -> Option<&'static str> {
    let c = symbol.chars().next()?;
    Some(match c {
        '─' | '━' | '═' | '╌' | '┄' | '—' | '–' => "-",
        '│' | '┃' | '║' | '╎' | '┆' | '▏' | '▕' => "|",
        '┌' | '┐' | '└' | '┘' | '╭' | '╮' | '╯' | '╰' | '├' | '┤' | '┬' | '┴' | '┼' | '╔' | '╗'
        | '╚' | '╝' => "+",
        '●' | '•' | '★' => "*",
        '○' => "o",
        '◌' | '…' => "~",
        '✗' | '✘' => "x",
        '✓' | '✔' => "v",
        '↑' | '▲' => "^",
        '↓' | '▼' => "v",
        '←' | '◀' => "<",
        '→' | '▶' | '»' => ">",
        '█' | '▌' | '▐' | '▀' | '▄' | '░' | '▒' | '▓' => "#",
        _ => return None,
    })
}

/// Replaces every drawing symbol in `buffer`.
pub fn asciify(buffer: &mut Buffer) {
    for cell in buffer.content.iter_mut() {
        if let Some(ascii) = replacement(cell.symbol()) {
            cell.set_symbol(ascii);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::widgets::{Block, Borders, Widget};

    #[test]
    fn borders_and_symbols_become_ascii() {
        let area = Rect::new(0, 0, 12, 3);
        let mut buffer = Buffer::empty(area);
        Block::default()
            .borders(Borders::ALL)
            .title("● live ↑…")
            .render(area, &mut buffer);
        asciify(&mut buffer);
        let text: String = buffer.content().iter().map(|c| c.symbol()).collect();
        assert!(text.is_ascii(), "{text}");
        assert!(text.starts_with("+* live ^~"), "{text}");
    }
}
