// Command leaky is a small HTTP service with a memory leak, for heaplens'
// "find the leak" test data: a timeline of heap snapshots taken from its
// net/http/pprof endpoint (/debug/pprof/heap?gc=1).
//
// Two goroutines allocate, each in a named function that is never inlined:
//
//   - main.(*leakyCache).remember LEAKS: every 30 ms it stores a fresh
//     32 KiB entry in a map keyed by a counter and nothing ever evicts it,
//     so its in-use bytes grow by about 1.07 MiB/s (its flat in-use space
//     also includes the map's bucket arrays, which the runtime allocates
//     under it). It stops after maxEntries entries (200 MiB, reached after
//     3 min 12 s) so a forgotten process stays bounded.
//   - main.churn allocates much more but does not leak: every 25 ms a fresh
//     512 KiB buffer replaces the oldest of a ring of 8, and a temporary
//     4 KiB string is made from it and dropped. Its in-use bytes stay flat at about
//     4 MiB (8 or 9 buffers live) while its allocated bytes grow by about
//     20 MB/s.
//
// runtime.MemProfileRate is 4096 bytes: a 32 KiB entry goes unsampled with
// probability e^-8 (1 in 3000) and a 512 KiB buffer practically never, so
// the values of the leak and the churn are accurate to about 0.03%, while the
// many small allocations of the HTTP server and of the profile handler itself
// are sampled sparsely, which keeps the profiles small (their number of
// distinct stacks is what makes them big).
//
// Once listening, leaky prints exactly one line to stdout,
//
//	listening on http://127.0.0.1:PORT
//
// and nothing else. It runs until killed, or for -duration if given.
//
// Usage (from tests/gen):
//
//	go build -trimpath -o /tmp/leaky ./leaky
//	/tmp/leaky [-addr 127.0.0.1:0] [-duration 0]
//
// scripts/gen-testdata leak takes tests/testdata/leak/ from it.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof" // registers /debug/pprof/ on http.DefaultServeMux
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"time"
)

const (
	entrySize     = 32 << 10 // bytes per leaked cache entry
	leakEvery     = 30 * time.Millisecond
	maxEntries    = 6400 // 200 MiB: the leak stops growing after 192 s
	churnSize     = 512 << 10
	churnEvery    = 25 * time.Millisecond
	churnRingSize = 8
	churnTempSize = 4 << 10
)

// leakyCache remembers every value it is given and never evicts one.
type leakyCache struct {
	mu      sync.Mutex
	entries map[uint64][]byte
}

// remember stores a new entry for key: the leak.
//
//go:noinline
func (c *leakyCache) remember(key uint64) {
	v := make([]byte, entrySize)
	for i := range v {
		v[i] = byte(key + uint64(i))
	}
	c.mu.Lock()
	c.entries[key] = v
	c.mu.Unlock()
}

// size reports the number of entries.
func (c *leakyCache) size() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// churn replaces the oldest buffer of ring with a fresh one and copies part
// of it into a temporary string that it drops: lots of allocation, bounded
// in-use. Both allocations are attributed to churn itself.
//
//go:noinline
func churn(ring [][]byte, n int) (sum byte) {
	buf := make([]byte, churnSize)
	for i := 0; i < len(buf); i += 64 {
		buf[i] = byte(n + i)
	}
	ring[n%len(ring)] = buf
	tmp := string(buf[:churnTempSize]) // too long for a stack buffer
	for i := 0; i < len(tmp); i += 64 {
		sum += tmp[i]
	}
	return sum
}

func main() {
	// Before anything else allocates (apart from package initialisation).
	runtime.MemProfileRate = 4096
	// A soft ceiling: with up to 200 MiB leaked, the GC's default pacing
	// alone would let churn garbage push the heap towards 400 MiB.
	debug.SetMemoryLimit(280 << 20)

	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	duration := flag.Duration("duration", 0, "exit after this long (0: run until killed)")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "leaky:", err)
		os.Exit(1)
	}
	// os.Stdout is unbuffered: the line is written (flushed) at once.
	fmt.Printf("listening on http://%s\n", ln.Addr())

	cache := &leakyCache{entries: make(map[uint64][]byte)}
	go func() {
		t := time.NewTicker(leakEvery)
		defer t.Stop()
		for key := uint64(0); key < maxEntries; key++ {
			<-t.C
			cache.remember(key)
		}
	}()
	go func() {
		ring := make([][]byte, churnRingSize)
		t := time.NewTicker(churnEvery)
		defer t.Stop()
		for n := 0; ; n++ {
			<-t.C
			churn(ring, n)
		}
	}()
	// A small page of its own, handy when poking at the service by hand.
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "leaky: %d cache entries; see /debug/pprof/\n", cache.size())
	})

	if *duration > 0 {
		time.AfterFunc(*duration, func() { os.Exit(0) })
	}
	if err := http.Serve(ln, nil); err != nil {
		fmt.Fprintln(os.Stderr, "leaky:", err)
		os.Exit(1)
	}
}
