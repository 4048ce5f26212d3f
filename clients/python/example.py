#!/usr/bin/env python3
"""A thread pool instrumented with poolfeed: jobs sent every --interval-ms, each sleeping a random
200-500 ms (or failing with --fail-every), the feed written to --feed.

    python3 clients/python/example.py | poolscope --follow -
"""

import argparse
import random
import time
from concurrent.futures import ThreadPoolExecutor

import poolfeed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feed", default="-", help='tcp:HOST:PORT, unix:PATH, "-", "stderr" or a file')
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=15)
    parser.add_argument("--interval-ms", type=float, default=100)
    parser.add_argument("--fail-every", type=int, default=0, help="every Nth job raises (0: none)")
    args = parser.parse_args()

    with poolfeed.Emitter(args.feed, process="example.py") as feed:
        @feed.traced
        def work(job):
            time.sleep(random.uniform(0.2, 0.5))
            if args.fail_every and job % args.fail_every == 0:
                raise RuntimeError(f"job {job} is a multiple of {args.fail_every}")
            return job

        with ThreadPoolExecutor(max_workers=args.workers) as pool:
            for job in range(1, args.jobs + 1):
                feed.submit(job)
                pool.submit(work, job)
                time.sleep(args.interval_ms / 1000)
        feed.workers_stopped()  # the pool has shut down: its threads are gone


if __name__ == "__main__":
    main()
