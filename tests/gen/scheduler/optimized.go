//go:build optimized

// The optimized variant: same behaviour as baseline.go, but memory is reused
// wherever the workload allows it.

package scheduler

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Variant names the build variant; it shows up in test output.
const Variant = "optimized"

// doc is a stored JSON document whose backing array is reused across tasks.
type doc struct{ data []byte }

// event is an unformatted event-log entry; Events formats it on demand.
type event struct {
	at     int64
	kind   string
	id     uint64
	detail string // worker or task name
	worker string // fail events only
	reason string // fail events only
}

// Scheduler hands out tasks first-in first-out. It is not safe for
// concurrent use; callers serialize access.
type Scheduler struct {
	clock   *Clock
	nextID  uint64
	queue   idRing
	store   map[uint64]*doc
	spare   []*doc            // documents of finished tasks, ready for reuse
	tags    map[string]string // raw tag -> normalized tag
	events  [maxEvents]event
	logged  int // events ever logged
	archive [maxArchive][]byte
	stored  int // records ever archived

	// scratch space reused by every call
	name   []byte
	result []byte
	keys   []string
	rec    Record
	entry  SnapshotEntry
	stats  Stats
}

// New returns an empty scheduler reading time from clock.
func New(clock *Clock) *Scheduler {
	return &Scheduler{
		clock: clock,
		queue: idRing{buf: make([]uint64, 64)},
		store: make(map[uint64]*doc, 64),
		spare: make([]*doc, 0, 64),
		tags:  make(map[string]string, 16),
		name:  make([]byte, 0, 64),
		keys:  make([]string, 0, 16),
	}
}

// taskPool recycles Tasks together with their payload map and tag slice.
var taskPool = sync.Pool{New: func() any {
	return &Task{Payload: make(map[string]string, 8), Tags: make([]string, 0, 4)}
}}

func getTask() *Task { return taskPool.Get().(*Task) }

func putTask(t *Task) {
	resetTask(t)
	taskPool.Put(t)
}

func resetTask(t *Task) {
	payload, tags := t.Payload, t.Tags[:0]
	for k := range payload {
		delete(payload, k)
	}
	if payload == nil {
		payload = make(map[string]string, 8)
	}
	*t = Task{Payload: payload, Tags: tags}
}

// codec bundles a JSON encoder and decoder with their buffers; codecs are
// pooled so encoding a document costs no fresh buffers.
type codec struct {
	buf bytes.Buffer
	enc *json.Encoder
	rd  bytes.Reader
	dec *json.Decoder
}

var codecPool = sync.Pool{New: func() any {
	c := new(codec)
	c.enc = json.NewEncoder(&c.buf)
	c.dec = json.NewDecoder(&c.rd)
	return c
}}

func getCodec() *codec { return codecPool.Get().(*codec) }

func putCodec(c *codec) { codecPool.Put(c) }

// encode returns v's JSON encoding without the encoder's trailing newline.
// The bytes stay valid until the codec's next use.
func (c *codec) encode(v any) ([]byte, error) {
	c.buf.Reset()
	if err := c.enc.Encode(v); err != nil {
		return nil, err
	}
	b := c.buf.Bytes()
	return b[:len(b)-1], nil
}

func (c *codec) decode(data []byte, v any) error {
	c.rd.Reset(data)
	return c.dec.Decode(v)
}

// Create stores a new pending task and returns its id.
func (s *Scheduler) Create(spec Spec) (uint64, error) {
	if spec.Queue == "" || spec.Name == "" {
		return 0, fmt.Errorf("scheduler: a task needs a queue and a name (got %q, %q)", spec.Queue, spec.Name)
	}
	s.nextID++
	now := s.clock.Now()
	t := getTask()
	s.fillTask(t, s.nextID, spec, now)
	err := s.persist(t)
	id, name := t.ID, t.Name
	putTask(t)
	if err != nil {
		return 0, err
	}
	s.queue.push(id)
	s.logEvent(event{at: now.UnixNano(), kind: evCreate, id: id, detail: name})
	s.stats.Created++
	return id, nil
}

func (s *Scheduler) fillTask(t *Task, id uint64, spec Spec, now time.Time) {
	t.ID, t.Queue, t.Priority, t.CreatedAt = id, spec.Queue, spec.Priority, now
	t.Name = s.taskName(spec.Queue, spec.Name, id)
	for k, v := range spec.Payload {
		t.Payload[k] = v
	}
	tags := t.Tags[:0]
	for _, tag := range spec.Tags {
		tags = append(tags, s.normalizeTag(tag))
	}
	if len(tags) == 0 {
		tags = nil // encode like the baseline: "tags":null
	}
	t.Tags = tags
}

