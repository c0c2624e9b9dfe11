//go:build !optimized

// The baseline variant: written the obvious way, allocating freely.

package scheduler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"strings"
	"time"
)

// Variant names the build variant; it shows up in test output.
const Variant = "baseline"

// Scheduler hands out tasks first-in first-out. It is not safe for
// concurrent use; callers serialize access.
type Scheduler struct {
	clock   *Clock
	nextID  uint64
	pending []uint64          // ids waiting to be claimed, oldest first
	store   map[uint64][]byte // task id -> JSON document
	events  []string          // formatted event log, bounded
	archive [][]byte          // encoded Records, bounded
	stats   Stats
}

// New returns an empty scheduler reading time from clock.
func New(clock *Clock) *Scheduler {
	return &Scheduler{clock: clock, store: map[uint64][]byte{}}
}

// Create stores a new pending task and returns its id.
func (s *Scheduler) Create(spec Spec) (uint64, error) {
	if err := validate(spec); err != nil {
		return 0, err
	}
	s.nextID++
	now := s.clock.Now()
	t := newTask(s.nextID, spec, now)
	if err := s.persist(t); err != nil {
		return 0, err
	}
	s.pending = append(s.pending, t.ID)
	s.logEvent(now, evCreate, t.ID, t.Name)
	s.stats.Created++
	return t.ID, nil
}

func validate(spec Spec) error {
	if spec.Queue == "" || spec.Name == "" {
		return fmt.Errorf("scheduler: a task needs a queue and a name (got %q, %q)", spec.Queue, spec.Name)
	}
	return nil
}

func newTask(id uint64, spec Spec, now time.Time) *Task {
	t := &Task{ID: id, Queue: spec.Queue, Priority: spec.Priority, CreatedAt: now}
	t.Name = taskName(spec.Queue, spec.Name, id)
	t.Payload = copyPayload(spec.Payload)
	t.Tags = normalizeTags(spec.Tags)
	return t
}

func taskName(queue, name string, id uint64) string {
	return fmt.Sprintf("%s/%s#%d", queue, name, id)
}

func copyPayload(src map[string]string) map[string]string {
	dst := make(map[string]string)
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

func normalizeTags(src []string) []string {
	var dst []string
	for _, tag := range src {
		dst = append(dst, strings.ToLower(tag))
	}
	return dst
}

// persist writes the task's current state to the store.
func (s *Scheduler) persist(t *Task) error {
	data, err := encodeTask(t)
	if err != nil {
		return err
	}
	s.store[t.ID] = data
	return nil
}

func encodeTask(t *Task) ([]byte, error) {
	data, err := json.Marshal(t)
	if err != nil {
		return nil, fmt.Errorf("scheduler: encode task %d: %w", t.ID, err)
	}
	return data, nil
}

// load reads a task back from the store.
func (s *Scheduler) load(id uint64) (*Task, error) {
	data, ok := s.store[id]
	if !ok {
		return nil, fmt.Errorf("task %d: %w", id, ErrUnknownTask)
	}
	return decodeTask(data)
}

func decodeTask(data []byte) (*Task, error) {
	t := new(Task)
	if err := json.Unmarshal(data, t); err != nil {
		return nil, fmt.Errorf("scheduler: decode task: %w", err)
	}
	return t, nil
}

// Claim gives the oldest pending task to worker.
func (s *Scheduler) Claim(worker string) (*Task, error) {
	if len(s.pending) == 0 {
		return nil, ErrEmpty
	}
	id := s.pending[0]
	s.pending = s.pending[1:]
	t, err := s.load(id)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	t.Worker = worker
	t.ClaimedAt = now
	t.Attempts++
	if err := s.persist(t); err != nil {
		return nil, err
	}
	s.logEvent(now, evClaim, id, worker)
	s.stats.Claimed++
	return t, nil
}

// Complete archives the outcome of a claimed task and forgets the task.
func (s *Scheduler) Complete(t *Task, output []byte) error {
	if _, ok := s.store[t.ID]; !ok {
		return fmt.Errorf("complete task %d: %w", t.ID, ErrUnknownTask)
	}
	now := s.clock.Now()
	t.CompletedAt = now
	rec := Record{
		ID:         t.ID,
		Name:       t.Name,
		Worker:     t.Worker,
		Attempts:   t.Attempts,
		Result:     renderResult(t, output),
		DurationNS: t.CompletedAt.Sub(t.ClaimedAt).Nanoseconds(),
	}
	if err := s.archiveRecord(rec); err != nil {
		return err
	}
	delete(s.store, t.ID)
	s.logEvent(now, evDone, t.ID, t.Worker)
	s.stats.Completed++
	return nil
}

func renderResult(t *Task, output []byte) string {
	var buf bytes.Buffer
	buf.WriteString(fmt.Sprintf("task=%d status=ok bytes=%d", t.ID, len(output)))
	writePayload(&buf, t.Payload)
	buf.WriteString(" digest=")
	buf.WriteString(digest(output))
	return buf.String()
}

func writePayload(buf *bytes.Buffer, payload map[string]string) {
	for _, k := range sortedKeys(payload) {
		fmt.Fprintf(buf, " %s=%s", k, payload[k])
	}
}

func sortedKeys(m map[string]string) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func digest(output []byte) string {
	h := fnv.New64a()
	h.Write(output)
	return fmt.Sprintf("%016x", h.Sum64())
}

func (s *Scheduler) archiveRecord(rec Record) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("scheduler: encode record %d: %w", rec.ID, err)
	}
	s.stats.Checksum = fold(s.stats.Checksum, data)
	s.archive = append(s.archive, data)
	if len(s.archive) > maxArchive {
		s.archive = append([][]byte(nil), s.archive[len(s.archive)-maxArchive/2:]...)
	}
	return nil
}

