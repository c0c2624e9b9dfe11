//! `heaplens help`'s text (the refine flags' part is `refine_flags::HELP`).

pub const HEAD: &str = "\
heaplens — read pprof profiles (Go heap/allocs, CPU, and other producers)

Usage:
  heaplens top    [options] FILE...  flat/cum table, like `go tool pprof -top`
  heaplens folded [options] FILE...  folded stacks: `root;...;leaf value`
  heaplens folded --base BASE [--diff-format two-column|new] NEW
                                   folded stacks of a diff: `root;...;leaf base new`
                                   (default) or the new profile's values alone
  heaplens info   FILE             sample types, totals, counts, metadata
  heaplens list   REGEX FILE... [--source DIR] [--base BASE] [options]
                                   flat/cum per source line of the functions
                                   matching REGEX, like `go tool pprof -list`
  heaplens list   REGEX FILE --escape DIAG
                                   the listing with what the compiler said about each
                                   line (DIAG: go build -gcflags=-m or -m=2 output, or
                                   a -json=0 file or directory; --escape may repeat)
  heaplens why    FILE --escape DIAG [--sample-index NAME] [--format tsv]
                                   how much of the sample type is at lines the compiler
                                   reports as allocating on the heap, by reason, and hot
                                   functions it could not inline; tsv: file, line, flat,
                                   cum, diagnostics joined by ' | ', largest flat first
  heaplens why    --base BASE --base-escape BASE_DIAG NEW --escape DIAG
                                   the same of the new build, then what changed: escapes
                                   removed and added, the value at allocating lines and
                                   each reason's share, base → new
  heaplens dot    [options] [--base BASE] FILE...
                                   the call graph of the heaviest functions as Graphviz
                                   DOT, like `go tool pprof -dot` (same nodes, edges,
                                   labels, tooltips and label nodelets)
  heaplens diff   --base BASE [options] NEW
                                   new minus base, like `go tool pprof -top -diff_base`
  heaplens gate   --base BASE NEW --max TYPE:+5% [--max 'func=REGEX:TYPE:+1MB' ...]
                                   exit 1 (naming the culprits) when a limit is exceeded
  heaplens gate   --max-growth LIMIT [--max-growth LIMIT ...] SNAP SNAP...
                                   exit 1 (naming them) when a function keeps growing
                                   across the heap snapshots faster than LIMIT, e.g.
                                   heaplens gate --max-growth 'inuse_space:10MB/h' snap-*.pb.gz
  heaplens growth [options] [--cum] [--order given] [--format text|tsv] SNAP SNAP...
                                   leak suspects across heap snapshots taken over time:
                                   the functions whose value ends higher, with a positive
                                   least-squares slope per hour, growing in more than half
                                   of the steps, the line explaining at least half of
                                   their variation (R² >= 0.5); strongest (slope x
                                   steadiness) first.
                                   Snapshots are ordered by their profiles' time (as
                                   given with --order given, or when one has no time:
                                   slopes are then per snapshot); --cum ranks by cum.
                                   tsv: name, first-to-last change, slope per hour,
                                   steadiness (0-1), first, last, R²; raw units, no header
  heaplens bench  [--format text|tsv] BASE.txt [NEW.txt]
                                   `go test -bench -benchmem` outputs compared as
                                   benchstat does (mean ± variation, change,
                                   Mann-Whitney p, geomean); one output: its values

  heaplens gctrace [--base BASE.log] NEW.log [--format text|tsv] [--process NAME]
                                   GC figures of a GODEBUG=gctrace=1 log (pauses,
                                   GC rate and CPU, live heap), or two compared
                                   with Mann-Whitney tests; gate takes the logs too
                                   (--max gc_pause_p99:+10% --max gc_cpu:+1)

  heaplens merge  -o OUT FILE...   the merge of the profiles, written as a
                                   gzipped pprof profile (`go tool pprof` opens it)

  heaplens web    [--port N] [--host ADDR] [--no-browser] [--dist DIR] [FILE|URL]...
                                   the web app served on http://127.0.0.1:8080/ (a free
                                   port when 8080 is taken) and opened in the browser,
                                   like `go tool pprof -http=:8080`. FILEs open in it
                                   (several: a timeline of snapshots); URL is a live Go
                                   service with net/http/pprof (http://localhost:6060),
                                   whose profiles the page fetches through this server.
                                   It listens on 127.0.0.1 only, unless --host says
                                   otherwise, and proxies only GET /debug/pprof/... to
                                   that one service (plain http). The site: --dist DIR,
                                   else $HEAPLENS_DIST, else the one built into heaplens
                                   (dist/ when it was compiled: ./scripts/build, then
                                   cargo install --path crates/cli), else dist/ beside
                                   the executable

FILE: a pprof profile (protobuf, gzipped or not) or folded stacks text
(`root;...;leaf 123` per line). Several FILEs (top, folded, list, merge) are
merged as `go tool pprof a.prof b.prof` merges them; their sample types
must be the same.

Options:
  --sample-index NAME|N       sample type (default: the profile's default,
                              e.g. alloc_space for -memprofile output, or the
                              first type with values when the default's are
                              all 0, said on stderr)
  --granularity functions|lines|addresses   node granularity (default
                              functions); --lines and --addresses are short for
                              --granularity lines / addresses (pprof's -addresses:
                              `0000000000401234 name file:line`)
  --format text|tsv           top, list, bench; tsv prints name<TAB>flat<TAB>cum
                              (list: function<TAB>file<TAB>line<TAB>flat<TAB>cum;
                              bench: a header line, then a row per benchmark and
                              unit) in raw numbers, sorted by flat, every row
  --nodecount N               top text: show at most N rows; dot: at most N
                              nodes (default 80, as pprof's graphs)
  --nodefraction F            top text: hide rows with cum < F of the total
                              (default 0.005, as pprof); dot: drop such nodes
  --edgefraction F            dot: drop edges with weight < F of the total
                              (default 0.001, as pprof)
  --unit UNIT                 top text, list: unit for values (B, kB, MB, ns, ms, s...)
  --base FILE                 diff/gate/list/folded/dot: the base (earlier) profile
  --diff-format two-column|new
                              folded --base: `stack base new` per line (default;
                              FlameGraph's flamegraph.pl and inferno-flamegraph
                              draw it as a differential flame graph), or `new`:
                              the new profile's values as plain folded stacks.
                              Net values (new - base) are never written: the
                              folded tools cannot read negative counts
  --tagfocus [KEY=]VALUE      top/folded/diff/list: only samples with a matching
                              label, as pprof's -tagfocus: bytes=1kB: (numeric
                              ranges lo:hi with units), thread=worker.* (regexes)
";

pub const TAIL: &str = "\
  --source DIR                list: where the sources are; a recorded path is
                              tried whole under DIR, then ever shorter suffixes
                              of it (default: the path as recorded)
  --normalize                 diff/list: scale the new profile to the base's total first
  --subtract                  diff/list: pprof's -base (percent of the net total) instead
                              of -diff_base (percent of the base's total)
  --max LIMIT                 gate: TYPE:+5% | TYPE:+1MB | 'func=REGEX:TYPE:+1MB'
                              gctrace logs: FIGURE:+10% | gc_cpu:+1 (points) |
                              gc_pause_p99:+200us | gc_heap_live_peak:+1MB
  --max-growth LIMIT          gate: [func=REGEX:]TYPE:AMOUNT[/h|/snapshot], e.g.
                              inuse_space:10MB/h or 'func=^main\\.:inuse_space:1MB/h':
                              fails when a growth suspect (as `heaplens growth`
                              ranks them) grows faster than AMOUNT per hour (per
                              snapshot for snapshots without times); not with --max
  --process NAME              gctrace, gate: the process of a log that holds
                              several (its line prefix, e.g. 'api-1')
  -o, --output OUT            merge: the file written (gzipped pprof protobuf)
  --port N                    web: the port (default 8080, or a free one when
                              8080 is taken; 0: any free port)
  --host ADDR                 web: the address listened on (default 127.0.0.1;
                              0.0.0.0 opens the page and the profiles to the network)
  --no-browser                web: print the page's URL, do not open a browser
  --dist DIR                  web: the site's folder (./scripts/build's dist/)
  -h, --help                  this help
  -V, --version               version

Exit codes: 0 ok, 1 a gate limit was exceeded, 2 bad input or usage.
";

/// Writes the whole `--help` text (the commands, pprof's filter flags, the
/// rest) to `out`.
pub fn write_help(out: &mut dyn std::io::Write) -> Result<(), String> {
    [HEAD, crate::refine_flags::HELP, TAIL]
        .iter()
        .try_for_each(|part| out.write_all(part.as_bytes()))
        .map_err(crate::inputs::write_err)
}
