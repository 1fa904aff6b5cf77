//! Elastic date math for rule windows (`from = "now-9m"`, `history_window_start =
//! "now-14d"`), reduced to the length of the window in milliseconds.
//!
//! vigil evaluates look-backs over event time, so only `now-<N><unit>` matters; rounding
//! (`/d`) is accepted and ignored because it does not change a sliding window's length.

const SECOND: i64 = 1000;

/// The window length in milliseconds for `now-<N><unit>`.
pub fn window_ms(expr: &str) -> Result<i64, String> {
    let e = expr.trim();
    let Some(rest) = e.strip_prefix("now") else {
        return Err(format!(
            "`{expr}` is not relative to now; vigil needs a window such as `now-9m`"
        ));
    };
    let rest = rest.split('/').next().unwrap_or("");
    if rest.is_empty() {
        return Ok(0);
    }
    let Some(amount_unit) = rest.strip_prefix('-') else {
        return Err(format!(
            "`{expr}` does not look back: write it as `now-<number><unit>`, e.g. `now-9m`"
        ));
    };
    let digits = amount_unit
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(amount_unit.len());
    let (number, unit) = amount_unit.split_at(digits);
    let n: i64 = number
        .parse()
        .map_err(|_| format!("`{expr}` has no number after `now-`; write e.g. `now-9m`"))?;
    let unit_ms = match unit {
        "s" => SECOND,
        "m" => 60 * SECOND,
        "h" | "H" => 3600 * SECOND,
        "d" => 86_400 * SECOND,
        "w" => 7 * 86_400 * SECOND,
        "M" => 30 * 86_400 * SECOND,
        "y" => 365 * 86_400 * SECOND,
        other => {
            return Err(format!(
                "`{expr}` has the unknown time unit `{other}`; use s, m, h, d, w, M or y"
            ));
        }
    };
    n.checked_mul(unit_ms)
        .ok_or_else(|| format!("`{expr}` is too long a window"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        let cases: &[(&str, Option<i64>)] = &[
            ("now-9m", Some(540_000)),
            ("now-6m", Some(360_000)),
            ("now-14d", Some(14 * 86_400_000)),
            ("now-15d/d", Some(15 * 86_400_000)),
            ("now-30s", Some(30_000)),
            ("now-2h", Some(7_200_000)),
            ("now", Some(0)),
            ("now+5m", None),
            ("now-5x", None),
            ("now-m", None),
            ("2024-01-01", None),
        ];
        for (expr, want) in cases {
            assert_eq!(window_ms(expr).ok(), *want, "{expr}");
        }
    }
}
