//! Parsing one theme entry: a colour (`"green"`, `"#ff5f5f"`, `208`) or a style table
//! (`{ fg = "black", bg = "cyan", bold = true }`) into a ratatui `Style`.

use ratatui::style::{Color, Modifier, Style};
use toml::Spanned;
use toml::de::DeValue;

use super::ConfigError;
use super::source::{Source, entries, type_name};

/// Colour names accepted in theme files (`dark-grey`, `dark_gray` and `darkgray` also work).
pub const COLOR_NAMES: &[(&str, Color)] = &[
    ("reset", Color::Reset),
    ("black", Color::Black),
    ("red", Color::Red),
    ("green", Color::Green),
    ("yellow", Color::Yellow),
    ("blue", Color::Blue),
    ("magenta", Color::Magenta),
    ("cyan", Color::Cyan),
    ("gray", Color::Gray),
    ("dark-gray", Color::DarkGray),
    ("light-red", Color::LightRed),
    ("light-green", Color::LightGreen),
    ("light-yellow", Color::LightYellow),
    ("light-blue", Color::LightBlue),
    ("light-magenta", Color::LightMagenta),
    ("light-cyan", Color::LightCyan),
    ("white", Color::White),
];

/// Modifier flags accepted in a style table.
pub const MODIFIERS: &[(&str, Modifier)] = &[
    ("bold", Modifier::BOLD),
    ("dim", Modifier::DIM),
    ("italic", Modifier::ITALIC),
    ("underlined", Modifier::UNDERLINED),
    ("reversed", Modifier::REVERSED),
];

/// Parses a colour written as a name, `#rrggbb`, `#rgb`, or a 0–255 palette index.
pub fn parse_color(text: &str) -> Option<Color> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix('#') {
        return parse_hex(hex);
    }
    if let Ok(index) = text.parse::<u8>() {
        return Some(Color::Indexed(index));
    }
    let wanted = normalize(text).replace("grey", "gray");
    COLOR_NAMES
        .iter()
        .find(|(name, _)| normalize(name) == wanted)
        .map(|(_, color)| *color)
}

fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

fn parse_hex(hex: &str) -> Option<Color> {
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let digit = |i: usize| u8::from_str_radix(hex.get(i..i + 1)?, 16).ok();
    let pair = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    match hex.len() {
        6 => Some(Color::Rgb(pair(0)?, pair(2)?, pair(4)?)),
        3 => Some(Color::Rgb(digit(0)? * 17, digit(1)? * 17, digit(2)? * 17)),
        _ => None,
    }
}

/// Parses the value of token `token`; on failure returns every problem found in it.
pub(crate) fn parse_style(
    src: &Source<'_>,
    token: &str,
    value: &Spanned<DeValue<'_>>,
) -> Result<Style, Vec<ConfigError>> {
    match value.get_ref() {
        DeValue::String(_) | DeValue::Integer(_) => {
            parse_color_value(src, token, "fg", value).map(|fg| Style::default().fg(fg))
        }
        DeValue::Table(table) => {
            let mut style = Style::default();
            let mut errors = Vec::new();
            for (field, span, v) in entries(table) {
                match field {
                    "fg" => match parse_color_value(src, token, field, v) {
                        Ok(c) => style = style.fg(c),
                        Err(e) => errors.extend(e),
                    },
                    "bg" => match parse_color_value(src, token, field, v) {
                        Ok(c) => style = style.bg(c),
                        Err(e) => errors.extend(e),
                    },
                    _ => match MODIFIERS.iter().find(|(name, _)| *name == field) {
                        Some((_, modifier)) => match v.get_ref().as_bool() {
                            Some(true) => style = style.add_modifier(*modifier),
                            Some(false) => style = style.remove_modifier(*modifier),
                            None => errors.push(src.error(
                                v.span(),
                                format!("'{field}' for '{token}' must be true or false"),
                            )),
                        },
                        None => errors.push(src.error(
                            span,
                            format!(
                                "unknown field '{field}' for '{token}' \
                                 (expected fg, bg, bold, dim, italic, underlined, reversed)"
                            ),
                        )),
                    },
                }
            }
            if errors.is_empty() {
                Ok(style)
            } else {
                Err(errors)
            }
        }
        other => Err(vec![src.error(
            value.span(),
            format!(
                "'{token}' must be a colour or a table like {{ fg = \"red\", bold = true }}, \
                 not {}",
                type_name(other)
            ),
        )]),
    }
}

fn parse_color_value(
    src: &Source<'_>,
    token: &str,
    field: &str,
    value: &Spanned<DeValue<'_>>,
) -> Result<Color, Vec<ConfigError>> {
    let text = match value.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(i) => i.as_str().to_string(),
        other => {
            return Err(vec![src.error(
                value.span(),
                format!(
                    "'{field}' for '{token}' must be a colour name, \"#rrggbb\" or 0-255, not {}",
                    type_name(other)
                ),
            )]);
        }
    };
    parse_color(&text).ok_or_else(|| {
        vec![src.error(
            value.span(),
            format!("invalid colour '{text}' for '{token}'"),
        )]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_syntaxes() {
        assert_eq!(parse_color("green"), Some(Color::Green));
        assert_eq!(parse_color("Dark-Grey"), Some(Color::DarkGray));
        assert_eq!(parse_color("light_red"), Some(Color::LightRed));
        assert_eq!(parse_color("#ff5f00"), Some(Color::Rgb(255, 95, 0)));
        assert_eq!(parse_color("#f50"), Some(Color::Rgb(255, 85, 0)));
        assert_eq!(parse_color("208"), Some(Color::Indexed(208)));
        assert_eq!(parse_color("256"), None);
        assert_eq!(parse_color("blurple"), None);
        assert_eq!(parse_color("#ff5f5"), None);
        assert_eq!(parse_color("#gg0000"), None);
    }
}