func (s *Scheduler) taskName(queue, name string, id uint64) string {
	b := append(s.name[:0], queue...)
	b = append(b, '/')
	b = append(b, name...)
	b = append(b, '#')
	b = strconv.AppendUint(b, id, 10)
	s.name = b
	return string(b)
}

// normalizeTag lower-cases a tag once and remembers the result.
func (s *Scheduler) normalizeTag(tag string) string {
	if n, ok := s.tags[tag]; ok {
		return n
	}
	n := strings.ToLower(tag)
	s.tags[tag] = n
	return n
}

// persist writes the task's current state to the store, reusing the
// previous document's storage.
func (s *Scheduler) persist(t *Task) error {
	c := getCodec()
	defer putCodec(c)
	data, err := c.encode(t)
	if err != nil {
		return fmt.Errorf("scheduler: encode task %d: %w", t.ID, err)
	}
	d := s.store[t.ID]
	if d == nil {
		d = s.newDoc()
		s.store[t.ID] = d
	}
	d.data = append(d.data[:0], data...)
	return nil
}

func (s *Scheduler) newDoc() *doc {
	if n := len(s.spare); n > 0 {
		d := s.spare[n-1]
		s.spare = s.spare[:n-1]
		return d
	}
	return &doc{data: make([]byte, 0, 512)}
}

// load decodes the stored task id into a pooled Task.
func (s *Scheduler) load(id uint64) (*Task, error) {
	d := s.store[id]
	if d == nil {
		return nil, fmt.Errorf("task %d: %w", id, ErrUnknownTask)
	}
	t := getTask()
	c := getCodec()
	if err := c.decode(d.data, t); err != nil {
		// A failed decoder keeps its error; let the pool drop this codec.
		putTask(t)
		return nil, fmt.Errorf("scheduler: decode task: %w", err)
	}
	putCodec(c)
	return t, nil
}

// Claim gives the oldest pending task to worker. Pass the task to Release
// when done with it.
func (s *Scheduler) Claim(worker string) (*Task, error) {
	id, ok := s.queue.pop()
	if !ok {
		return nil, ErrEmpty
	}
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
	s.logEvent(event{at: now.UnixNano(), kind: evClaim, id: id, detail: worker})
	s.stats.Claimed++
	return t, nil
}

// Complete archives the outcome of a claimed task and forgets the task.
func (s *Scheduler) Complete(t *Task, output []byte) error {
	d := s.store[t.ID]
	if d == nil {
		return fmt.Errorf("complete task %d: %w", t.ID, ErrUnknownTask)
	}
	now := s.clock.Now()
	t.CompletedAt = now
	s.rec = Record{
		ID:         t.ID,
		Name:       t.Name,
		Worker:     t.Worker,
		Attempts:   t.Attempts,
		Result:     s.renderResult(t, output),
		DurationNS: t.CompletedAt.Sub(t.ClaimedAt).Nanoseconds(),
	}
	if err := s.archiveRecord(&s.rec); err != nil {
		return err
	}
	delete(s.store, t.ID)
	s.spare = append(s.spare, d)
	s.logEvent(event{at: now.UnixNano(), kind: evDone, id: t.ID, detail: t.Worker})
	s.stats.Completed++
	return nil
}

func (s *Scheduler) renderResult(t *Task, output []byte) string {
	b := append(s.result[:0], "task="...)
	b = strconv.AppendUint(b, t.ID, 10)
	b = append(b, " status=ok bytes="...)
	b = strconv.AppendInt(b, int64(len(output)), 10)
	b = s.appendPayload(b, t.Payload)
	b = append(b, " digest="...)
	b = appendHex64(b, fold(0, output))
	s.result = b
	return string(b)
}

func (s *Scheduler) appendPayload(b []byte, payload map[string]string) []byte {
	keys := s.keys[:0]
	for k := range payload {
		keys = append(keys, k)
	}
	insertionSort(keys)
	for _, k := range keys {
		b = append(b, ' ')
		b = append(b, k...)
		b = append(b, '=')
		b = append(b, payload[k]...)
	}
	s.keys = keys[:0]
	return b
}

// insertionSort sorts a handful of keys without the allocation that
// converting the slice to sort.Interface costs.
func insertionSort(a []string) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// appendHex64 appends v as 16 zero-padded lower-case hex digits.
func appendHex64(b []byte, v uint64) []byte {
	const digits = "0123456789abcdef"
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, digits[(v>>uint(shift))&0xf])
	}
	return b
}

