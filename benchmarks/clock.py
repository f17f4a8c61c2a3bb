"""Micro-benchmark of core.clock: median microseconds per call.

Run from the project root with the virtual environment's Python:

    .venv/bin/python benchmarks/clock.py [CALLS]

For the Nairobi and Kuwait calendars it draws CALLS (default 100,000) realistic records:
received at a random second of 2025-2026 (mostly in working hours), with spans from a
minute to about three months (log-uniform) and, for a third of them, one to three pauses.
It times each call of elapsed_working_seconds and due_at (thresholds of 1 working hour to
20 working days) separately and prints the median, the 99th percentile and the mean, after
one untimed warm-up pass that fills the per-calendar caches.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.clock import (
    WorkCalendar,
    calendar_due_at,
    due_at,
    elapsed_calendar_seconds,
    elapsed_working_seconds,
)

NAIROBI = WorkCalendar.from_json(
    {
        "code": "NBO",
        "name": "Nairobi",
        "timezone": "Africa/Nairobi",
        "working_hours": {
            day: [["08:00", "12:30"], ["13:30", "17:00"]]
            for day in ("mon", "tue", "wed", "thu", "fri")
        },
        "holidays": ["2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06"],
        "working_day_hours": 8,
    }
)
KUWAIT = WorkCalendar.from_json(
    {
        "code": "KWI",
        "name": "Kuwait City",
        "timezone": "Asia/Kuwait",
        "working_hours": {day: [["08:00", "16:00"]] for day in ("sun", "mon", "tue", "wed", "thu")},
        "holidays": ["2025-03-30", "2025-06-06", "2026-03-20", "2026-05-27"],
        "working_day_hours": 8,
    }
)


def records(rng: random.Random, calls: int, zone: str) -> list[tuple]:
    """(start, end, pauses, working-threshold seconds) tuples."""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    origin = datetime(2025, 1, 1, tzinfo=tz)
    result = []
    for _ in range(calls):
        day = origin + timedelta(days=rng.randrange(730))
        if rng.random() < 0.8:  # mostly received during the working day
            start = day.replace(hour=rng.randrange(8, 17), minute=rng.randrange(60))
        else:
            start = day + timedelta(seconds=rng.randrange(86400))
        start = start.replace(second=rng.randrange(60)).astimezone(UTC)
        span = int(60 * (90 * 24 * 60) ** rng.random())  # 1 minute .. 90 days, log-uniform
        end = start + timedelta(seconds=span)
        pauses = []
        if rng.random() < 1 / 3:
            cuts = sorted(rng.randrange(span + 1) for _ in range(2 * rng.randint(1, 3)))
            pauses = [
                (start + timedelta(seconds=cuts[i]), start + timedelta(seconds=cuts[i + 1]))
                for i in range(0, len(cuts), 2)
            ]
        threshold = rng.choice([3600, 4 * 3600, 8 * 3600, 3 * 28800, 5 * 28800, 20 * 28800])
        result.append((start, end, pauses, threshold))
    return result


def timed(function, argument_lists) -> list[float]:
    clock = time.perf_counter_ns
    samples = []
    for args in argument_lists:
        before = clock()
        function(*args)
        samples.append((clock() - before) / 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    samples.sort()
    p99 = samples[int(len(samples) * 0.99)]
    print(
        f"{label:<42} median {statistics.median(samples):6.2f} us   "
        f"p99 {p99:6.2f} us   mean {statistics.fmean(samples):6.2f} us"
    )


def main() -> None:
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(20260101)
    print(f"core.clock benchmark, {calls:,} records per calendar, Python {sys.version.split()[0]}")
    for name, cal in (("Nairobi", NAIROBI), ("Kuwait", KUWAIT)):
        data = records(rng, calls, cal.timezone)
        elapsed_args = [(cal, s, e, p) for s, e, p, _ in data]
        due_args = [(cal, s, d, p) for s, _, p, d in data]
        calendar_args = [(s, e, p) for s, e, p, _ in data]
        calendar_due_args = [(s, d, p) for s, _, p, d in data]
        # Warm-up: fill the per-calendar caches (a real import pays this once per calendar).
        warm = time.perf_counter()
        timed(elapsed_working_seconds, elapsed_args)
        timed(due_at, [(c, s, d, ()) for c, s, d, _ in due_args])
        print(f"{name}: warm-up pass ({calls:,} calls of each) {time.perf_counter() - warm:.2f} s")
        report(f"{name} elapsed_working_seconds", timed(elapsed_working_seconds, elapsed_args))
        report(f"{name} due_at", timed(due_at, [(c, s, d, ()) for c, s, d, _ in due_args]))
        report(f"{name} due_at (with the record's pauses)", timed(due_at, due_args))
        report(f"{name} elapsed_calendar_seconds", timed(elapsed_calendar_seconds, calendar_args))
        report(f"{name} calendar_due_at", timed(calendar_due_at, calendar_due_args))


if __name__ == "__main__":
    main()
