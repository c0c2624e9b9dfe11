//! Value formatting the way pprof prints it: unit families (bytes, time,
//! GCU), automatic scaling, `%.2f` labels without a trailing ".00", and
//! pprof's percentage format.

pub use heaplens_text::{count, noun};

struct Unit {
    name: &'static str,
    aliases: &'static [&'static str],
    factor: f64,
}

struct Family {
    units: &'static [Unit],
    default: usize,
}

const fn u(name: &'static str, aliases: &'static [&'static str], factor: f64) -> Unit {
    Unit {
        name,
        aliases,
        factor,
    }
}

static BYTES: Family = Family {
    units: &[
        u("B", &["b", "byte"], 1.0),
        u("kB", &["kb", "kbyte", "kilobyte"], 1024.0),
        u("MB", &["mb", "mbyte", "megabyte"], 1048576.0),
        u("GB", &["gb", "gbyte", "gigabyte"], 1073741824.0),
        u("TB", &["tb", "tbyte", "terabyte"], 1099511627776.0),
        u("PB", &["pb", "pbyte", "petabyte"], 1125899906842624.0),
    ],
    default: 0,
};

static TIME: Family = Family {
    units: &[
        u("ns", &["ns", "nanosecond"], 1.0),
        u("us", &["μs", "us", "microsecond"], 1e3),
        u("ms", &["ms", "millisecond"], 1e6),
        u("s", &["s", "sec", "second"], 1e9),
        u("hrs", &["hour", "hr"], 3.6e12),
    ],
    default: 3,
};

static GCU: Family = Family {
    units: &[
        u("n*GCU", &["nanogcu"], 1e-9),
        u("u*GCU", &["microgcu"], 1e-6),
        u("m*GCU", &["milligcu"], 1e-3),
        u("GCU", &["gcu"], 1.0),
        u("k*GCU", &["kilogcu"], 1e3),
        u("M*GCU", &["megagcu"], 1e6),
        u("G*GCU", &["gigagcu"], 1e9),
        u("T*GCU", &["teragcu"], 1e12),
        u("P*GCU", &["petagcu"], 1e15),
    ],
    default: 3,
};

static FAMILIES: [&Family; 3] = [&BYTES, &TIME, &GCU];

impl Family {
    fn sniff(&self, unit: &str) -> Option<&Unit> {
        let mut lower = unit.to_lowercase();
        if lower.len() > 2 {
            if let Some(s) = lower.strip_suffix('s') {
                lower = s.to_string();
            }
        }
        self.units
            .iter()
            .find(|u| u.aliases.contains(&lower.as_str()))
    }

    fn auto(&self, v: f64) -> Option<(f64, &'static str)> {
        let mut f = 0.0;
        let mut name = "";
        for u in self.units {
            if u.factor >= f && v / u.factor >= 1.0 {
                f = u.factor;
                name = u.name;
            }
        }
        (f != 0.0).then(|| (v / f, name))
    }

    fn convert(&self, value: i64, from: &str, to: &str) -> Option<(f64, String)> {
        let from = self.sniff(from)?;
        let v = value as f64 * from.factor;
        if to == "minimum" || to == "auto" {
            if let Some((x, n)) = self.auto(v) {
                return Some((x, n.to_string()));
            }
            let d = &self.units[self.default];
            return Some((v / d.factor, d.name.to_string()));
        }
        match self.sniff(to) {
            Some(t) => Some((v / t.factor, t.name.to_string())),
            None => {
                let d = &self.units[self.default];
                Some((v / d.factor, d.name.to_string()))
            }
        }
    }
}

/// Scales `value` in `from` units to `to` ("auto"/"minimum" pick a unit).
pub fn scale(value: i64, from: &str, to: &str) -> (f64, String) {
    if value < 0 && value != i64::MIN {
        let (v, u) = scale(-value, from, to);
        return (-v, u);
    }
    for fam in FAMILIES {
        if let Some(r) = fam.convert(value, from, to) {
            return r;
        }
    }
    match to {
        "count" | "sample" | "unit" | "minimum" | "auto" => (value as f64, String::new()),
        _ => (value as f64, to.to_string()),
    }
}

/// pprof's `ScaledLabel`: `%.2f` with a trailing ".00" dropped, plus unit.
pub fn scaled_label(value: i64, from: &str, to: &str) -> String {
    let (v, u) = scale(value, from, to);
    let mut s = format!("{v:.2}");
    if let Some(t) = s.strip_suffix(".00") {
        s = t.to_string();
    }
    if s == "0" || s == "-0" {
        return "0".to_string();
    }
    s + &u
}

/// A change `delta` in percent of `base` (`None` when `base` is 0): the
/// Δ% of diffs, gates and the diff table.
pub fn change_percent(delta: i64, base: i64) -> Option<f64> {
    (base != 0).then(|| delta as f64 * 100.0 / base.unsigned_abs() as f64)
}

/// A value with an automatically chosen unit, e.g. `4.59GB`, `1.20s`, `123`.
pub fn label(value: i64, unit: &str) -> String {
    scaled_label(value, unit, "auto")
}

/// pprof's percentage column: `  100%`, `12.34%`, ` 0.05%`.
pub fn percentage(value: i64, total: i64) -> String {
    let ratio = if total != 0 {
        (value as f64 / total as f64).abs() * 100.0
    } else {
        0.0
    };
    if (99.95..=100.05).contains(&ratio) {
        "  100%".to_string()
    } else if ratio >= 1.0 {
        format!("{ratio:5.2}%")
    } else {
        format!("{:>5}%", go_g2(ratio))
    }
}

/// Go's `%.2g`: two significant digits, exponent form for tiny values.
pub fn go_g2(x: f64) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    if !x.is_finite() {
        return format!("{x}");
    }
    let sci = format!("{x:.1e}"); // e.g. "1.2e-5"
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..2).contains(&exp) {
        let mant = mant.trim_end_matches('0').trim_end_matches('.');
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", exp.abs());
    }
    let decimals = (1 - exp).max(0) as usize;
    let fixed = format!("{x:.decimals$}");
    if fixed.contains('.') {
        fixed
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    } else {
        fixed
    }
}

