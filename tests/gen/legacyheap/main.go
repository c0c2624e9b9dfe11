// Command legacyheap writes one heap profile twice at the same moment: as a
// gzipped protobuf (pprof.Lookup("heap").WriteTo(w, 0)) and as Go's legacy
// text format with '#' symbol lines and the runtime.MemStats block
// (WriteTo(w, 1)). heaplens reads both and must show the same top table.
//
// The program allocates a known mix: retained objects from a loop, from
// inlined helpers and from several call paths, plus garbage that the GC
// frees (so in-use and allocated totals differ). runtime.MemProfileRate is
// 4096, so most records are sampled and their values must be unsampled.
//
// Usage (from tests/gen):
//
//	go run -trimpath ./legacyheap -o ../testdata/legacy
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
)

// Kept reachable until both profiles are written.
var keep [][]byte
var nodes []*node
var garbage int

type node struct {
	id    int
	name  string
	next  *node
	small [4]int64
}

//go:noinline
func loopAlloc(n, size int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, size))
	}
}

// newNode is small enough to be inlined into its callers.
func newNode(id int) *node {
	return &node{id: id}
}

//go:noinline
func buildList(n int) {
	var head *node
	for i := 0; i < n; i++ {
		nd := newNode(i)
		nd.next = head
		head = nd
		nodes = append(nodes, nd)
	}
}

//go:noinline
func churn(n int) {
	for i := 0; i < n; i++ {
		b := make([]byte, 1024+i%512)
		garbage += len(b)
	}
}

//go:noinline
func viaA(n int) { leafAlloc(n, 3000) }

//go:noinline
func viaB(n int) { leafAlloc(n, 7000) }

//go:noinline
func leafAlloc(n, size int) {
	for i := 0; i < n; i++ {
		keep = append(keep, make([]byte, size))
	}
}

//go:noinline
func names(n int) {
	for i := 0; i < n; i++ {
		nd := newNode(i)
		nd.name = strings.Repeat("x", 64+i%64)
		nodes = append(nodes, nd)
	}
}

// records returns the record lines of a legacy text heap profile whose
// values are not all zero, sorted (Go orders records by in-use bytes, ties
// in no fixed order), one per line.
func records(text []byte) string {
	var out []string
	for _, line := range strings.Split(string(text), "\n") {
		if strings.HasPrefix(line, "heap profile:") || !strings.Contains(line, "] @") {
			continue
		}
		if strings.HasPrefix(line, "0: 0 [0: 0] @") {
			continue
		}
		out = append(out, line)
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func main() {
	out := flag.String("o", ".", "output directory")
	flag.Parse()
	runtime.MemProfileRate = 4096

	loopAlloc(2000, 512)
	buildList(5000)
	churn(20000)
	viaA(300)
	viaB(300)
	names(2000)

	// Two GCs publish every allocation made so far; the profile then
	// changes only at the next GC. The text is written before and after
	// the protobuf, and both texts must hold the same non-empty records:
	// then the protobuf saw them too. (Allocations made by the writers
	// show up only as records with all-zero values.)
	runtime.GC()
	runtime.GC()
	var pb, text, again bytes.Buffer
	pb.Grow(1 << 20)
	text.Grow(1 << 20)
	again.Grow(1 << 20)
	prof := pprof.Lookup("heap")
	if err := prof.WriteTo(&text, 1); err != nil {
		fail(err)
	}
	if err := prof.WriteTo(&pb, 0); err != nil {
		fail(err)
	}
	if err := prof.WriteTo(&again, 1); err != nil {
		fail(err)
	}
	runtime.KeepAlive(keep)
	runtime.KeepAlive(nodes)
	first, second := records(text.Bytes()), records(again.Bytes())
	if first != second {
		fail(fmt.Errorf("the heap profile changed while it was written:\n%s\nthen\n%s", first, second))
	}

	if !bytes.HasPrefix(text.Bytes(), []byte("heap profile: ")) {
		fail(fmt.Errorf("unexpected text header"))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fail(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "heap.pb.gz"), pb.Bytes(), 0o644); err != nil {
		fail(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "heap.txt"), text.Bytes(), 0o644); err != nil {
		fail(err)
	}
	fmt.Printf("legacyheap: %d non-empty records, %d bytes of text, %d bytes of protobuf\n",
		strings.Count(first, "\n")+1, text.Len(), pb.Len())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "legacyheap:", err)
	os.Exit(1)
}
