//! What the page's info panel shows of a loaded profile: file, kind,
//! sample types with totals, counts, period, times, drop/keep frames,
//! comments, warnings, Go's MemStats and the labels' keys.

use heaplens_analysis::keys::base_name;
use heaplens_profile::{units, Profile};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleTypeInfo {
    pub name: String,
    pub unit: String,
    pub total: i64,
    pub total_label: String,
}

/// What the info panel shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileInfo {
    /// The file's name; of a merge, the files' names joined by ` + `.
    pub file_name: String,
    /// The files a merge was made of, in order (empty for one file).
    pub merged_from: Vec<String>,
    pub file_size: u64,
    pub inflated_size: u64,
    pub gzipped: bool,
    pub kind: String,
    pub sample_types: Vec<SampleTypeInfo>,
    pub default_type: usize,
    pub samples: usize,
    pub locations: usize,
    pub functions: usize,
    pub main_binary: String,
    pub period: String,
    pub time: String,
    pub duration: String,
    pub drop_frames: String,
    pub keep_frames: String,
    pub comments: Vec<String>,
    pub warnings: Vec<String>,
    pub tree_nodes: usize,
    /// Go's `# runtime.MemStats` block of a legacy text heap profile
    /// (name, value), in file order.
    pub memstats: Vec<(String, String)>,
    /// The keys of the samples' labels, sorted (what a label filter can
    /// name).
    pub label_keys: Vec<String>,
    /// Suggestions for the label filter: `key=value` for the string labels
    /// of keys with at most [`MAX_SUGGESTED`] values.
    pub label_suggestions: Vec<String>,
}

/// Keys with more values than this suggest only themselves.
pub const MAX_SUGGESTED: usize = 8;

/// `key=value` suggestions for string labels of keys with few values.
fn label_suggestions(p: &Profile, keys: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for k in keys {
        let mut values: Vec<&str> = p
            .labels
            .distinct()
            .iter()
            .filter(|l| p.str(l.key) == k && l.str != 0)
            .map(|l| p.str(l.str))
            .collect();
        heaplens_profile::sorting::sort_by(&mut values, |a, b| a.cmp(b));
        values.dedup();
        if values.len() <= MAX_SUGGESTED {
            out.extend(values.iter().map(|v| format!("{k}={v}")));
        }
    }
    out
}

/// What the info panel shows of profile `p`, opened from file `name`;
/// `tree_nodes` is the size of its call tree.
pub fn info(name: &str, p: &Profile, tree_nodes: usize) -> ProfileInfo {
    let mut label_keys: Vec<String> = p
        .labels
        .distinct()
        .iter()
        .map(|l| p.str(l.key).to_string())
        .collect();
    heaplens_profile::sorting::sort_by(&mut label_keys, |a, b| a.cmp(b));
    label_keys.dedup();
    let sample_types = p
        .sample_types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let total = p.total(i);
            SampleTypeInfo {
                name: t.ty.clone(),
                unit: t.unit.clone(),
                total,
                total_label: units::label(total, &t.unit),
            }
        })
        .collect();
    let period = match &p.period_type {
        Some(pt) if p.period != 0 => format!("{} ({})", units::label(p.period, &pt.unit), pt.ty),
        _ if p.period != 0 => p.period.to_string(),
        _ => String::new(),
    };
    ProfileInfo {
        file_name: name.to_string(),
        merged_from: Vec::new(),
        file_size: p.stats.input_bytes,
        inflated_size: p.stats.decoded_bytes,
        gzipped: p.stats.gzipped,
        kind: p.kind().to_string(),
        sample_types,
        default_type: p.default_sample_type(),
        samples: p.num_samples(),
        locations: p.locations.len(),
        functions: p.functions.len(),
        main_binary: p
            .mappings
            .first()
            .map(|m| base_name(p.str(m.file)).to_string())
            .unwrap_or_default(),
        period,
        time: if p.time_nanos != 0 {
            units::format_time(p.time_nanos)
        } else {
            String::new()
        },
        duration: if p.duration_nanos != 0 {
            units::label(p.duration_nanos, "nanoseconds")
        } else {
            String::new()
        },
        drop_frames: p.drop_frames.clone(),
        keep_frames: p.keep_frames.clone(),
        comments: p.comments.clone(),
        warnings: p.warnings.clone(),
        tree_nodes,
        memstats: p.memstats.clone(),
        label_suggestions: label_suggestions(p, &label_keys),
        label_keys,
    }
}
