// Test helpers: a failure stops the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

/// A GC line with the given number, start (s), pause phases (ms), live
/// heap (MiB), forced flag.
fn line(n: u64, at: f64, stw: (f64, f64), live: u64, forced: bool) -> String {
    format!(
        "gc {n} @{at:.3}s 2%: {}+1.0+{} ms clock, 0.1+0.2/0.3/0.4+0.5 ms cpu, {}->{}->{live} MB, {} MB goal, 0 MB stacks, 0 MB globals, 2 P{}\n",
        stw.0,
        stw.1,
        live + 2,
        live + 3,
        live * 2,
        if forced { " (forced)" } else { "" }
    )
}

fn gcs(text: &str) -> Vec<Gc> {
    parse(text).expect("parse").processes.remove(0).gcs
}

#[test]
fn summary_figures_are_computed_from_the_lines() {
    // Pauses 0.3, 0.5, 0.1, 1.1 ms; live 4, 8, 6, 2 MiB; one forced GC.
    let text = [
        line(1, 0.100, (0.1, 0.2), 4, false),
        line(2, 0.300, (0.2, 0.3), 8, false),
        line(3, 0.600, (0.05, 0.05), 6, true),
        line(4, 1.000, (1.0, 0.1), 2, false),
    ]
    .concat();
    let g = gcs(&text);
    let s = summary(&g);
    let get = |k: &str| s.iter().find(|f| f.key == k).expect(k).value;
    let near = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert_eq!(get("gc_count"), 4.0);
    assert_eq!(get("forced_gc_count"), 1.0);
    // The run ends when the last GC ends: 1.000 s + 1.0+1.0+0.1 ms.
    assert!(near(get("run_seconds"), 1.0021));
    assert!(near(get("gcs_per_second"), 4.0 / 1.0021));
    assert!(near(get("gc_interval_mean_ms"), 300.0));
    assert!(near(get("pause_total_ms"), 2.0));
    assert!(near(get("pause_mean_ms"), 0.5));
    // Nearest rank: p50 of four is the second smallest, p99 the largest.
    assert!(near(get("pause_p50_ms"), 0.3));
    assert!(near(get("pause_p99_ms"), 1.1));
    assert!(near(get("pause_max_ms"), 1.1));
    assert_eq!(get("gc_cpu_percent"), 2.0);
    assert_eq!(get("heap_live_peak_bytes"), (8u64 << 20) as f64);
    assert_eq!(get("heap_live_mean_bytes"), (5u64 << 20) as f64);
    assert_eq!(get("heap_goal_peak_bytes"), (16u64 << 20) as f64);
    let tsv = report::tsv(&s);
    assert!(tsv.contains("pause_p99_ms\t1.1\n"), "{tsv}");
    assert!(tsv.contains("heap_live_peak_bytes\t8388608\n"), "{tsv}");
}

#[test]
fn comparison_tests_pauses_and_intervals() {
    let slow: String = (1..=30)
        .map(|i| line(i, i as f64 * 0.01, (0.4 + i as f64 * 0.001, 0.1), 4, false))
        .collect();
    let fast: String = (1..=30)
        .map(|i| line(i, i as f64 * 0.02, (0.1 + i as f64 * 0.001, 0.1), 4, false))
        .collect();
    let rows = compare(&gcs(&slow), &gcs(&fast));
    let p99 = rows.iter().find(|c| c.key == "pause_p99_ms").expect("p99");
    assert!((p99.base - 0.53).abs() < 1e-9 && (p99.new - 0.23).abs() < 1e-9);
    assert!(p99.significant());
    assert_eq!(report::change(p99), "-57%");
    assert_eq!(
        report::sentence(p99),
        "STW pause p99 0.530 ms → 0.230 ms (-57%), significant"
    );
    // Every base pause is above every new one: the smallest p possible.
    let rate = rows
        .iter()
        .find(|c| c.key == "gcs_per_second")
        .expect("rate");
    assert!(rate.significant() && rate.new < rate.base);
    let peak = rows
        .iter()
        .find(|c| c.key == "heap_live_peak_bytes")
        .expect("peak");
    assert_eq!((peak.p, peak.percent()), (None, Some(0.0)));
    let tsv = report::compare_tsv(&rows);
    assert!(
        tsv.contains("pause_p99_ms\t0.53\t0.23\t-56.603774\n"),
        "{tsv}"
    );
    let cpu = rows
        .iter()
        .find(|c| c.key == "gc_cpu_percent")
        .expect("cpu");
    assert_eq!(report::change(cpu), "+0 pt");
}

