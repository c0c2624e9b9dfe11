// Command largealloc writes a Go allocation profile with a chosen number of
// distinct allocation stacks, for heaplens' benchmarks (scripts/bench).
//
// Usage (from tests/gen):
//
//	go run ./largealloc -n 200000 -o allocs-200k.pb.gz
//
// The Go runtime keeps one memory-profile bucket per distinct call stack, and
// each bucket becomes one sample of the written profile. To get about N
// samples, the program makes N allocations, each from a different stack: below
// a fixed request-handler prefix, a chain of `depth` calls through a family of
// 32 small functions f00..f31 picks one function per level from the digits
// (base 32) of a scrambled index, and the last level allocates. With
// 32^depth >= N every index has its own path, so the profile holds N stacks
// from this program plus a few dozen from the runtime and flag parsing.
//
// runtime.MemProfileRate is 1, so every allocation is recorded and the counts
// are exact. The stacks chosen depend only on N (and -variant), so the same
// flags give the same stacks (the sample values of runtime-internal
// allocations and the header timestamps may differ between runs).
//
// Variants, for diffs (scripts/bench compares a base and a new profile):
//
//	go run ./largealloc -n 200000 -o allocs-200k.pb.gz                # variant 0
//	go run ./largealloc -n 200000 -variant 1 -o allocs-200k-base.pb.gz
//
// Variant 0 (the default) is the profile described above. Any other variant
// V is the same program with two changes, so that it and variant 0 partly
// overlap:
//   - a fraction -changed (default 0.2) of the indices, picked by a hash of
//     the index and V, takes another path: the one of index i+V*N (modulo
//     32^depth), so those stacks are missing from variant 0 and variant 0's
//     stacks for them are missing from this one (while 2N <= 32^depth, e.g.
//     N = 200000, no two indices share a path; beyond that a few may, and
//     their allocations merge into one sample);
//   - allocations below f00..f03 (the first family level) are twice as big
//     and those below f28..f31 half as big (at least 16 B) as in variant 0.
//
// So a diff of variant 0 against variant V shows f00..f03 shrinking,
// f28..f31 growing, and about 2 * changed * N stacks that only one side has.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"
)

const (
	fanout   = 32 // number of functions in the f00..f31 family
	bits     = 5  // log2(fanout)
	maxDepth = 6  // 32^6 paths; Go records at most 32 frames per stack
	scramble = 0x9E3779B97F4A7C15
	keepEach = 16 // keep every 16th allocation live, so in-use values are not all zero
)

// path is one walk through the function family: route calls
// fns[digits[0]], which calls fns[digits[1]], ..., and the function at level
// depth calls grow. Each fNN carries the same body so that no shared helper
// frame sits between two levels.
type path struct {
	digits [maxDepth]uint8
	depth  int
	level  int // number of family functions on the stack
	size   int
	keep   bool // stays reachable (every keepEach-th index)
}

// fns is the dispatch table; filled in init to avoid an initialization cycle.
var fns [fanout]func(*path)

func init() {
	fns = [fanout]func(*path){
		f00,
		f01,
		f02,
		f03,
		f04,
		f05,
		f06,
		f07,
		f08,
		f09,
		f10,
		f11,
		f12,
		f13,
		f14,
		f15,
		f16,
		f17,
		f18,
		f19,
		f20,
		f21,
		f22,
		f23,
		f24,
		f25,
		f26,
		f27,
		f28,
		f29,
		f30,
		f31,
	}
}

var (
	live [][]byte
	sink []byte
)

// grow is the allocating leaf.
//
//go:noinline
func grow(p *path) {
	buf := make([]byte, p.size)
	sink = buf
	if p.keep {
		live = append(live, buf)
	}
}

