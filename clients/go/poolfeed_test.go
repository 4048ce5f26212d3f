package poolfeed

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"testing"
	"time"
)

// Every line is JSON, in time order, and Close ends with the end line.
func TestLinesAreJSONInTimeOrder(t *testing.T) {
	var out bytes.Buffer
	e := New(&out, nil, Options{Process: "test", Host: "h"})
	jobs := make(chan int, 8)
	results := make(chan int, 8)
	go func() {
		for i := 1; i <= 8; i++ {
			Send(e, jobs, i, i)
		}
		close(jobs)
	}()
	Workers(e, 3, jobs, results, func(j int) any { return j }, func(_ int, j int) int {
		time.Sleep(time.Millisecond)
		return j
	})
	close(results)
	e.Fail("x", 1, nil)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	scanner := bufio.NewScanner(&out)
	var last float64
	var lines []map[string]any
	for scanner.Scan() {
		var line map[string]any
		if err := json.Unmarshal(scanner.Bytes(), &line); err != nil {
			t.Fatalf("not JSON: %q: %v", scanner.Text(), err)
		}
		if ts, ok := line["t"].(float64); ok {
			if ts < last {
				t.Fatalf("time goes back at %q", scanner.Text())
			}
			last = ts
		}
		lines = append(lines, line)
	}
	if lines[0]["feed"] != "poolscope" || lines[0]["process"] != "test" {
		t.Fatalf("header: %v", lines[0])
	}
	if lines[len(lines)-1]["ev"] != "end" {
		t.Fatalf("last line: %v", lines[len(lines)-1])
	}
	// 8 × (submit, start, finish), 3 workers' start and stop, the fail, header and end.
	if want := 8*3 + 3*2 + 1 + 2; len(lines) != want {
		t.Fatalf("%d lines, want %d", len(lines), want)
	}
}

// A full buffer drops and counts; it never waits.
func TestAFullBufferDropsAndCounts(t *testing.T) {
	w := blockingWriter{entered: make(chan struct{}, 1), release: make(chan struct{})}
	e := New(w, nil, Options{Buffer: 4})
	<-w.entered // the writer is stuck writing the header: the viewer has fallen behind
	for i := 0; i < 100; i++ {
		e.Submit(i)
	}
	if e.Dropped() != 96 {
		t.Fatalf("dropped %d of 100 with room for 4, want 96", e.Dropped())
	}
	close(w.release)
	e.Close()
}

type blockingWriter struct{ entered, release chan struct{} }

func (w blockingWriter) Write(p []byte) (int, error) {
	select {
	case w.entered <- struct{}{}:
	default:
	}
	<-w.release
	return len(p), nil
}

// What an event costs the goroutine that emits it.
func BenchmarkEvent(b *testing.B) {
	e := New(io.Discard, nil, Options{})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Finish(i, 1)
	}
	b.StopTimer()
	e.Close()
}
