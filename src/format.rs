//! Human-readable numbers for the UI.

use heaplens_profile::units;

/// A byte count in binary units with three significant digits: `512 B`, `1.50 KiB`, `12.3 MiB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    // Rounding can carry into the next unit (1023.9 KiB prints as 1024 KiB); that is still correct.
    let digits = if value < 10.0 {
        2
    } else if value < 100.0 {
        1
    } else {
        0
    };
    format!("{value:.digits$} {}", UNITS[unit])
}

/// An integer with commas between groups of three digits: `1,234,567`.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `base → new (Δ, Δ%)` for a diff tooltip.
pub fn change(base: i64, new: i64, unit: &str) -> String {
    let d = new.wrapping_sub(base);
    let pct = if let Some(p) = units::change_percent(d, base) {
        format!("{p:+.1}%")
    } else if new != 0 {
        "new".to_string()
    } else {
        "±0".to_string()
    };
    format!(
        "{} → {} ({}{}, {pct})",
        units::label(base, unit),
        units::label(new, unit),
        if d > 0 { "+" } else { "" },
        units::label(d, unit)
    )
}

/// `v` with its unit and its share of `total`.
pub fn value(v: i64, unit: &str, total: i64) -> String {
    format!(
        "{} ({})",
        units::label(v, unit),
        units::percentage(v, total).trim()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_uses_binary_units_and_three_digits() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1024), "1.00 KiB");
        assert_eq!(bytes(1536), "1.50 KiB");
        assert_eq!(bytes(12_900_000), "12.3 MiB");
        assert_eq!(bytes(200 * 1024 * 1024), "200 MiB");
        assert_eq!(bytes(u64::MAX), "16.0 EiB");
    }

    #[test]
    fn grouped_inserts_commas_every_three_digits() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
