"""Tell Poolscope what a worker pool does, live: one JSON line an event (docs/feed-protocol.md).

An Emitter never blocks the pool it observes. Each call stamps the event and appends it to a
bounded buffer; a thread of its own formats and writes the lines. When the viewer falls behind and
the buffer is full, the event is dropped and counted, and the next line written says how many were
dropped so far.

    feed = poolfeed.Emitter("tcp:localhost:7878")   # or "unix:/tmp/pool.sock", "-", "stderr", a file

    @feed.traced                      # start, finish (or fail) around each call, on the
    def work(job): ...                # calling thread's worker number

    with feed.job(job):               # the same, for a block
        ...

    feed.submit(job); pool.submit(work, job)
    feed.close()                      # or use the Emitter as a context manager
"""

import collections
import functools
import json
import os
import socket
import sys
import threading
import time

__all__ = ["Emitter"]


class Emitter:
    def __init__(self, address="-", buffer=65536, process=None, host=None):
        self._out, self._closer = _open(address)
        self._epoch = time.monotonic_ns()
        self._events = collections.deque()
        self._capacity = buffer
        self._dropped = 0
        self._workers = {}  # thread ident -> worker number
        self._workers_lock = threading.Lock()
        self._order = threading.Lock()
        self._stop = threading.Event()
        self._error = None
        header = {"feed": "poolscope", "unit": "ns",
                  "process": process or os.path.basename(sys.argv[0] or "python"),
                  "host": host or socket.gethostname()}
        self._writer = threading.Thread(target=self._write, args=(header,),
                                        name="poolfeed", daemon=True)
        self._writer.start()

    # -- events ------------------------------------------------------------------------------

    def _put(self, event):
        # Stamped and appended under one lock, so the lines are in time order whatever the
        # threads do; nothing here waits on the writer.
        with self._order:
            if len(self._events) >= self._capacity:
                self._dropped += 1
                return
            event["t"] = time.monotonic_ns() - self._epoch
            self._events.append(event)

    def submit(self, job):
        """The job is sent to the pool. A job is an int or a str."""
        self._put({"ev": "submit", "job": job})

    def start(self, job, worker=None, planned_s=None):
        """A worker takes the job (worker: a number, or the calling thread's)."""
        event = {"ev": "start", "job": job, "worker": worker or self.worker()}
        if planned_s:
            event["duration"] = int(planned_s * 1e9)
        self._put(event)

    def finish(self, job, worker=None):
        self._put({"ev": "finish", "job": job, "worker": worker or self.worker()})

    def fail(self, job, error, worker=None):
        self._put({"ev": "fail", "job": job, "worker": worker or self.worker(),
                   "error": str(error) or type(error).__name__})

    def cancel(self, job):
        self._put({"ev": "cancel", "job": job})

    def worker_stop(self, worker=None):
        self._put({"ev": "worker_stop", "worker": worker or self.worker()})

    def workers_stopped(self):
        """Every worker seen so far has stopped: the pool has shut down."""
        with self._workers_lock:
            numbers = sorted(self._workers.values())
        for number in numbers:
            self._put({"ev": "worker_stop", "worker": number})

    def worker(self):
        """The calling thread's worker number: 1, 2, … in the order threads first appear."""
        ident = threading.get_ident()
        number = self._workers.get(ident)
        if number is None:
            with self._workers_lock:
                number = self._workers.setdefault(ident, len(self._workers) + 1)
            self._put({"ev": "worker_start", "worker": number})
        return number

    @property
    def dropped(self):
        return self._dropped

    # -- helpers -----------------------------------------------------------------------------

    def job(self, job, planned_s=None):
        """A context manager: start on entry, finish on exit, fail when the block raises."""
        return _JobSpan(self, job, planned_s)

    def traced(self, fn=None, *, job=None):
        """A decorator for the work function: each call is a job started and finished (or failed)
        on the calling thread's worker. The job id is the first argument, or job(*args, **kw)."""
        def wrap(fn):
            @functools.wraps(fn)
            def call(*args, **kwargs):
                key = job(*args, **kwargs) if job else args[0]
                with self.job(key):
                    return fn(*args, **kwargs)
            return call
        return wrap(fn) if fn is not None else wrap

    def close(self):
        """Writes what is held and the end line, then closes the destination. A viewer that went
        away does not stop the program: its error is kept in .error."""
        if not self._stop.is_set():
            self._stop.set()
            self._writer.join()
            if self._closer:
                try:
                    self._closer.close()
                except OSError as error:
                    self._error = self._error or error

    @property
    def error(self):
        """The first error writing the feed (the viewer went away), or None."""
        return self._error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- the writer thread -------------------------------------------------------------------

    def _write(self, header):
        reported = 0
        try:
            self._out.write((json.dumps(header) + "\n").encode())
            while True:
                stopping = self._stop.is_set()
                lines = []
                while self._events:
                    event = self._events.popleft()
                    if self._dropped != reported:
                        reported = event["dropped"] = self._dropped
                    lines.append(json.dumps(event, default=str))  # an id JSON has no type for: its text
                if lines:
                    self._out.write(("\n".join(lines) + "\n").encode())
                    self._out.flush()
                if stopping:
                    break
                self._stop.wait(0.005)  # the events carry their own times: a short wait is free
            end = {"ev": "end", "dropped": self._dropped}
            self._out.write((json.dumps(end) + "\n").encode())
            self._out.flush()
        except Exception as error:  # noqa: BLE001 - whatever it is, the pool goes on
            # The viewer went away: the pool goes on, its events are no longer written.
            self._error = error
            self._events.clear()


class _JobSpan:
    def __init__(self, feed, job, planned_s):
        self._feed, self._job, self._planned = feed, job, planned_s

    def __enter__(self):
        self._feed.start(self._job, planned_s=self._planned)
        return self

    def __exit__(self, kind, error, trace):
        if error is None:
            self._feed.finish(self._job)
        else:
            self._feed.fail(self._job, error)
        return False


def _open(address):
    if address == "-":
        return sys.stdout.buffer, None
    if address == "stderr":
        return sys.stderr.buffer, None
    if address.startswith("tcp:"):
        host, _, port = address[4:].rpartition(":")
        conn = socket.create_connection((host, int(port)))
        out = conn.makefile("wb")
        return out, _Both(out, conn)
    if address.startswith("unix:"):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(address[5:])
        out = conn.makefile("wb")
        return out, _Both(out, conn)
    out = open(address, "wb")
    return out, out


class _Both:
    def __init__(self, *closers):
        self._closers = closers

    def close(self):
        for c in self._closers:
            c.close()
