// Package poolfeed tells Poolscope what a worker pool does, live, one JSON line an event
// (docs/feed-protocol.md in the Poolscope repository).
//
// An Emitter never blocks the pool it observes: each call puts a small record in a buffered
// channel and returns (about 100 ns); a goroutine of its own formats and writes the lines. When
// the viewer falls behind and the channel is full, the event is dropped and counted, and the next
// line that is written says how many were dropped so far, so the viewer can show it.
//
//	feed, err := poolfeed.Open("tcp:localhost:7878") // or "unix:/tmp/pool.sock", "-", "stderr", a file
//	defer feed.Close()
//	feed.Submit(job)
//	feed.Start(job, worker, plannedDuration)
//	feed.Finish(job, worker)
package poolfeed

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type kind uint8

const (
	evSubmit kind = iota
	evStart
	evFinish
	evFail
	evCancel
	evWorkerStart
	evWorkerStop
)

var kindNames = [...]string{"submit", "start", "finish", "fail", "cancel", "worker_start", "worker_stop"}

// event is what crosses from the pool's goroutines to the writer: values only.
type event struct {
	t        int64 // ns since the Emitter was made
	kind     kind
	job      any // int-like or string
	worker   int
	duration time.Duration
	err      string
}

// Options shape an Emitter; the zero value is a good default.
type Options struct {
	// Events held for the writer before new ones are dropped (default 65536).
	Buffer int
	// The program's name and host, shown by Poolscope as the group of its lanes (default: the
	// executable's name and os.Hostname).
	Process, Host string
}

// Emitter writes a feed. Its methods are safe from any number of goroutines.
type Emitter struct {
	out     io.Writer
	closer  io.Closer
	epoch   time.Time
	events  chan event
	dropped atomic.Int64
	mu      sync.Mutex // orders the stamps with the channel
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
	err     error
}

// Open starts a feed to an address: "tcp:HOST:PORT" or "unix:PATH" (a Poolscope listening with
// --listen), "-" (standard output), "stderr", or a file path (created or truncated).
func Open(address string, opts Options) (*Emitter, error) {
	var w io.Writer
	var c io.Closer
	switch {
	case address == "-":
		w = os.Stdout
	case address == "stderr":
		w = os.Stderr
	case strings.HasPrefix(address, "tcp:"), strings.HasPrefix(address, "unix:"):
		network, addr, _ := strings.Cut(address, ":")
		conn, err := net.Dial(network, addr)
		if err != nil {
			return nil, fmt.Errorf("poolfeed: %w", err)
		}
		w, c = conn, conn
	default:
		f, err := os.Create(address)
		if err != nil {
			return nil, fmt.Errorf("poolfeed: %w", err)
		}
		w, c = f, f
	}
	return New(w, c, opts), nil
}