/// The unit heaplens shows for a sample type in tables, given the values
/// shown: pprof's "minimum" rule (smallest value scaled so that it is at
/// least 0.01 of the unit when the range is wide).
pub fn output_unit(sample_unit: &str, min_value: i64, max_value: i64) -> String {
    let min_value = if min_value == 0 { max_value } else { min_value };
    let (_, min_unit) = scale(min_value, sample_unit, "minimum");
    let (_, max_unit) = scale(max_value, sample_unit, "minimum");
    let mut unit = min_unit.clone();
    if min_unit != max_unit && min_value.saturating_mul(100) < max_value {
        unit = scale(min_value.saturating_mul(100), sample_unit, "minimum").1;
    }
    if unit.is_empty() {
        sample_unit.to_string()
    } else {
        unit
    }
}

/// Formats a UNIX time in nanoseconds like pprof's header, in UTC:
/// `Nov 27, 2026 at 7:30am (UTC)`.
pub fn format_time(nanos: i64) -> String {
    let secs = nanos.div_euclid(1_000_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let hour = sod / 3600;
    let min = (sod % 3600) / 60;
    let (h12, ampm) = match hour {
        0 => (12, "am"),
        1..=11 => (hour, "am"),
        12 => (12, "pm"),
        _ => (hour - 12, "pm"),
    };
    format!(
        "{} {d}, {y} at {h12}:{min:02}{ampm} (UTC)",
        MONTHS[(m - 1) as usize]
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_like_pprof() {
        assert_eq!(label(4_592_000_000, "bytes"), "4.28GB");
        assert_eq!(label(1024, "bytes"), "1kB");
        assert_eq!(label(512, "bytes"), "512B");
        assert_eq!(label(0, "bytes"), "0");
        assert_eq!(label(10_000_000, "nanoseconds"), "10ms");
        assert_eq!(label(1_500_000_000, "nanoseconds"), "1.50s");
        assert_eq!(label(123, "count"), "123");
        assert_eq!(label(-2048, "bytes"), "-2kB");
        assert_eq!(scaled_label(123_456_789, "bytes", "B"), "123456789B");
        assert_eq!(scaled_label(5, "microseconds", "us"), "5us");
        assert_eq!(label(3_600_000_000_000, "nanoseconds"), "1hrs");
    }

    #[test]
    fn percentages_like_pprof() {
        assert_eq!(percentage(1, 1), "  100%");
        assert_eq!(percentage(1234, 10000), "12.34%");
        assert_eq!(percentage(5, 1000), "  0.5%");
        assert_eq!(percentage(123, 1_000_000), "0.012%");
        assert_eq!(percentage(1, 10_000_000), "1e-05%");
        assert_eq!(percentage(0, 10), "    0%");
        assert_eq!(percentage(5, 0), "    0%");
    }

    #[test]
    fn time_header() {
        assert_eq!(format_time(0), "Jan 1, 1970 at 12:00am (UTC)");
        assert_eq!(
            format_time(1_795_764_600_000_000_000),
            "Nov 27, 2026 at 7:30am (UTC)"
        );
    }
}

/// How many `to` one `from` is (`kB` in `bytes`: 1024); None when either
/// unit is unknown or they are of different kinds. (Reads no numbers: the
/// page has no use for the standard library's float parser.)
pub fn unit_factor(from: &str, to: &str) -> Option<f64> {
    FAMILIES.iter().find_map(|fam| {
        let (f, t) = (fam.sniff(from)?, fam.sniff(to)?);
        Some(f.factor / t.factor)
    })
}

/// Parses a quantity like `1MB`, `+512kB`, `5ms`, `-3` into the given
/// sample unit (e.g. `1MB` in `bytes` is 1048576). `None` when the unit is
/// unknown or of another kind than `sample_unit`.
pub fn parse_quantity(text: &str, sample_unit: &str) -> Option<i64> {
    let t = text.trim();
    let split = t
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || ((c == '+' || c == '-') && i == 0)))
        .map_or(t.len(), |(i, _)| i);
    let (num, suffix) = t.split_at(split);
    let value: f64 = num.parse().ok()?;
    let suffix = suffix.trim();
    if suffix.is_empty() {
        return Some(value.round() as i64);
    }
    unit_factor(suffix, sample_unit).map(|f| (value * f).round() as i64)
}

#[cfg(test)]
mod quantity_tests {
    use super::parse_quantity;

    #[test]
    fn quantities() {
        assert_eq!(parse_quantity("1MB", "bytes"), Some(1 << 20));
        assert_eq!(parse_quantity("+512kB", "bytes"), Some(512 << 10));
        assert_eq!(parse_quantity("5ms", "nanoseconds"), Some(5_000_000));
        assert_eq!(parse_quantity("-3", "count"), Some(-3));
        assert_eq!(parse_quantity("1.5s", "nanoseconds"), Some(1_500_000_000));
        assert_eq!(parse_quantity("1MB", "nanoseconds"), None);
        assert_eq!(parse_quantity("abc", "bytes"), None);
    }
}
