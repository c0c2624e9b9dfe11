// Command gcload runs the scheduler benchmarks' workload (create, claim,
// complete, fail and retry, snapshot) in a loop for a fixed wall time so that
// the garbage collector runs a few hundred times, and calls runtime.GC() a few
// times along the way so that some collections are forced. Run it with
// GODEBUG=gctrace=1 and the runtime writes one gctrace line per collection to
// stderr; gcload itself writes nothing to stderr unless it fails.
//
// At the end it prints runtime.MemStats fields as JSON to stdout, so a
// gctrace reader's totals can be checked against the runtime's own counters:
// NumGC, NumForcedGC, PauseTotalNs, GCCPUFraction, HeapAlloc, TotalAlloc,
// Mallocs, and the last min(NumGC, 256) entries of the PauseNs and PauseEnd
// circular buffers in GC order (entry i belongs to collection
// PauseFirstGC+i), plus the run's wall time.
//
// One goroutine per P (-workers) runs the workload, each on a scheduler of
// its own. Build with -tags optimized for the optimized scheduler variant.
//
// Usage (from tests/gen; build first, without GODEBUG, so that the compiler's
// own gctrace lines stay out of the log):
//
//	go build -trimpath -o /tmp/gcload ./gcload
//	GOMAXPROCS=2 GODEBUG=gctrace=1 /tmp/gcload -d 10s >memstats.json 2>gctrace.log
//
// scripts/gen-testdata gctrace makes tests/testdata/gctrace/ this way.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"time"

	"heaplens/testgen/scheduler"
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

