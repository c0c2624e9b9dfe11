// Command labelled writes a small allocation profile whose samples carry
// both string labels (a handler and a tenant) and Go's numeric `bytes`
// label, the one shape of labels no profile in ../shared/corpus has:
// `go tool pprof -dot` then hangs the object-size nodelets under the
// string-label nodelets. The protobuf is written by hand (no dependency).
//
// Usage (from tests/gen):
//
//	go run ./labelled -o ../testdata/labels/labelled.pb.gz
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
)

// buf is a protobuf message being written.
type buf struct{ bytes.Buffer }

func (b *buf) varint(v uint64) {
	for v >= 0x80 {
		b.WriteByte(byte(v) | 0x80)
		v >>= 7
	}
	b.WriteByte(byte(v))
}

func (b *buf) uint(field int, v uint64) {
	b.varint(uint64(field)<<3 | 0)
	b.varint(v)
}

func (b *buf) int(field int, v int64) { b.uint(field, uint64(v)) }

func (b *buf) msg(field int, m *buf) {
	b.varint(uint64(field)<<3 | 2)
	b.varint(uint64(m.Len()))
	b.Write(m.Bytes())
}

func (b *buf) str(field int, s string) {
	b.varint(uint64(field)<<3 | 2)
	b.varint(uint64(len(s)))
	b.WriteString(s)
}

func main() {
	out := flag.String("o", "labelled.pb.gz", "output file")
	flag.Parse()

	strs := []string{""}
	index := map[string]int64{"": 0}
	s := func(v string) int64 {
		if i, ok := index[v]; ok {
			return i
		}
		index[v] = int64(len(strs))
		strs = append(strs, v)
		return index[v]
	}

	var p buf
	for _, t := range [][2]string{{"alloc_objects", "count"}, {"alloc_space", "bytes"}} {
		var vt buf
		vt.int(1, s(t[0]))
		vt.int(2, s(t[1]))
		p.msg(1, &vt)
	}
	funcs := []string{"main.main", "main.serve", "main.handleGet", "main.handlePut", "main.decode", "main.encode", "bytes.growSlice"}
	for i, f := range funcs {
		var fn buf
		fn.uint(1, uint64(i+1))
		fn.int(2, s(f))
		fn.int(3, s(f))
		fn.int(4, s("main.go"))
		p.msg(5, &fn)
		var loc buf
		loc.uint(1, uint64(i+1))
		loc.uint(3, uint64(0x1000*(i+1)))
		var line buf
		line.uint(1, uint64(i+1))
		line.int(2, int64(10*(i+1)))
		loc.msg(4, &line)
		p.msg(4, &loc)
	}
	// Stacks (leaf first, as location ids), labels and sizes: many sizes
	// per handler, so the numeric nodelets are grouped into ranges.
	type sample struct {
		stack   []uint64
		handler string
		tenant  string
		size    int64
		count   int64
	}
	var samples []sample
	handlers := []struct {
		name  string
		stack []uint64
	}{
		{"get", []uint64{5, 7, 3, 2, 1}},
		{"get", []uint64{3, 2, 1}},
		{"put", []uint64{6, 7, 4, 2, 1}},
		{"put", []uint64{4, 2, 1}},
	}
	for i, h := range handlers {
		for j, size := range []int64{16, 32, 48, 64, 96, 128, 256, 512, 1024, 4096, 32768, 65536} {
			for k, tenant := range []string{"acme", "globex", "initech"} {
				if (i+j+k)%4 == 0 {
					continue
				}
				samples = append(samples, sample{h.stack, h.name, tenant, size, int64(1 + (i*7+j*5+k*3)%11)})
			}
		}
	}
	for _, x := range samples {
		var sm buf
		for _, l := range x.stack {
			sm.uint(1, l)
		}
		sm.int(2, x.count)
		sm.int(2, x.count*x.size)
		for _, kv := range [][2]string{{"handler", x.handler}, {"tenant", x.tenant}} {
			var lb buf
			lb.int(1, s(kv[0]))
			lb.int(2, s(kv[1]))
			sm.msg(3, &lb)
		}
		var lb buf
		lb.int(1, s("bytes"))
		lb.int(3, x.size)
		sm.msg(3, &lb)
		p.msg(2, &sm)
	}
	var pt buf
	pt.int(1, s("space"))
	pt.int(2, s("bytes"))
	p.msg(11, &pt)
	p.int(12, 524288)
	p.int(9, 1764000000000000000)
	// Every string is known now.
	for _, v := range strs {
		p.str(6, v)
	}

	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(p.Bytes())
	w.Close()
	if err := os.WriteFile(*out, z.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
