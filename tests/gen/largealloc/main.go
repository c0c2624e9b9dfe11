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
// are exact. The stacks chosen depend only on N, so the same N gives the same
// stacks (the sample values of runtime-internal allocations and the header
// timestamps may differ between runs).
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
	depth int
	walk  path // reused by every request, so routing itself allocates nothing
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
	*p = path{depth: r.s.depth, keep: i%keepEach == 0}
	x := (uint64(i) * scramble) & (1<<(bits*uint(p.depth)) - 1)
	for l := 0; l < p.depth; l++ {
		p.digits[l] = uint8(x >> (bits * uint(l)) & (fanout - 1))
	}
	// Sizes vary from 16 B to 4 KiB, deterministically per index. (Smaller
	// pointer-free allocations may share a block of Go's tiny allocator, and
	// those are not profiled individually.)
	p.size = 16 + int((uint64(i)*2654435761)%4081)
	p.level = 1
	fns[p.digits[0]](p)
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

func run(n int, out string) error {
	depth, err := depthFor(n)
	if err != nil {
		return err
	}
	start := time.Now()
	live = make([][]byte, 0, (n+keepEach-1)/keepEach) // so grow never grows it
	s := &server{depth: depth}
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
	fmt.Fprintf(os.Stderr, "largealloc: %d allocation stacks (depth %d, %d live buffers) -> %s in %v\n",
		n, depth, len(live), out, time.Since(start).Round(time.Millisecond))
	return nil
}

func main() {
	runtime.MemProfileRate = 1
	n := flag.Int("n", 200000, "number of distinct allocation stacks")
	out := flag.String("o", "allocs.pb.gz", "output file (gzipped pprof protobuf)")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "largealloc: -n must be positive")
		os.Exit(2)
	}
	if err := run(*n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "largealloc:", err)
		os.Exit(1)
	}
}
