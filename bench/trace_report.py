#!/usr/bin/env python3
"""Lines up the slow requests of a traced bench run with what else happened.

    BENCH_TRACE=/tmp/trace cargo run --release -p lifeos --example bench
    python3 bench/trace_report.py /tmp/trace [threshold_ms]

For each scenario it groups the requests slower than the threshold (30 ms by
default) into bursts (slow requests that began within 50 ms of each other)
and prints, for each burst, what overlapped it: a pause of the whole core
(`pauses.csv`), a new WAL segment (`wal.csv`), and PostgreSQL's log lines
(checkpoints, autovacuum, lock waits, statements over 50 ms). Standard
library only.
"""

import csv
import datetime
import glob
import os
import re
import sys


def read_rows(path):
    with open(path) as f:
        return [r for r in csv.DictReader(f)]


def postgres_events(path):
    """(unix ms, text) of the log's event lines; statements are counted."""
    events = []
    if not os.path.exists(path):
        return events
    stamp = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) (\w+) \[\d+\] (.*)")
    with open(path) as f:
        for line in f:
            m = stamp.match(line)
            if not m or m.group(2) != "UTC":
                continue
            at = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f")
            at = at.replace(tzinfo=datetime.timezone.utc).timestamp() * 1e3
            text = m.group(3)
            if "duration:" in text:
                text = "slow statement " + text.split("duration:")[1].split(" ms")[0].strip() + " ms"
            elif "automatic" in text or "checkpoint" in text or "lock" in text:
                text = text[:80]
            else:
                continue
            events.append((at, text))
    return events


def main():
    folder = sys.argv[1]
    threshold = float(sys.argv[2]) if len(sys.argv) > 2 else 30.0
    pauses = []
    if os.path.exists(os.path.join(folder, "pauses.csv")):
        for r in read_rows(os.path.join(folder, "pauses.csv")):
            woke, late = float(r["woke_unix_ms"]), float(r["late_ms"])
            pauses.append((woke - late, woke, r["core"], late))
    wal = []
    if os.path.exists(os.path.join(folder, "wal.csv")):
        wal = [(float(r["seen_unix_ms"]), r["segment"]) for r in read_rows(os.path.join(folder, "wal.csv"))]
    log = postgres_events(os.path.join(folder, "postgres.log"))

    for path in sorted(glob.glob(os.path.join(folder, "*.csv"))):
        name = os.path.basename(path)
        if name in ("pauses.csv", "wal.csv"):
            continue
        with open(path) as f:
            first = f.readline()
            if not first.startswith("# started_unix_ms="):
                continue
            started = float(first.split("=")[1])
            rows = list(csv.DictReader(f))
        slow = sorted(
            (float(r["began_ms"]), float(r["took_ms"])) for r in rows if float(r["took_ms"]) > threshold
        )
        worst = max((float(r["took_ms"]) for r in rows), default=0.0)
        if not slow:
            continue
        bursts = []
        for began, took in slow:
            if bursts and began - bursts[-1][-1][0] < 50:
                bursts[-1].append((began, took))
            else:
                bursts.append([(began, took)])
        print(f"{name[:-4]}: {len(slow)} of {len(rows)} over {threshold:g} ms in {len(bursts)} bursts, max {worst:.1f} ms")
        for burst in bursts:
            begin = started + burst[0][0]
            end = started + max(b + t for b, t in burst)
            seen = [f"pause core {c} {late:.0f} ms" for p0, p1, c, late in pauses if p1 > begin and p0 < end]
            seen += [f"WAL segment {seg[-8:]}" for at, seg in wal if begin - 100 < at < end]
            seen += [text for at, text in log if begin - 100 < at < end]
            if len(seen) > 6:
                seen = seen[:6] + [f"... {len(seen) - 6} more"]
            print(
                f"  at {burst[0][0]:9.1f} ms: {len(burst):5d} slow, max {max(t for _, t in burst):7.1f} ms"
                + (f"; {'; '.join(seen)}" if seen else "; nothing else seen")
            )


if __name__ == "__main__":
    main()