// Fail puts a claimed task back at the end of the queue.
func (s *Scheduler) Fail(t *Task, reason string) error {
	if _, ok := s.store[t.ID]; !ok {
		return fmt.Errorf("fail task %d: %w", t.ID, ErrUnknownTask)
	}
	cause := fmt.Errorf("task %s failed on %s: %s", t.Name, t.Worker, reason)
	at := t.ClaimedAt
	t.Worker = ""
	t.ClaimedAt = time.Time{}
	if err := s.persist(t); err != nil {
		return err
	}
	s.pending = append(s.pending, t.ID)
	s.logEvent(at, evFail, t.ID, cause.Error())
	s.stats.Failed++
	return nil
}

// Release tells the scheduler the caller is done with t. The baseline
// scheduler lets the garbage collector take care of it.
func (s *Scheduler) Release(t *Task) {}

// Snapshot writes every pending task, oldest first, as JSON lines.
func (s *Scheduler) Snapshot(w io.Writer) error {
	now := s.clock.Now()
	for _, id := range s.pending {
		t, err := s.load(id)
		if err != nil {
			return err
		}
		line, err := snapshotLine(t, now)
		if err != nil {
			return err
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return nil
}

func snapshotLine(t *Task, now time.Time) ([]byte, error) {
	e := SnapshotEntry{
		ID:       t.ID,
		Name:     t.Name,
		Queue:    t.Queue,
		Priority: t.Priority,
		Attempts: t.Attempts,
		Age:      now.Sub(t.CreatedAt).String(),
		Tags:     t.Tags,
	}
	data, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

func (s *Scheduler) logEvent(at time.Time, kind string, id uint64, detail string) {
	line := fmt.Sprintf("%s %s task=%d %s", at.Format(time.RFC3339Nano), kind, id, detail)
	s.events = append(s.events, line)
	if len(s.events) > maxEvents {
		s.events = append([]string(nil), s.events[len(s.events)-maxEvents/2:]...)
	}
}

// Events returns the last n event-log lines, oldest first (n is capped at
// half the log's capacity).
func (s *Scheduler) Events(n int) []string {
	if n > maxEvents/2 {
		n = maxEvents / 2
	}
	if n > len(s.events) {
		n = len(s.events)
	}
	return append([]string(nil), s.events[len(s.events)-n:]...)
}

// Stats reports counters and the archive checksum.
func (s *Scheduler) Stats() Stats {
	st := s.stats
	st.Pending = len(s.pending)
	return st
}
