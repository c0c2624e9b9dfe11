//! Every sample type's values of one frame (for the tooltip) and of one
//! function (for the callers panel): objects and bytes side by side. The
//! columns of the types not shown are made when first asked for and kept
//! for the prepared profile.

use std::rc::Rc;

use heaplens_analysis::peek::flat_cum_all;
use heaplens_analysis::tree::{CallTree, Column};
use heaplens_analysis::Granularity;

use super::caches::{shared_column, Caches};
use super::render::{NodeId, TypeValue};
use super::Session;
use crate::graphs::draws_functions;
use crate::params::ViewParams;
use crate::pipeline::Prepared;

/// Bytes per object where one type counts objects (`X_objects`) and another
/// their bytes (`X_space`), by total: (X, bytes, unit), first such pair.
pub fn per_object(vals: &[TypeValue]) -> Option<(String, i64, String)> {
    vals.iter().find_map(|objects| {
        let stem = objects.name.strip_suffix("_objects")?;
        let space = vals.iter().find(|s| s.name == format!("{stem}_space"))?;
        let per = (space.total as f64 / objects.total as f64).round();
        (objects.total != 0 && per.is_finite())
            .then(|| (stem.to_string(), per as i64, space.unit.clone()))
    })
}

/// The function tree's column of every sample type of `prepared`.
pub(super) fn all_columns(
    caches: &mut Caches,
    prepared: &mut Prepared,
    functions: &CallTree,
) -> Vec<Rc<Column>> {
    let n = prepared.profile.sample_types.len();
    (0..n)
        .map(|t| {
            let of = (prepared.generation, &*prepared.profile);
            shared_column(&mut caches.others, of, functions, t)
        })
        .collect()
}

fn named(p: &Prepared, t: usize, self_value: i64, total: i64) -> TypeValue {
    let st = p.profile.sample_types.get(t);
    TypeValue {
        name: st.map(|s| s.ty.clone()).unwrap_or_default(),
        unit: st.map(|s| s.unit.clone()).unwrap_or_default(),
        self_value,
        total,
    }
}

/// Flat and cum of the function with key `k`, for every sample type.
pub(super) fn function_values(p: &Prepared, functions: &CallTree, k: u32) -> Vec<TypeValue> {
    flat_cum_all(functions, &p.profile, k)
        .into_iter()
        .enumerate()
        .map(|(t, (flat, cum))| named(p, t, flat, cum))
        .collect()
}

impl Session {
    /// Every sample type's self and total of frame `node` of the view
    /// `params` asks for (of the function tree, or of the shaped tree the
    /// last view drew); with `other`, of the sandwich's other half last
    /// drawn (`params` are then its own, [`ViewParams::other_half_params`]).
    /// None without a profile or for an unknown node.
    pub fn frame_values(
        &mut self,
        params: &ViewParams,
        node: NodeId,
        other: bool,
    ) -> Option<Vec<TypeValue>> {
        let Session {
            inputs,
            pipeline,
            caches,
            ..
        } = self;
        let prepared = pipeline.prepare(inputs, params).ok()?;
        let shape = params.shape();
        let functions = prepared.tree(Granularity::Functions);
        let (tree, cols) = if draws_functions(&shape, &functions) {
            let cols = all_columns(caches, prepared, &functions);
            (functions, cols)
        } else {
            let (tree, grown) = prepared.graphs_of(other).last(&shape)?;
            let p = &prepared.profile;
            let cols = caches
                .graph_others
                .get_or((prepared.generation, other, grown), || {
                    (0..p.sample_types.len())
                        .map(|t| Rc::new(tree.column(p, t)))
                        .collect()
                })
                .clone();
            (tree, cols)
        };
        if node.0 as usize >= tree.len() {
            return None;
        }
        Some(
            cols.iter()
                .enumerate()
                .map(|(t, c)| {
                    let n = node.0;
                    named(prepared, t, c.self_value(&tree, n), c.totals[n as usize])
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tv(name: &str, unit: &str, total: i64) -> TypeValue {
        TypeValue {
            name: name.into(),
            unit: unit.into(),
            self_value: 0,
            total,
        }
    }

    #[test]
    fn bytes_per_object_pairs_objects_with_their_space() {
        let vals = [
            tv("alloc_objects", "count", 4),
            tv("alloc_space", "bytes", 4098),
            tv("inuse_objects", "count", 0),
            tv("inuse_space", "bytes", 0),
        ];
        assert_eq!(
            per_object(&vals),
            Some(("alloc".into(), 1025, "bytes".into()))
        );
        assert_eq!(per_object(&vals[2..]), None);
        assert_eq!(
            per_object(&[tv("samples", "count", 3), tv("cpu", "nanoseconds", 9)]),
            None
        );
    }
}
