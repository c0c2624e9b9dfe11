//! `heaplens gate --max-growth`: a limit on how fast any function may keep
//! growing across snapshots. `TYPE:AMOUNT/h` fails when a growth suspect
//! (a steady grower, see [`super::fit`]) of that sample type grows faster
//! than AMOUNT per hour; `func=REGEX:TYPE:AMOUNT/h` looks only at the
//! functions REGEX matches. Without `/h` the amount is per hour too; a
//! series without times is checked per snapshot when the amount ends in
//! `/snapshot`, and refused otherwise.

use heaplens_profile::units;

use super::fit::{suspects, Growth};
use super::Series;
use crate::gate::{parse_limit, Amount, Limit};

/// A parsed `--max-growth` limit.
#[derive(Debug, Clone)]
pub struct GrowthLimit {
    pub limit: Limit,
    /// The amount is per snapshot (`/snapshot`), not per hour.
    pub per_snapshot: bool,
}

/// Parses `[func=REGEX:]TYPE:AMOUNT[/h|/snapshot]`.
pub fn parse(text: &str) -> Result<GrowthLimit, String> {
    let (body, per_snapshot) = if let Some(b) = text.strip_suffix("/snapshot") {
        (b, true)
    } else if let Some(b) = text.strip_suffix("/h") {
        (b, false)
    } else {
        (text, false)
    };
    let limit = parse_limit(body).map_err(|e| e.to_string().replace("--max ", "--max-growth "))?;
    if let Amount::Percent(_) = limit.amount {
        return Err(format!(
            "--max-growth {text:?}: a growth limit is an amount per hour, such as inuse_space:10MB/h, not a percentage"
        ));
    }
    Ok(GrowthLimit {
        limit: Limit {
            text: text.to_string(),
            ..limit
        },
        per_snapshot,
    })
}

/// The outcome of one growth limit.
#[derive(Debug, Clone, PartialEq)]
pub struct GrowthCheck {
    pub limit: String,
    pub unit: String,
    /// The allowed slope, in raw units per hour (or per snapshot).
    pub allowed: i64,
    pub per_snapshot: bool,
    /// The suspects over the limit, strongest first.
    pub over: Vec<Growth>,
}

impl GrowthCheck {
    pub fn pass(&self) -> bool {
        self.over.is_empty()
    }

    /// One line for humans, then one per function over the limit.
    pub fn lines(&self) -> Vec<String> {
        let per = if self.per_snapshot { "snapshot" } else { "h" };
        let mut out = vec![format!(
            "{} {}  (steady growth of at most {}/{per} allowed)",
            if self.pass() { "ok  " } else { "FAIL" },
            self.limit,
            units::label(self.allowed, &self.unit),
        )];
        for g in &self.over {
            out.push(format!(
                "       {}/{per}  {} → {}  steadiness {:.2}  {}",
                units::label(g.slope.round() as i64, &self.unit),
                units::label(g.first, &self.unit),
                units::label(g.last, &self.unit),
                g.steadiness,
                g.name
            ));
        }
        out
    }
}

/// Checks every limit against the series' growth suspects (flat values).
pub fn evaluate(series: &Series, limits: &[GrowthLimit]) -> Result<Vec<GrowthCheck>, String> {
    let mut out = Vec::new();
    for gl in limits {
        let l = &gl.limit;
        if series.by_time == gl.per_snapshot {
            return Err(if gl.per_snapshot {
                format!(
                    "--max-growth {:?}: these snapshots have times; give the amount per hour (/h)",
                    l.text
                )
            } else {
                format!("--max-growth {:?}: these snapshots are not ordered by time (the order given was asked for, or one has no time or two share one), so growth per hour is unknown; give the amount per snapshot (/snapshot)", l.text)
            });
        }
        let ty = series.type_index(Some(&l.sample_type))?;
        let unit = series.types[ty].unit.clone();
        let Amount::Absolute(q) = &l.amount else {
            return Err(format!("--max-growth {:?}: not an amount", l.text));
        };
        let allowed = units::parse_quantity(q, &unit).ok_or_else(|| {
            format!(
                "--max-growth {:?}: {q:?} is not a quantity of {} ({unit})",
                l.text, l.sample_type
            )
        })?;
        let over = suspects(series, ty, false)
            .into_iter()
            .filter(|g| l.func.as_ref().is_none_or(|re| re.is_match(&g.name)))
            .filter(|g| g.slope > allowed as f64)
            .collect();
        out.push(GrowthCheck {
            limit: l.text.clone(),
            unit,
            allowed,
            per_snapshot: gl.per_snapshot,
            over,
        });
    }
    Ok(out)
}