#[test]
fn series_round_trip_keeps_every_printed_figure() {
    let text = [
        line(1, 0.012, (0.017, 0.024), 1, false),
        line(2, 0.5, (12.0, 0.5), 40, true),
        "gc 3 @1.5s 9%: 0.1+2+0.3 ms clock, 0.2+0.3/0.4/0.5+0.6 ms cpu, 9->9->3 MB, 10 MB goal, 7 P\n".into(),
    ]
    .concat();
    let g = gcs(&text);
    let back = series::decode(&series::encode(&g)).expect("decode");
    assert_eq!(back.len(), g.len());
    for (a, b) in g.iter().zip(&back) {
        assert_eq!(
            (a.num, a.procs, a.forced, a.stacks, a.globals),
            (b.num, b.procs, b.forced, b.stacks, b.globals)
        );
        assert_eq!(
            (a.heap_start, a.heap_end, a.heap_live, a.goal),
            (b.heap_start, b.heap_end, b.heap_live, b.goal)
        );
        assert!((a.at_s - b.at_s).abs() < 1e-9);
        for (x, y) in a
            .clock_ms
            .iter()
            .chain(&a.cpu_ms)
            .zip(b.clock_ms.iter().chain(&b.cpu_ms))
        {
            assert!((x - y).abs() < 1e-9, "{x} {y}");
        }
    }
    let bytes = series::encode(&g);
    assert!(series::decode(&bytes[..bytes.len() - 1]).is_err());
    assert!(series::decode(&[]).is_err());
    assert!(series::decode(&[9, 0]).is_err());
}

#[test]
fn charts_keep_one_point_per_column_and_the_spikes() {
    // 1000 GCs over 1 s with one 9 ms pause at GC 500.
    let text: String = (1..=1000u64)
        .map(|i| {
            let stw = if i == 500 { (9.0, 0.0) } else { (0.1, 0.1) };
            line(i, i as f64 / 1000.0, stw, 4, false)
        })
        .collect();
    let g = gcs(&text);
    let charts = chart::charts(None, &g, 100);
    let pause = charts.iter().find(|c| c.id == "pause").expect("pause");
    let points = &pause
        .series
        .iter()
        .find(|s| s.mark == chart::Mark::Points)
        .expect("points")
        .points;
    assert!(points.len() <= 101, "{}", points.len());
    assert!(points.iter().any(|p| p.1 == 9.0), "the spike is kept");
    assert!(pause.y_max >= 9.0);
    let rate = charts.iter().find(|c| c.id == "rate").expect("rate");
    // 1000 GCs per second, steady: the moving rate is 1000 once the window is full.
    let last = rate.series[0].points.last().expect("point").1;
    assert!((last - 1000.0).abs() < 40.0, "{last}");
    let values = pause.values_at(0.5);
    assert!(
        values
            .iter()
            .any(|(n, _, v)| n == "STW pause" && v == "9.00 ms"),
        "{values:?}"
    );
}

#[test]
fn nice_ticks() {
    let (max, t) = chart::ticks(7.3, Unit::Ms);
    assert_eq!(max, 8.0);
    assert_eq!(
        t.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["0 ms", "2.00 ms", "4.00 ms", "6.00 ms", "8.00 ms"]
    );
    let (max, _) = chart::ticks((300u64 << 20) as f64, Unit::Bytes);
    assert_eq!(max, (300u64 << 20) as f64);
}

#[test]
fn pick_names_the_processes() {
    let text = format!(
        "a | {}b | {}",
        line(1, 0.1, (0.1, 0.1), 1, false),
        line(1, 0.1, (0.1, 0.1), 1, false)
    );
    let log = parse(&text).expect("parse");
    let err = pick(&log, None).expect_err("two");
    assert!(
        err.contains("2 processes") && err.contains("\"a |\""),
        "{err}"
    );
    assert_eq!(pick(&log, Some("b")).expect("b").name, "b |");
    assert!(pick(&log, Some("c")).is_err());
}

#[test]
fn gate_limits_in_percent_points_and_units() {
    let text = |stw: f64, cpu: u32| -> String {
        (1..=10u64)
            .map(|i| {
                line(i, i as f64 * 0.1, (stw, stw), 4, false).replace(" 2%:", &format!(" {cpu}%:"))
            })
            .collect()
    };
    let (base, new) = (gcs(&text(0.2, 3)), gcs(&text(0.25, 4)));
    let limits = |ls: &[&str]| -> Vec<crate::gate::Limit> {
        ls.iter()
            .map(|l| crate::gate::parse_limit(l).expect("limit"))
            .collect()
    };
    // Pauses 0.4 → 0.5 ms (+25%); CPU 3 → 4 (+1 point).
    let checks = gate(
        &base,
        &new,
        &limits(&[
            "gc_pause_p99:+30%",
            "gc_pause_p99:+20%",
            "gc_cpu:+1",
            "gc_cpu:+0.5pt",
            "pause_max_ms:+100us",
            "gc_heap_live_peak:+1MB",
        ]),
    )
    .expect("gate");
    let pass: Vec<bool> = checks.iter().map(|c| c.pass).collect();
    assert_eq!(pass, [true, false, true, false, true, true]);
    assert!(
        checks[1]
            .line()
            .starts_with("FAIL gc_pause_p99:+20%  0.400 ms → 0.500 ms (+25%)"),
        "{}",
        checks[1].line()
    );
    let err = gate(&base, &new, &limits(&["alloc_space:+5%"])).expect_err("unknown");
    assert!(
        err.contains("no GC figure") && err.contains("gc_pause_p99"),
        "{err}"
    );
    assert!(gate(&base, &new, &limits(&["gc_cpu:+1MB"])).is_err());
}
