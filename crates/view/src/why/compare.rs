//! A diff's diagnostics compared: the base profile joined to the base
//! build's diagnostics, the new profile to the new build's, and what
//! changed between them: allocating sites removed and added, the value at
//! lines the compiler reports as allocating, and each reason's share.
//!
//! A site is an allocating diagnostic at a line with a flat value, named by its
//! function and the compiler's words (`make([]byte, n) escapes to heap` in
//! `(*Scheduler).Create`), not by its line: an edit above it moves the line
//! but not the site.

use std::collections::BTreeMap;

use heaplens_profile::units;

use super::{Analysis, Summary};

/// What changed between the base's and the new profile's analyses.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub base: Summary,
    pub new: Summary,
    /// Allocating sites of the base that the new build no longer has.
    pub removed: Vec<Site>,
    /// Allocating sites of the new build the base did not have.
    pub added: Vec<Site>,
}

/// An allocating diagnostic at a line with a flat value.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Site {
    pub function: String,
    pub message: String,
}

/// The allocating sites of an analysis, with how often each occurs.
fn sites(a: &Analysis) -> BTreeMap<Site, usize> {
    let mut out = BTreeMap::new();
    for f in &a.funcs {
        for l in &f.lines {
            // Where the line allocates itself (a call's line has cum).
            if l.flat == 0 {
                continue;
            }
            for d in a.index.at(&f.file, l.line) {
                if d.kind.allocates() {
                    let site = Site {
                        function: f.name.clone(),
                        message: d.message.clone(),
                    };
                    *out.entry(site).or_insert(0) += 1;
                }
            }
        }
    }
    out
}

/// The sites `a` has more often than `b`, each as often as the difference.
fn minus(a: &BTreeMap<Site, usize>, b: &BTreeMap<Site, usize>) -> Vec<Site> {
    let mut out = Vec::new();
    for (site, &n) in a {
        let m = b.get(site).copied().unwrap_or(0);
        out.extend(std::iter::repeat_n(site.clone(), n.saturating_sub(m)));
    }
    out
}

/// Compares the base's analysis with the new one's.
pub fn compare(base: &Analysis, new: &Analysis) -> Comparison {
    let (b, n) = (sites(base), sites(new));
    Comparison {
        removed: minus(&b, &n),
        added: minus(&n, &b),
        base: base.summary.clone(),
        new: new.summary.clone(),
    }
}

/// "41.7% less", "12.0% more", "no change" from `base` to `new`.
fn change(base: i64, new: i64) -> String {
    match units::change_percent(new.wrapping_sub(base), base) {
        _ if base == new => "no change".into(),
        Some(p) if p < 0.0 => format!("{:.1}% less", -p),
        // 10× and over: as a factor.
        Some(p) if p >= 900.0 => format!("{:.0}× as much", 1.0 + p / 100.0),
        Some(p) => format!("{p:.1}% more"),
        None => "all new".into(),
    }
}

/// The comparison as text: `heaplens why --base`'s output, line by line.
pub fn text(c: &Comparison, type_name: &str, unit: &str) -> String {
    let label = |v: i64| units::label(v, unit);
    let share = |v: i64, t: i64| units::percentage(v, t).trim().to_string();
    let count = |n: usize, one: &str, many: &str| heaplens_text::count(n as u64, one, many);
    let mut out = format!(
        "{}, {}: {} of {type_name} at the lines the compiler reports as allocating on the heap \
         ({} → {}; {} → {} of each profile's total)\n",
        count(c.removed.len(), "escape removed", "escapes removed"),
        count(c.added.len(), "added", "added"),
        change(c.base.escaping, c.new.escaping),
        label(c.base.escaping),
        label(c.new.escaping),
        share(c.base.escaping, c.base.total),
        share(c.new.escaping, c.new.total),
    );
    out.push_str(&format!(
        "  lines: {} → {}\n",
        c.base.escaping_sites, c.new.escaping_sites
    ));
    let mut reasons: BTreeMap<&str, [(i64, usize); 2]> = BTreeMap::new();
    for (side, s) in [&c.base, &c.new].into_iter().enumerate() {
        for r in &s.reasons {
            reasons.entry(r.reason.as_str()).or_default()[side] = (r.value, r.sites);
        }
    }
    let mut reasons: Vec<_> = reasons.into_iter().collect();
    reasons.sort_by(|a, b| {
        let size = |r: &[(i64, usize); 2]| r[0].0.max(r[1].0);
        size(&b.1).cmp(&size(&a.1)).then(a.0.cmp(b.0))
    });
    for (reason, [(bv, bs), (nv, ns)]) in reasons {
        out.push_str(&format!(
            "  {reason}: {} → {} of {type_name} ({} → {}, {})\n",
            share(bv, c.base.total),
            share(nv, c.new.total),
            bs,
            count(ns, "site", "sites"),
            change(bv, nv),
        ));
    }
    for (word, sites) in [("Removed", &c.removed), ("Added", &c.added)] {
        if sites.is_empty() {
            continue;
        }
        out.push_str(&format!("{word}:\n"));
        for s in sites.iter().take(10) {
            out.push_str(&format!("  {}: {}\n", s.function, s.message));
        }
        if sites.len() > 10 {
            out.push_str(&format!("  … and {} more\n", sites.len() - 10));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(f: &str, m: &str) -> Site {
        Site {
            function: f.into(),
            message: m.into(),
        }
    }

    #[test]
    fn sites_are_counted_as_multisets() {
        let a = BTreeMap::from([(site("F", "x escapes to heap"), 2), (site("G", "y"), 1)]);
        let b = BTreeMap::from([(site("F", "x escapes to heap"), 1), (site("H", "z"), 1)]);
        assert_eq!(
            minus(&a, &b),
            vec![site("F", "x escapes to heap"), site("G", "y")]
        );
        assert_eq!(minus(&b, &a), vec![site("H", "z")]);
    }

    #[test]
    fn changes_in_words() {
        assert_eq!(change(100, 59), "41.0% less");
        assert_eq!(change(100, 112), "12.0% more");
        assert_eq!(change(7, 7), "no change");
        assert_eq!(change(0, 5), "all new");
        assert_eq!(change(10, 3570), "357× as much");
    }
}
