//! A rendered frame as an SVG picture: every cell's symbol, colours and weight, exactly as the
//! terminal would show them. The README's screenshots are written from the same buffers the
//! snapshot tests render, so they cannot drift from what kmedic draws.

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// Width and height of one cell, in SVG units (a 14px monospace font).
const CELL_W: f32 = 8.4;
const CELL_H: f32 = 18.0;
const FONT_SIZE: f32 = 14.0;
/// The terminal's own colours, for cells that use the default.
const DEFAULT_FG: &str = "#d0d0d0";
const DEFAULT_BG: &str = "#1c1c1c";

/// The SVG picture of `buffer`.
pub fn render(buffer: &Buffer) -> String {
    let area = buffer.area;
    let width = f32::from(area.width) * CELL_W;
    let height = f32::from(area.height) * CELL_H;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.1} {height:.1}" font-family="'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace" font-size="{FONT_SIZE}">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="{DEFAULT_BG}"/>"#
    );
    for y in 0..area.height {
        // Backgrounds first, merged into runs of one colour.
        let mut x = 0;
        while x < area.width {
            let (_, bg) = colours(&buffer[(area.x + x, area.y + y)]);
            let start = x;
            while x < area.width && colours(&buffer[(area.x + x, area.y + y)]).1 == bg {
                x += 1;
            }
            if bg != DEFAULT_BG {
                let _ = writeln!(
                    out,
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{CELL_H:.1}" fill="{bg}"/>"#,
                    f32::from(start) * CELL_W,
                    f32::from(y) * CELL_H,
                    f32::from(x - start) * CELL_W,
                );
            }
        }
        // Then text, one element per run of cells with the same look.
        let mut x = 0;
        while x < area.width {
            let cell = &buffer[(area.x + x, area.y + y)];
            let current = look(cell);
            let start = x;
            let mut text = String::new();
            while x < area.width {
                let next = &buffer[(area.x + x, area.y + y)];
                if look(next) != current {
                    break;
                }
                text.push_str(next.symbol());
                x += 1;
            }
            if text.trim().is_empty() {
                continue;
            }
            let (fg, weight, style, decoration) = &current;
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" fill="{fg}"{weight}{style}{decoration} xml:space="preserve">{}</text>"#,
                f32::from(start) * CELL_W,
                f32::from(y) * CELL_H + CELL_H * 0.75,
                escape(&text),
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

type Look = (String, &'static str, &'static str, &'static str);

fn look(cell: &ratatui::buffer::Cell) -> Look {
    let (fg, _) = colours(cell);
    let m = cell.modifier;
    (
        fg,
        if m.contains(Modifier::BOLD) {
            r#" font-weight="bold""#
        } else {
            ""
        },
        if m.contains(Modifier::ITALIC) {
            r#" font-style="italic""#
        } else {
            ""
        },
        match (
            m.contains(Modifier::UNDERLINED),
            m.contains(Modifier::CROSSED_OUT),
        ) {
            (true, _) => r#" text-decoration="underline""#,
            (false, true) => r#" text-decoration="line-through""#,
            _ => "",
        },
    )
}

/// Foreground and background of a cell as CSS colours (reverse video swaps them).
fn colours(cell: &ratatui::buffer::Cell) -> (String, String) {
    let fg = css(cell.fg).unwrap_or_else(|| DEFAULT_FG.to_string());
    let bg = css(cell.bg).unwrap_or_else(|| DEFAULT_BG.to_string());
    let (fg, bg) = if cell.modifier.contains(Modifier::REVERSED) {
        (bg, fg)
    } else {
        (fg, bg)
    };
    if cell.modifier.contains(Modifier::DIM) {
        (dim(&fg), bg)
    } else {
        (fg, bg)
    }
}

/// A colour halfway to the background, for dim text.
fn dim(hex: &str) -> String {
    let channel =
        |i: usize| u8::from_str_radix(hex.get(i..i + 2).unwrap_or("80"), 16).unwrap_or(128);
    let (r, g, b) = (channel(1), channel(3), channel(5));
    format!("#{:02x}{:02x}{:02x}", r / 2 + 14, g / 2 + 14, b / 2 + 14)
}

/// The CSS colour of a terminal colour (xterm's palette); `None` for the default.
fn css(color: Color) -> Option<String> {
    let (r, g, b) = match color {
        Color::Reset => return None,
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Indexed(n) => indexed(n),
        Color::Black => indexed(0),
        Color::Red => indexed(1),
        Color::Green => indexed(2),
        Color::Yellow => indexed(3),
        Color::Blue => indexed(4),
        Color::Magenta => indexed(5),
        Color::Cyan => indexed(6),
        Color::Gray => indexed(7),
        Color::DarkGray => indexed(8),
        Color::LightRed => indexed(9),
        Color::LightGreen => indexed(10),
        Color::LightYellow => indexed(11),
        Color::LightBlue => indexed(12),
        Color::LightMagenta => indexed(13),
        Color::LightCyan => indexed(14),
        Color::White => indexed(15),
    };
    Some(format!("#{r:02x}{g:02x}{b:02x}"))
}

/// xterm's 256-colour palette.
fn indexed(n: u8) -> (u8, u8, u8) {
    const BASIC: [(u8, u8, u8); 16] = [
        (0, 0, 0),
        (205, 49, 49),
        (13, 188, 121),
        (229, 229, 16),
        (36, 114, 200),
        (188, 63, 188),
        (17, 168, 205),
        (229, 229, 229),
        (102, 102, 102),
        (241, 76, 76),
        (35, 209, 139),
        (245, 245, 67),
        (59, 142, 234),
        (214, 112, 214),
        (41, 184, 219),
        (255, 255, 255),
    ];
    match n {
        0..=15 => BASIC[usize::from(n)],
        16..=231 => {
            let i = n - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        _ => {
            let v = 8 + (n - 232) * 10;
            (v, v, v)
        }
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    #[test]
    fn cells_become_text_and_rectangles() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 6, 1));
        buffer.set_string(0, 0, "<a>", Style::default().fg(Color::Red));
        buffer.set_string(3, 0, "ok", Style::default().bg(Color::Rgb(1, 2, 3)));
        let svg = render(&buffer);
        assert!(
            svg.contains(r##"fill="#cd3131" xml:space="preserve">&lt;a&gt;</text>"##),
            "{svg}"
        );
        assert!(
            svg.contains(r##"<rect x="25.2" y="0.0" width="16.8" height="18.0" fill="#010203"/>"##),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>\n"));
        assert_eq!(indexed(196), (255, 0, 0));
        assert_eq!(indexed(244), (128, 128, 128));
    }
}
