// Command profinfo prints the number of samples and the sample types of a
// pprof protobuf profile (gzipped or raw), reading the wire format directly
// with the standard library only. heaplens' scripts use it to check generated
// profiles; it is much cheaper than `go tool pprof -raw` on a million samples.
//
// Usage (from tests/gen):
//
//	go run ./profinfo FILE...
//
// Output, one line per file:
//
//	FILE<TAB>samples=N<TAB>types=alloc_objects/count,alloc_space/bytes,...<TAB>default=alloc_space
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Field numbers of perftools.profiles.Profile and ValueType.
const (
	fieldSampleType        = 1
	fieldSample            = 2
	fieldStringTable       = 6
	fieldDefaultSampleType = 14

	fieldValueTypeType = 1
	fieldValueTypeUnit = 2
)

type valueType struct{ typ, unit int64 }

type info struct {
	samples     int
	sampleTypes []valueType
	strings     []string
	defaultType int64
}

var errTruncated = errors.New("truncated protobuf")

func varint(b []byte) (uint64, int, error) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * uint(i))
		if b[i] < 0x80 {
			return v, i + 1, nil
		}
	}
	return 0, 0, errTruncated
}

// fields calls fn for every field of one message. For varint fields data is
// nil; for length-delimited fields v is the length.
func fields(b []byte, fn func(num int, wire int, v uint64, data []byte) error) error {
	for len(b) > 0 {
		key, n, err := varint(b)
		if err != nil {
			return err
		}
		b = b[n:]
		num, wire := int(key>>3), int(key&7)
		switch wire {
		case 0:
			v, n, err := varint(b)
			if err != nil {
				return err
			}
			b = b[n:]
			if err := fn(num, wire, v, nil); err != nil {
				return err
			}
		case 1:
			if len(b) < 8 {
				return errTruncated
			}
			b = b[8:]
		case 2:
			l, n, err := varint(b)
			if err != nil {
				return err
			}
			b = b[n:]
			if uint64(len(b)) < l {
				return errTruncated
			}
			if err := fn(num, wire, l, b[:l]); err != nil {
				return err
			}
			b = b[l:]
		case 5:
			if len(b) < 4 {
				return errTruncated
			}
			b = b[4:]
		default:
			return fmt.Errorf("unsupported wire type %d", wire)
		}
	}
	return nil
}

func parse(data []byte) (*info, error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	p := &info{}
	err := fields(data, func(num, wire int, v uint64, b []byte) error {
		switch {
		case num == fieldSample && wire == 2:
			p.samples++
		case num == fieldSampleType && wire == 2:
			var vt valueType
			if err := fields(b, func(num, wire int, v uint64, _ []byte) error {
				if wire == 0 && num == fieldValueTypeType {
					vt.typ = int64(v)
				} else if wire == 0 && num == fieldValueTypeUnit {
					vt.unit = int64(v)
				}
				return nil
			}); err != nil {
				return err
			}
			p.sampleTypes = append(p.sampleTypes, vt)
		case num == fieldStringTable && wire == 2:
			p.strings = append(p.strings, string(b))
		case num == fieldDefaultSampleType && wire == 0:
			p.defaultType = int64(v)
		}
		return nil
	})
	return p, err
}

func (p *info) str(i int64) string {
	if i < 0 || i >= int64(len(p.strings)) {
		return fmt.Sprintf("<bad string %d>", i)
	}
	return p.strings[i]
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: profinfo FILE...")
		os.Exit(2)
	}
	status := 0
	for _, name := range os.Args[1:] {
		data, err := os.ReadFile(name)
		var p *info
		if err == nil {
			p, err = parse(data)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "profinfo: %s: %v\n", name, err)
			status = 1
			continue
		}
		types := make([]string, len(p.sampleTypes))
		for i, vt := range p.sampleTypes {
			types[i] = p.str(vt.typ) + "/" + p.str(vt.unit)
		}
		def := ""
		if p.defaultType != 0 {
			def = p.str(p.defaultType)
		}
		fmt.Printf("%s\tsamples=%d\ttypes=%s\tdefault=%s\n", name, p.samples, strings.Join(types, ","), def)
	}
	os.Exit(status)
}
