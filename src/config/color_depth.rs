//! Fitting a theme to what the terminal can show: truecolor as written, else the nearest of the
//! 256-colour palette, else the nearest of the 16 standard colours.

use ratatui::style::{Color, Style};

use super::theme::{Theme, Token};

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    TrueColor,
    Indexed256,
    Basic16,
}

/// Guesses the depth from `COLORTERM` and `TERM`, as terminals advertise it.
pub fn detect(colorterm: Option<&str>, term: Option<&str>) -> ColorDepth {
    if colorterm
        .is_some_and(|c| c.eq_ignore_ascii_case("truecolor") || c.eq_ignore_ascii_case("24bit"))
    {
        return ColorDepth::TrueColor;
    }
    match term {
        Some(t) if t.contains("256color") || t.contains("direct") => ColorDepth::Indexed256,
        Some(t) if t.contains("truecolor") => ColorDepth::TrueColor,
        _ => ColorDepth::Basic16,
    }
}

/// The depth of the terminal kmedic runs in.
pub fn detect_from_env() -> ColorDepth {
    detect(
        std::env::var("COLORTERM").ok().as_deref(),
        std::env::var("TERM").ok().as_deref(),
    )
}

const BASIC: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).pow(2) as u32;
    d(a.0, b.0) + d(a.1, b.1) + d(a.2, b.2)
}

/// The RGB value of a 256-palette index (6x6x6 cube and grey ramp; 0–15 as the basic colours).
fn indexed_rgb(index: u8) -> (u8, u8, u8) {
    match index {
        0..=15 => BASIC[usize::from(index)].1,
        16..=231 => {
            let i = index - 16;
            let level = |v: u8| if v == 0 { 0 } else { 55 + v * 40 };
            (level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        _ => {
            let v = 8 + (index - 232) * 10;
            (v, v, v)
        }
    }
}

fn nearest_256(rgb: (u8, u8, u8)) -> Color {
    let best = (16..=255u8)
        .min_by_key(|i| distance(indexed_rgb(*i), rgb))
        .unwrap_or(16);
    Color::Indexed(best)
}

fn nearest_16(rgb: (u8, u8, u8)) -> Color {
    BASIC
        .iter()
        .min_by_key(|(_, c)| distance(*c, rgb))
        .map(|(c, _)| *c)
        .unwrap_or(Color::Reset)
}

/// One colour as the terminal can show it.
pub fn fit_color(color: Color, depth: ColorDepth) -> Color {
    match (color, depth) {
        (_, ColorDepth::TrueColor) => color,
        (Color::Rgb(r, g, b), ColorDepth::Indexed256) => nearest_256((r, g, b)),
        (Color::Rgb(r, g, b), ColorDepth::Basic16) => nearest_16((r, g, b)),
        (Color::Indexed(i), ColorDepth::Basic16) if i > 15 => nearest_16(indexed_rgb(i)),
        (other, _) => other,
    }
}

fn fit_style(style: Style, depth: ColorDepth) -> Style {
    Style {
        fg: style.fg.map(|c| fit_color(c, depth)),
        bg: style.bg.map(|c| fit_color(c, depth)),
        ..style
    }
}

impl Theme {
    /// This theme with every colour the terminal cannot show replaced by its nearest neighbour.
    pub fn fitted(&self, depth: ColorDepth) -> Theme {
        let mut theme = self.clone();
        for token in Token::ALL {
            theme.set(token, fit_style(self.style(token), depth));
        }
        theme
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_comes_from_colorterm_and_term() {
        assert_eq!(
            detect(Some("truecolor"), Some("xterm")),
            ColorDepth::TrueColor
        );
        assert_eq!(detect(None, Some("tmux-256color")), ColorDepth::Indexed256);
        assert_eq!(
            detect(None, Some("screen-256color")),
            ColorDepth::Indexed256
        );
        assert_eq!(detect(None, Some("xterm")), ColorDepth::Basic16);
        assert_eq!(detect(None, None), ColorDepth::Basic16);
    }

    #[test]
    fn colours_degrade_to_their_nearest_neighbours() {
        assert_eq!(
            fit_color(Color::Rgb(255, 95, 95), ColorDepth::TrueColor),
            Color::Rgb(255, 95, 95)
        );
        assert_eq!(
            fit_color(Color::Rgb(255, 95, 95), ColorDepth::Indexed256),
            Color::Indexed(203)
        );
        assert_eq!(
            fit_color(Color::Rgb(250, 10, 10), ColorDepth::Basic16),
            Color::LightRed
        );
        assert_eq!(
            fit_color(Color::Indexed(28), ColorDepth::Basic16),
            Color::Green
        );
        assert_eq!(fit_color(Color::Cyan, ColorDepth::Basic16), Color::Cyan);
    }

    #[test]
    fn every_shipped_theme_fits_sixteen_colours() {
        for (name, _) in super::super::shipped_themes() {
            let theme = Theme::shipped(name)
                .expect("theme")
                .fitted(ColorDepth::Basic16);
            for token in Token::ALL {
                let style = theme.style(token);
                for color in [style.fg, style.bg].into_iter().flatten() {
                    assert!(!matches!(color, Color::Rgb(..)), "{name} {token:?}");
                    assert!(
                        !matches!(color, Color::Indexed(i) if i > 15),
                        "{name} {token:?}"
                    );
                }
            }
        }
    }
}