//go:noinline
func f00(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f01(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f02(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f03(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f04(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f05(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f06(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f07(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f08(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f09(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f10(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f11(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f12(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f13(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f14(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f15(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f16(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f17(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f18(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f19(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f20(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f21(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f22(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f23(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f24(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f25(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f26(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f27(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f28(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f29(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f30(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

//go:noinline
func f31(p *path) {
	if p.level == p.depth {
		grow(p)
		return
	}
	d := p.digits[p.level]
	p.level++
	fns[d](p)
}

// The fixed prefix above the function family, shaped like a request handler.

type server struct {
	depth   int
	n       int    // number of indices (-n)
	variant uint64 // -variant; 0 is the original profile
	changed uint64 // with variant != 0: indices whose hash is below this take another path
	walk    path   // reused by every request, so routing itself allocates nothing
}

type router struct{ s *server }

//go:noinline
func (s *server) serveBatch(first, n int) {
	for i := first; i < first+n; i++ {
		s.handle(i)
	}
}

//go:noinline
func (s *server) handle(i int) { withTracing(s, i) }

//go:noinline
func withTracing(s *server, i int) {
	r := router{s: s}
	r.route(i)
}

//go:noinline
func (r *router) route(i int) {
	p := &r.s.walk
	s := r.s
	*p = path{depth: s.depth, keep: i%keepEach == 0}
	mask := uint64(1)<<(bits*uint(p.depth)) - 1
	j := uint64(i)
	if s.variant != 0 && mix(uint64(i), s.variant)>>32 < s.changed {
		j = (uint64(i) + s.variant*uint64(s.n)) & mask
	}
	x := (j * scramble) & mask
	for l := 0; l < p.depth; l++ {
		p.digits[l] = uint8(x >> (bits * uint(l)) & (fanout - 1))
	}
	// Sizes vary from 16 B to 4 KiB, deterministically per index. (Smaller
	// pointer-free allocations may share a block of Go's tiny allocator, and
	// those are not profiled individually.)
	p.size = 16 + int((uint64(i)*2654435761)%4081)
	if s.variant != 0 {
		switch {
		case p.digits[0] < 4:
			p.size *= 2
		case p.digits[0] >= fanout-4:
			p.size = max(16, p.size/2)
		}
	}
	p.level = 1
	fns[p.digits[0]](p)
}

// mix hashes an index with a variant (splitmix64's finalizer).
func mix(i, v uint64) uint64 {
	z := i + v*scramble
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// depthFor returns the smallest depth with fanout^depth >= n.
func depthFor(n int) (int, error) {
	for d, paths := 1, fanout; d <= maxDepth; d, paths = d+1, paths*fanout {
		if paths >= n {
			return d, nil
		}
	}
	return 0, fmt.Errorf("-n %d is too large (at most %d distinct stacks)", n, 1<<(bits*maxDepth))
}

func run(n int, variant uint64, changed float64, out string) error {
	depth, err := depthFor(n)
	if err != nil {
		return err
	}
	start := time.Now()
	live = make([][]byte, 0, (n+keepEach-1)/keepEach) // so grow never grows it
	s := &server{depth: depth, n: n, variant: variant, changed: uint64(changed * (1 << 32))}
	const batch = 4096
	for i := 0; i < n; i += batch {
		m := batch
		if n-i < m {
			m = n - i
		}
		s.serveBatch(i, m)
	}
	// The memory profile only shows allocations up to the last completed GC.
	runtime.GC()
	runtime.GC()
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	what := ""
	if variant != 0 {
		what = fmt.Sprintf(", variant %d: %.0f%% of the paths moved", variant, changed*100)
	}
	fmt.Fprintf(os.Stderr, "largealloc: %d allocation stacks (depth %d, %d live buffers%s) -> %s in %v\n",
		n, depth, len(live), what, out, time.Since(start).Round(time.Millisecond))
	return nil
}

func main() {
	runtime.MemProfileRate = 1
	n := flag.Int("n", 200000, "number of distinct allocation stacks")
	out := flag.String("o", "allocs.pb.gz", "output file (gzipped pprof protobuf)")
	variant := flag.Uint64("variant", 0, "0: the original profile; another number: a variant that partly overlaps it (for diffs)")
	changed := flag.Float64("changed", 0.2, "with -variant: fraction of the allocation paths that differ from variant 0")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "largealloc: -n must be positive")
		os.Exit(2)
	}
	if *changed < 0 || *changed > 1 {
		fmt.Fprintln(os.Stderr, "largealloc: -changed must be between 0 and 1")
		os.Exit(2)
	}
	if err := run(*n, *variant, *changed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "largealloc:", err)
		os.Exit(1)
	}
}
