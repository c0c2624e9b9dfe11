// Package scheduler is a small in-memory task scheduler whose benchmarks
// produce heaplens' own test profiles (see scripts/gen-testdata).
//
// The package is built in two variants that share this file, the API and the
// benchmarks, and differ only in how they use memory:
//
//   - baseline.go  (default build): allocates naively; fresh structs, buffers
//     and maps per call, fmt for formatting, json.Marshal per document, slices
//     grown by append.
//   - optimized.go (build tag "optimized"): sync.Pool for tasks and codecs,
//     preallocated rings, a json.Encoder writing into a pooled bytes.Buffer,
//     strconv instead of fmt, interned tags.
//
// Because both variants live in the same package path, their profiles name the
// same functions (heaplens/testgen/scheduler.(*Scheduler).Create, ...), so a
// base-vs-optimized comparison lines up the way it does for a real before/after
// change. Both variants must produce identical observable results; the tests in
// scheduler_test.go check that with fixed checksums.
package scheduler

import (
	"errors"
	"time"
)

// Spec describes a task to create.
type Spec struct {
	Queue    string
	Name     string
	Priority int
	Payload  map[string]string
	Tags     []string
}

// Task is the unit of work handed to workers. It is stored as a JSON document
// between state changes, as a persistent scheduler would.
type Task struct {
	ID          uint64            `json:"id"`
	Name        string            `json:"name"`
	Queue       string            `json:"queue"`
	Priority    int               `json:"priority"`
	Attempts    int               `json:"attempts"`
	Payload     map[string]string `json:"payload"`
	Tags        []string          `json:"tags"`
	Worker      string            `json:"worker,omitempty"`
	CreatedAt   time.Time         `json:"created_at"`
	ClaimedAt   time.Time         `json:"claimed_at"`
	CompletedAt time.Time         `json:"completed_at"`
}

// Record is the archived outcome of a completed task.
type Record struct {
	ID         uint64 `json:"id"`
	Name       string `json:"name"`
	Worker     string `json:"worker"`
	Attempts   int    `json:"attempts"`
	Result     string `json:"result"`
	DurationNS int64  `json:"duration_ns"`
}

// SnapshotEntry is one line of Snapshot's JSON-lines output.
type SnapshotEntry struct {
	ID       uint64   `json:"id"`
	Name     string   `json:"name"`
	Queue    string   `json:"queue"`
	Priority int      `json:"priority"`
	Attempts int      `json:"attempts"`
	Age      string   `json:"age"`
	Tags     []string `json:"tags"`
}

// Stats counts what the scheduler did. Checksum folds every archived record,
// so two runs of the same workload agree on it only if they produced
// byte-identical records.
type Stats struct {
	Created   int
	Claimed   int
	Completed int
	Failed    int
	Pending   int
	Checksum  uint64
}

var (
	// ErrEmpty is returned by Claim when no task is pending.
	ErrEmpty = errors.New("scheduler: no pending task")
	// ErrUnknownTask is returned for a task id the scheduler does not hold.
	ErrUnknownTask = errors.New("scheduler: unknown task")
)

// Clock is a deterministic clock: every call to Now advances it by a fixed
// step, so encoded timestamps (and thus profiles) do not depend on wall time.
type Clock struct {
	now  int64
	step int64
}

// NewClock returns a clock starting at start and advancing by step per reading.
func NewClock(start time.Time, step time.Duration) *Clock {
	return &Clock{now: start.UnixNano(), step: int64(step)}
}

// Now returns the current reading and advances the clock.
func (c *Clock) Now() time.Time {
	t := time.Unix(0, c.now).UTC()
	c.now += c.step
	return t
}

// fold mixes b into the running FNV-1a hash h (h == 0 starts a new hash).
func fold(h uint64, b []byte) uint64 {
	if h == 0 {
		h = 14695981039346656037
	}
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

// event kinds, shared by both variants' event logs.
const (
	evCreate = "create"
	evClaim  = "claim"
	evDone   = "complete"
	evFail   = "fail"
)

// Event-log and archive bounds, shared so both variants keep the same window.
const (
	maxEvents  = 256
	maxArchive = 512
)