// New starts a feed on a writer; closer (may be nil) is closed by Close.
func New(w io.Writer, closer io.Closer, opts Options) *Emitter {
	if opts.Buffer <= 0 {
		opts.Buffer = 1 << 16
	}
	if opts.Process == "" && len(os.Args) > 0 {
		opts.Process = baseName(os.Args[0])
	}
	if opts.Host == "" {
		opts.Host, _ = os.Hostname()
	}
	e := &Emitter{out: w, closer: closer, epoch: time.Now(),
		events: make(chan event, opts.Buffer), stop: make(chan struct{}), done: make(chan struct{})}
	go e.write(opts)
	return e
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

func (e *Emitter) put(ev event) {
	// Stamped and queued under one lock, so the lines are in time order whatever the
	// goroutines do; the send never waits (a full channel drops).
	e.mu.Lock()
	ev.t = int64(time.Since(e.epoch))
	select {
	case e.events <- ev:
	default:
		e.dropped.Add(1)
	}
	e.mu.Unlock()
}

// Submit: the job is sent to the pool. A job is an integer or a string.
func (e *Emitter) Submit(job any) { e.put(event{kind: evSubmit, job: job}) }

// Start: a worker (1, 2, …) takes the job, planned to take `planned` (0 when not known).
func (e *Emitter) Start(job any, worker int, planned time.Duration) {
	e.put(event{kind: evStart, job: job, worker: worker, duration: planned})
}

// Finish: the job is done.
func (e *Emitter) Finish(job any, worker int) { e.put(event{kind: evFinish, job: job, worker: worker}) }

// Fail: the job failed, and why.
func (e *Emitter) Fail(job any, worker int, err error) {
	msg := "failed"
	if err != nil {
		msg = err.Error()
	}
	e.put(event{kind: evFail, job: job, worker: worker, err: msg})
}

// Cancel: the job will not be done (taken off the queue, or given up).
func (e *Emitter) Cancel(job any) { e.put(event{kind: evCancel, job: job}) }

// WorkerStart and WorkerStop: a worker's life.
func (e *Emitter) WorkerStart(worker int) { e.put(event{kind: evWorkerStart, worker: worker}) }
func (e *Emitter) WorkerStop(worker int)  { e.put(event{kind: evWorkerStop, worker: worker}) }

// Dropped is how many events were dropped because the writer fell behind.
func (e *Emitter) Dropped() int64 { return e.dropped.Load() }

// Close writes what is held, then closes the destination. Events after Close are not written.
// It returns the first write error, if any.
func (e *Emitter) Close() error {
	e.once.Do(func() {
		close(e.stop)
		<-e.done
		if e.closer != nil {
			if err := e.closer.Close(); err != nil && e.err == nil {
				e.err = err
			}
		}
	})
	return e.err
}

// write formats and writes events until Close; it flushes whenever the channel runs dry, so a
// quiet pool's lines are not held back.
func (e *Emitter) write(opts Options) {
	defer close(e.done)
	w := bufio.NewWriterSize(e.out, 64<<10)
	line := make([]byte, 0, 256)
	line = append(line, `{"feed": "poolscope", "unit": "ns", "process": `...)
	line = appendString(line, opts.Process)
	line = append(line, `, "host": `...)
	line = appendString(line, opts.Host)
	line = append(line, "}\n"...)
	e.keep(w.Write(line))
	var reported int64
	emit := func(ev event) {
		dropped := e.dropped.Load()
		line = appendEvent(line[:0], ev, dropped != reported, dropped)
		reported = dropped
		e.keep(w.Write(line))
	}
	for stopping := false; !stopping; {
		select {
		case ev := <-e.events:
			emit(ev)
			continue
		default:
		}
		e.keep(0, w.Flush()) // the channel ran dry: what is written goes out now
		select {
		case ev := <-e.events:
			emit(ev)
		case <-e.stop:
			stopping = true
		}
	}
	for n := len(e.events); n > 0; n-- { // what was held at Close
		emit(<-e.events)
	}
	// The end line tells a viewer following a file that the feed is over, with the final count
	// of drops.
	line = append(line[:0], `{"ev": "end", "dropped": `...)
	line = strconv.AppendInt(line, e.dropped.Load(), 10)
	e.keep(w.Write(append(line, "}\n"...)))
	e.keep(0, w.Flush())
}

func (e *Emitter) keep(_ int, err error) {
	if err != nil && e.err == nil {
		e.err = err
	}
}

func appendEvent(b []byte, ev event, withDropped bool, dropped int64) []byte {
	b = append(b, `{"t": `...)
	b = strconv.AppendInt(b, ev.t, 10)
	b = append(b, `, "ev": "`...)
	b = append(b, kindNames[ev.kind]...)
	b = append(b, '"')
	if ev.job != nil {
		b = append(b, `, "job": `...)
		b = appendID(b, ev.job)
	}
	if ev.worker > 0 {
		b = append(b, `, "worker": `...)
		b = strconv.AppendInt(b, int64(ev.worker), 10)
	}
	if ev.duration > 0 {
		b = append(b, `, "duration": `...)
		b = strconv.AppendInt(b, int64(ev.duration), 10)
	}
	if ev.kind == evFail {
		b = append(b, `, "error": `...)
		b = appendString(b, ev.err)
	}
	if withDropped {
		b = append(b, `, "dropped": `...)
		b = strconv.AppendInt(b, dropped, 10)
	}
	return append(b, "}\n"...)
}

func appendID(b []byte, id any) []byte {
	switch v := id.(type) {
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case int32:
		return strconv.AppendInt(b, int64(v), 10)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case uint:
		return strconv.AppendUint(b, uint64(v), 10)
	case uint32:
		return strconv.AppendUint(b, uint64(v), 10)
	case uint64:
		return strconv.AppendUint(b, v, 10)
	case string:
		return appendString(b, v)
	default:
		return appendString(b, fmt.Sprint(v))
	}
}

// appendString writes s as a JSON string.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c) // UTF-8 passes through as it is
		}
	}
	return append(b, '"')
}

// Send emits the job's submit, then sends it to the pool's queue (blocking while the queue is
// full, as a plain send does).
func Send[J any](e *Emitter, jobs chan<- J, job J, id any) {
	e.Submit(id)
	jobs <- job
}

// Workers runs n workers the way the reference program does: each takes jobs until `jobs` is
// closed, calls work, and sends what it returns to `results`; every step is emitted (id names a
// job in the feed). It returns when every worker has stopped; closing results is the caller's.
func Workers[J, R any](e *Emitter, n int, jobs <-chan J, results chan<- R, id func(J) any,
	work func(worker int, job J) R) {
	var wg sync.WaitGroup
	for w := 1; w <= n; w++ {
		wg.Add(1)
		go func(worker int) {
			defer wg.Done()
			e.WorkerStart(worker)
			for job := range jobs {
				e.Start(id(job), worker, 0)
				r := work(worker, job)
				e.Finish(id(job), worker)
				results <- r
			}
			e.WorkerStop(worker)
		}(w)
	}
	wg.Wait()
}
