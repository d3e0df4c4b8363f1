//! Kubernetes resource quantities ("3800m", "16Gi", "1e3"): parsing to a number and
//! humanising byte counts the way people read memory sizes.

/// Parses a Kubernetes quantity into its numeric value (cores for CPU, bytes for memory).
/// Accepts decimal suffixes (`n`, `u`, `m`, `k`, `M`, `G`, `T`, `P`, `E`), binary suffixes
/// (`Ki` … `Ei`) and decimal exponents (`1e3`, `2E-2`). Returns `None` for malformed text.
pub fn parse_quantity(text: &str) -> Option<f64> {
    let s = text.trim();
    let split = s
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '+' || *c == '-'))))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let (number, suffix) = s.split_at(split);
    if number.is_empty() || number == "+" || number == "-" || number == "." {
        return None;
    }
    let base: f64 = number.parse().ok()?;
    let multiplier = match suffix {
        "" => 1.0,
        // Divide rather than multiply by 1e-3 so that "3800m" is exactly 3.8.
        "n" => return Some(base / 1e9),
        "u" => return Some(base / 1e6),
        "m" => return Some(base / 1e3),
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        _ => {
            let exp = suffix.strip_prefix(['e', 'E'])?;
            let exp: i32 = exp.parse().ok()?;
            if exp < 0 {
                return Some(base / 10f64.powi(-exp));
            }
            10f64.powi(exp)
        }
    };
    Some(base * multiplier)
}

/// Formats a byte count with the largest binary unit that keeps it at least 1, with at most one
/// decimal: `16_482_263_040` → `"15.4Gi"`, `512` → `"512"`.
pub fn humanize_bytes(bytes: f64) -> String {
    const UNITS: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
    let mut value = bytes;
    let mut unit = "";
    for u in UNITS {
        if value.abs() < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    if unit.is_empty() {
        return format!("{}", value.round());
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() <= b.abs() * 1e-9 + 1e-12)
    }

    #[test]
    fn parses_cpu_quantities() {
        assert!(close(parse_quantity("4"), 4.0));
        assert!(close(parse_quantity("3800m"), 3.8));
        assert!(close(parse_quantity("0.5"), 0.5));
        assert!(close(parse_quantity("250000000n"), 0.25));
        assert!(close(parse_quantity("100u"), 0.0001));
    }

    #[test]
    fn parses_binary_and_decimal_suffixes() {
        assert!(close(parse_quantity("1Ki"), 1024.0));
        assert!(close(parse_quantity("128Mi"), 134_217_728.0));
        assert!(close(parse_quantity("16Gi"), 17_179_869_184.0));
        assert!(close(parse_quantity("1Ti"), 1_099_511_627_776.0));
        assert!(close(parse_quantity("1k"), 1000.0));
        assert!(close(parse_quantity("2M"), 2e6));
        assert!(close(parse_quantity("3G"), 3e9));
        assert!(close(parse_quantity("1T"), 1e12));
        assert!(close(parse_quantity("1E"), 1e18));
        assert!(close(
            parse_quantity("1.5Gi"),
            1.5 * 1024.0 * 1024.0 * 1024.0
        ));
    }

    #[test]
    fn parses_exponents() {
        assert!(close(parse_quantity("1e3"), 1000.0));
        assert!(close(parse_quantity("2E-2"), 0.02));
        assert!(close(parse_quantity("5e+2"), 500.0));
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(parse_quantity(""), None);
        assert_eq!(parse_quantity("Gi"), None);
        assert_eq!(parse_quantity("12Xi"), None);
        assert_eq!(parse_quantity("1e"), None);
    }

    #[test]
    fn humanizes_bytes() {
        assert_eq!(humanize_bytes(512.0), "512");
        assert_eq!(humanize_bytes(1024.0), "1Ki");
        assert_eq!(humanize_bytes(16_252_928.0 * 1024.0), "15.5Gi");
        assert_eq!(humanize_bytes(16.0 * 1024.0 * 1024.0 * 1024.0), "16Gi");
        assert_eq!(humanize_bytes(1536.0 * 1024.0), "1.5Mi");
    }
}