func (s *Scheduler) archiveRecord(rec *Record) error {
	c := getCodec()
	defer putCodec(c)
	data, err := c.encode(rec)
	if err != nil {
		return fmt.Errorf("scheduler: encode record %d: %w", rec.ID, err)
	}
	s.stats.Checksum = fold(s.stats.Checksum, data)
	slot := &s.archive[s.stored%maxArchive]
	*slot = append((*slot)[:0], data...)
	s.stored++
	return nil
}

// Fail puts a claimed task back at the end of the queue.
func (s *Scheduler) Fail(t *Task, reason string) error {
	if s.store[t.ID] == nil {
		return fmt.Errorf("fail task %d: %w", t.ID, ErrUnknownTask)
	}
	ev := event{at: t.ClaimedAt.UnixNano(), kind: evFail, id: t.ID, detail: t.Name, worker: t.Worker, reason: reason}
	t.Worker = ""
	t.ClaimedAt = time.Time{}
	if err := s.persist(t); err != nil {
		return err
	}
	s.queue.push(t.ID)
	s.logEvent(ev)
	s.stats.Failed++
	return nil
}

// Release returns a task obtained from Claim to the pool; t must not be
// used afterwards.
func (s *Scheduler) Release(t *Task) {
	if t != nil {
		putTask(t)
	}
}

// Snapshot writes every pending task, oldest first, as JSON lines.
func (s *Scheduler) Snapshot(w io.Writer) error {
	now := s.clock.Now()
	c := getCodec()
	defer putCodec(c)
	t := getTask()
	defer putTask(t)
	for i := 0; i < s.queue.n; i++ {
		id := s.queue.at(i)
		d := s.store[id]
		if d == nil {
			return fmt.Errorf("task %d: %w", id, ErrUnknownTask)
		}
		resetTask(t)
		if err := c.decode(d.data, t); err != nil {
			return fmt.Errorf("scheduler: decode task: %w", err)
		}
		s.entry = SnapshotEntry{
			ID:       t.ID,
			Name:     t.Name,
			Queue:    t.Queue,
			Priority: t.Priority,
			Attempts: t.Attempts,
			Age:      now.Sub(t.CreatedAt).String(),
			Tags:     t.Tags,
		}
		c.buf.Reset()
		if err := c.enc.Encode(&s.entry); err != nil {
			return err
		}
		if _, err := w.Write(c.buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func (s *Scheduler) logEvent(ev event) {
	s.events[s.logged%maxEvents] = ev
	s.logged++
}

// Events returns the last n event-log lines, oldest first (n is capped at
// half the log's capacity).
func (s *Scheduler) Events(n int) []string {
	if n > maxEvents/2 {
		n = maxEvents / 2
	}
	if n > s.logged {
		n = s.logged
	}
	out := make([]string, 0, n)
	for i := s.logged - n; i < s.logged; i++ {
		out = append(out, formatEvent(&s.events[i%maxEvents]))
	}
	return out
}

func formatEvent(ev *event) string {
	b := make([]byte, 0, 96)
	b = time.Unix(0, ev.at).UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, ' ')
	b = append(b, ev.kind...)
	b = append(b, " task="...)
	b = strconv.AppendUint(b, ev.id, 10)
	b = append(b, ' ')
	if ev.kind == evFail {
		b = append(b, "task "...)
		b = append(b, ev.detail...)
		b = append(b, " failed on "...)
		b = append(b, ev.worker...)
		b = append(b, ": "...)
		b = append(b, ev.reason...)
	} else {
		b = append(b, ev.detail...)
	}
	return string(b)
}

// Stats reports counters and the archive checksum.
func (s *Scheduler) Stats() Stats {
	st := s.stats
	st.Pending = s.queue.n
	return st
}

// idRing is a growable FIFO ring of task ids.
type idRing struct {
	buf     []uint64
	head, n int
}

func (r *idRing) push(id uint64) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)%len(r.buf)] = id
	r.n++
}

func (r *idRing) pop() (uint64, bool) {
	if r.n == 0 {
		return 0, false
	}
	id := r.buf[r.head]
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	return id, true
}

func (r *idRing) at(i int) uint64 { return r.buf[(r.head+i)%len(r.buf)] }

func (r *idRing) grow() {
	nb := make([]uint64, 2*len(r.buf)+64)
	for i := 0; i < r.n; i++ {
		nb[i] = r.at(i)
	}
	r.buf, r.head = nb, 0
}