// makeSpecs builds n varied but deterministic task specs (as the benchmarks do).
func makeSpecs(n int) []scheduler.Spec {
	specs := make([]scheduler.Spec, n)
	for i := range specs {
		payload := map[string]string{
			"customer": "cust-" + strconv.Itoa(1000+i*37%911),
			"region":   regions[i%len(regions)],
			"trace_id": strconv.FormatUint(uint64(i)*0x9e3779b97f4a7c15, 16),
		}
		for j := 0; j < i%6; j++ {
			payload["attr_"+strconv.Itoa(j)] = string(bytes.Repeat([]byte{'a' + byte(j)}, 4+8*j))
		}
		specs[i] = scheduler.Spec{
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

// cycle creates the batch, optionally snapshots the queue, then lets the
// workers drain it; a task whose id is a multiple of failEvery fails on its
// first attempt and is retried.
func cycle(s *scheduler.Scheduler, specs []scheduler.Spec, outputs [][]byte, failEvery uint64, snap io.Writer) error {
	for _, sp := range specs {
		if _, err := s.Create(sp); err != nil {
			return err
		}
	}
	if snap != nil {
		if err := s.Snapshot(snap); err != nil {
			return err
		}
	}
	for i := 0; ; i++ {
		t, err := s.Claim(workers[i%len(workers)])
		if errors.Is(err, scheduler.ErrEmpty) {
			return nil
		}
		if err != nil {
			return err
		}
		if failEvery > 0 && t.ID%failEvery == 0 && t.Attempts == 1 {
			err = s.Fail(t, "upstream timeout")
		} else {
			err = s.Complete(t, outputs[i%len(outputs)])
		}
		if err != nil {
			return err
		}
		s.Release(t)
	}
}

// work runs the three benchmarks' work in turn on a scheduler of its own
// until the deadline and counts the cycles it ran.
func work(deadline time.Time, cycles *int) error {
	s := scheduler.New(scheduler.NewClock(epoch, time.Millisecond))
	small, large, outputs := makeSpecs(16), makeSpecs(32), makeOutputs()
	for n := 0; time.Now().Before(deadline); n++ {
		var err error
		switch n % 3 {
		case 0: // BenchmarkScheduler_CreateClaimComplete
			err = cycle(s, small, outputs, 0, nil)
		case 1: // BenchmarkScheduler_RetryFailed
			err = cycle(s, small, outputs, 3, nil)
		case 2: // BenchmarkScheduler_Snapshot
			err = cycle(s, large, outputs, 0, io.Discard)
		}
		if err != nil {
			return err
		}
		*cycles = n + 1
	}
	if st := s.Stats(); st.Pending != 0 || st.Completed != st.Created {
		return fmt.Errorf("workload did not drain: %+v", st)
	}
	return nil
}

// report is what gcload prints to stdout.
type report struct {
	Variant       string   `json:"Variant"`
	GoVersion     string   `json:"GoVersion"`
	GOMAXPROCS    int      `json:"GOMAXPROCS"`
	WallNs        int64    `json:"WallNs"`
	Workers       int      `json:"Workers"`
	Cycles        int      `json:"Cycles"`
	ForcedCalls   int      `json:"ForcedCalls"`
	NumGC         uint32   `json:"NumGC"`
	NumForcedGC   uint32   `json:"NumForcedGC"`
	PauseTotalNs  uint64   `json:"PauseTotalNs"`
	GCCPUFraction float64  `json:"GCCPUFraction"`
	HeapAlloc     uint64   `json:"HeapAlloc"`
	TotalAlloc    uint64   `json:"TotalAlloc"`
	Mallocs       uint64   `json:"Mallocs"`
	PauseFirstGC  uint32   `json:"PauseFirstGC"`
	PauseNs       []uint64 `json:"PauseNs"`
	PauseEnd      []uint64 `json:"PauseEnd"`
}

func main() {
	dur := flag.Duration("d", 3*time.Second, "how long to run the workload")
	forced := flag.Int("forced", 3, "number of explicit runtime.GC() calls, spread evenly over the run")
	workers := flag.Int("workers", runtime.GOMAXPROCS(0), "number of goroutines running the workload, each on its own scheduler")
	flag.Parse()
	if *workers < 1 {
		*workers = 1
	}
	if err := run(*dur, *forced, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "gcload:", err)
		os.Exit(1)
	}
}

func run(dur time.Duration, forced, nworkers int) error {
	start := time.Now()
	deadline := start.Add(dur)
	errs := make(chan error, nworkers)
	cycles := make([]int, nworkers)
	for w := 0; w < nworkers; w++ {
		go func(w int) { errs <- work(deadline, &cycles[w]) }(w)
	}
	// Forced collections at 1/(forced+1), 2/(forced+1), ... of the run.
	calls := 0
	for ; calls < forced; calls++ {
		time.Sleep(time.Until(start.Add(dur * time.Duration(calls+1) / time.Duration(forced+1))))
		runtime.GC()
	}
	var err error
	for w := 0; w < nworkers; w++ {
		if e := <-errs; e != nil && err == nil {
			err = e
		}
	}
	if err != nil {
		return err
	}
	wall := time.Since(start)

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	total := 0
	for _, c := range cycles {
		total += c
	}

	r := report{
		Variant:       scheduler.Variant,
		GoVersion:     runtime.Version(),
		GOMAXPROCS:    runtime.GOMAXPROCS(0),
		WallNs:        wall.Nanoseconds(),
		Workers:       nworkers,
		Cycles:        total,
		ForcedCalls:   calls,
		NumGC:         ms.NumGC,
		NumForcedGC:   ms.NumForcedGC,
		PauseTotalNs:  ms.PauseTotalNs,
		GCCPUFraction: ms.GCCPUFraction,
		HeapAlloc:     ms.HeapAlloc,
		TotalAlloc:    ms.TotalAlloc,
		Mallocs:       ms.Mallocs,
		PauseNs:       []uint64{},
		PauseEnd:      []uint64{},
	}
	// The buffers are circular: collection k (1-based) is at [(k+255)%256].
	n := ms.NumGC
	if n > 256 {
		n = 256
	}
	r.PauseFirstGC = ms.NumGC - n + 1
	for k := r.PauseFirstGC; k <= ms.NumGC; k++ {
		r.PauseNs = append(r.PauseNs, ms.PauseNs[(k+255)%256])
		r.PauseEnd = append(r.PauseEnd, ms.PauseEnd[(k+255)%256])
	}
	out, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(out, '\n'))
	return err
}
