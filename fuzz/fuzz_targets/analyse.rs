//! Everything after decoding, on whatever decodes: call trees at every
//! granularity, every sample type's top table, totals, folded stacks, the
//! flame layout, line listings, label filters made of the profile's own
//! labels, a diff against itself, and the share-link encoding.
#![no_main]

use heaplens_profile::encode::{encode, EncodeOptions, Fold, Trim};
use heaplens_analysis::layout::{abs_weights, layout};
use heaplens_analysis::tree::ROOT;
use heaplens_analysis::{folded, list, top, CallTree, Granularity, TopOptions};
use heaplens_profile::{decode_with, diff, tags, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_input: 1 << 20,
        max_decoded: 16 << 20,
    };
    let Ok(p) = decode_with(data, limits, &mut |_, _, _| {}) else {
        return;
    };
    for g in [Granularity::Functions, Granularity::Lines, Granularity::Addresses] {
        let tree = CallTree::build(&p, g);
        for ty in 0..p.num_types().min(4) {
            let _ = top(&p, &tree, &TopOptions::new(ty));
            let _ = p.total(ty);
            let _ = folded::folded_string(&p, &tree, ty);
            let col = tree.column(&p, ty);
            let _ = layout(&tree, &abs_weights(&col.totals), ROOT, 0.001);
            if g == Granularity::Functions {
                let _ = list::lines_where(&p, ty, |_| true);
            }
        }
    }
    // Label filters built from the profile's first labels.
    for l in p.labels.distinct().iter().take(3) {
        let value = if l.str != 0 {
            p.str(l.str).to_string()
        } else {
            format!("{}:{}", l.num, l.num.saturating_add(1))
        };
        if let Ok(f) = focus::TagFocus::parse(&format!("{}={value}", p.str(l.key))) {
            let mut q = p.clone();
            let _ = focus::apply(&mut q, &f);
            let _ = top(&q, &CallTree::build(&q, Granularity::Functions), &TopOptions::new(0));
        }
    }
    let _ = diff::combine(&p, &p, diff::DiffOptions::default());
    let e = encode(
        &p,
        EncodeOptions {
            trim: Some(Trim {
                sample_type: 0,
                fold: Fold { n: 16, tails: true },
            }),
            ..EncodeOptions::SLIM
        },
    );
    // What was written reads back.
    let _ = decode_with(&e.bytes, limits, &mut |_, _, _| {}).expect("an encoded profile decodes");
});
