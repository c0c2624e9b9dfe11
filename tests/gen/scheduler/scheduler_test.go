// Benchmarks and behaviour checks shared by both scheduler variants.
// scripts/gen-testdata runs the benchmarks with and without -tags optimized.

package scheduler

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"testing"
	"time"
)

var epoch = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

var (
	queues  = []string{"billing", "email", "thumbnails", "reports", "webhooks"}
	jobs    = []string{"charge", "send-receipt", "resize", "render-pdf", "deliver", "reindex"}
	regions = []string{"eu-west-1", "us-east-2", "ap-south-1"}
	tagSets = [][]string{
		{"Urgent", "EU"},
		{"Batch"},
		{"Retryable", "Customer-Facing", "US"},
		{},
		{"Low-Priority", "Nightly"},
	}
	workers = []string{"worker-a", "worker-b", "worker-c", "worker-d"}
)

// makeSpecs builds n varied but deterministic task specs.
func makeSpecs(n int) []Spec {
	specs := make([]Spec, n)
	for i := range specs {
		payload := map[string]string{
			"customer": "cust-" + strconv.Itoa(1000+i*37%911),
			"region":   regions[i%len(regions)],
			"trace_id": strconv.FormatUint(uint64(i)*0x9e3779b97f4a7c15, 16),
		}
		for j := 0; j < i%6; j++ {
			payload["attr_"+strconv.Itoa(j)] = string(bytes.Repeat([]byte{'a' + byte(j)}, 4+8*j))
		}
		specs[i] = Spec{
			Queue:    queues[i%len(queues)],
			Name:     jobs[i%len(jobs)],
			Priority: i % 4,
			Payload:  payload,
			Tags:     tagSets[i%len(tagSets)],
		}
	}
	return specs
}

// makeOutputs builds worker outputs of varied sizes (64 B .. 4 KiB).
func makeOutputs() [][]byte {
	out := make([][]byte, 7)
	for i := range out {
		b := make([]byte, 64<<(i%7))
		for j := range b {
			b[j] = byte(i*31 + j*7)
		}
		out[i] = b
	}
	return out
}

// drain lets the workers claim every pending task in turn. A task whose id is
// a multiple of failEvery fails on its first attempt and is retried later.
func drain(tb testing.TB, s *Scheduler, outputs [][]byte, failEvery uint64) {
	for i := 0; ; i++ {
		t, err := s.Claim(workers[i%len(workers)])
		if errors.Is(err, ErrEmpty) {
			return
		}
		if err != nil {
			tb.Fatal(err)
		}
		if failEvery > 0 && t.ID%failEvery == 0 && t.Attempts == 1 {
			err = s.Fail(t, "upstream timeout")
		} else {
			err = s.Complete(t, outputs[i%len(outputs)])
		}
		if err != nil {
			tb.Fatal(err)
		}
		s.Release(t)
	}
}

func createAll(tb testing.TB, s *Scheduler, specs []Spec) {
	for _, sp := range specs {
		if _, err := s.Create(sp); err != nil {
			tb.Fatal(err)
		}
	}
}

// cycle is one unit of benchmark work: create a batch, optionally snapshot
// the queue, then drain it.
func cycle(tb testing.TB, s *Scheduler, specs []Spec, outputs [][]byte, failEvery uint64, snap io.Writer) {
	createAll(tb, s, specs)
	if snap != nil {
		if err := s.Snapshot(snap); err != nil {
			tb.Fatal(err)
		}
	}
	drain(tb, s, outputs, failEvery)
}

func BenchmarkScheduler_CreateClaimComplete(b *testing.B) {
	s := New(NewClock(epoch, time.Millisecond))
	specs, outputs := makeSpecs(16), makeOutputs()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cycle(b, s, specs, outputs, 0, nil)
	}
}

func BenchmarkScheduler_RetryFailed(b *testing.B) {
	s := New(NewClock(epoch, time.Millisecond))
	specs, outputs := makeSpecs(16), makeOutputs()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cycle(b, s, specs, outputs, 3, nil)
	}
}

func BenchmarkScheduler_Snapshot(b *testing.B) {
	s := New(NewClock(epoch, time.Millisecond))
	specs, outputs := makeSpecs(32), makeOutputs()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cycle(b, s, specs, outputs, 0, io.Discard)
	}
}

// Both variants must produce these exact results for the same workload.
const (
	wantChecksum     = uint64(0x72cf5fdc3bd99906)
	wantSnapshotHash = uint64(0xbe6213bcb2cc1105)
	wantEventsHash   = uint64(0x90f54e882ca86ada)
	wantLastEvent    = "2024-03-01T09:00:03.075Z complete task=960 worker-a"
	wantFailEvent    = "2024-03-01T09:00:02.977Z fail task=930 task thumbnails/reindex#930 failed on worker-b: upstream timeout"
)

func TestVariantsAgree(t *testing.T) {
	s := New(NewClock(epoch, time.Millisecond))
	specs, outputs := makeSpecs(24), makeOutputs()
	var snap bytes.Buffer
	for round := 0; round < 40; round++ {
		createAll(t, s, specs)
		if round%10 == 0 {
			if err := s.Snapshot(&snap); err != nil {
				t.Fatal(err)
			}
		}
		drain(t, s, outputs, 5)
	}
	st := s.Stats()
	if st.Created != 960 || st.Completed != 960 || st.Failed != 192 || st.Pending != 0 {
		t.Errorf("%s: stats %+v", Variant, st)
	}
	if st.Checksum != wantChecksum {
		t.Errorf("%s: record checksum %#x, want %#x", Variant, st.Checksum, wantChecksum)
	}
	if h := fold(0, snap.Bytes()); h != wantSnapshotHash {
		t.Errorf("%s: snapshot hash %#x, want %#x", Variant, h, wantSnapshotHash)
	}
	events := s.Events(maxEvents)
	if len(events) != maxEvents/2 {
		t.Fatalf("%s: %d events, want %d", Variant, len(events), maxEvents/2)
	}
	var h uint64
	fails := 0
	for _, e := range events {
		h = fold(h, []byte(e+"\n"))
		if e == wantFailEvent {
			fails++
		}
	}
	if last := events[len(events)-1]; last != wantLastEvent {
		t.Errorf("%s: last event %q, want %q", Variant, last, wantLastEvent)
	}
	if fails != 1 {
		t.Errorf("%s: fail event %q seen %d times in %q", Variant, wantFailEvent, fails, events)
	}
	if h != wantEventsHash {
		t.Errorf("%s: event log hash %#x, want %#x", Variant, h, wantEventsHash)
	}
}

func TestClaimEmptyAndUnknown(t *testing.T) {
	s := New(NewClock(epoch, time.Second))
	if _, err := s.Claim("w"); !errors.Is(err, ErrEmpty) {
		t.Fatalf("claim on empty scheduler: %v", err)
	}
	if err := s.Complete(&Task{ID: 42}, nil); !errors.Is(err, ErrUnknownTask) {
		t.Fatalf("complete unknown task: %v", err)
	}
	if _, err := s.Create(Spec{Queue: "q"}); err == nil {
		t.Fatal("create without a name succeeded")
	}
}
