#!/usr/bin/env python3
"""Issue 4 benchmark: storing events and activities. wudiag's wd_store_add_event (one
snapshot of N generated Windows Update events, 5 fields each, into a fresh history
database) against the sqlite3 shell's .import of the very same rows from CSV into the
same tables (event, event_field, snapshot_event; same schema, WAL, synchronous=NORMAL).
Bar: our rate >= 0.8x the .import rate. Then the same for N distinct activities
(wd_store_add_activity, with its repeat detection, against .import of the rows it
wrote into the same activity table with its indexes); reported against the same bar.

Usage: bench/store_ingest.py [--events N] [--activities N] [--repeat R]
       (defaults 200000, 200000, 3)
The helper is build/bench/bench_store_ingest ($BENCH_STORE_INGEST overrides)."""
import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def helper():
    return common.program("BENCH_STORE_INGEST", os.path.join("build", "bench", "bench_store_ingest"),
                          "build the target bench_store_ingest")


def ours(exe, tmp, events, mode=None):
    cmd = [exe, tmp, str(events)] + ([mode] if mode else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    fields = dict(kv.split("=") for kv in out.stdout.split())
    return float(fields["seconds"])


def schema(db):
    """The store's own schema (from the file it just wrote), for the anchor."""
    out = subprocess.run(["sqlite3", db, ".schema"], check=True, capture_output=True, text=True)
    return out.stdout


def anchor(tmp, ddl, tables=("event", "event_field", "snapshot_event")):
    db = os.path.join(tmp, "anchor.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    subprocess.run(["sqlite3", db], input="PRAGMA journal_mode=WAL;\n" + ddl, check=True,
                   capture_output=True, text=True)
    script = "PRAGMA synchronous=NORMAL;\n" + "".join(
        f".import --csv {os.path.join(tmp, t)}.csv {t}\n"
        for t in tables)
    start = time.perf_counter()
    subprocess.run(["sqlite3", db], input=script, check=True, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    return elapsed, db


def count(db, table):
    out = subprocess.run(["sqlite3", db, f"SELECT count(*) FROM {table}"], check=True,
                         capture_output=True, text=True)
    return int(out.stdout)


def export_activities(tmp):
    """The activity rows the store wrote, as .import input (not timed)."""
    db = os.path.join(tmp, "ours-activities.db")
    csv = os.path.join(tmp, "activity.csv")
    subprocess.run(["sqlite3", db], input=f".mode csv\n.output {csv}\nSELECT * FROM activity;\n",
                   check=True, capture_output=True, text=True)
    return db


def activities(exe, tmp, n, repeat):
    t_ours = min(ours(exe, tmp, n, "activities") for _ in range(repeat))
    db = export_activities(tmp)
    runs = [anchor(tmp, schema(db), ("activity",)) for _ in range(repeat)]
    t_anchor = min(t for t, _ in runs)
    a, b = count(db, "activity"), count(runs[-1][1], "activity")
    if a != b or a != n:
        sys.exit(f"bench: activity: the store wrote {a} rows, .import {b}, expected {n}")
    print(f"{n} distinct activities, one snapshot")
    print(f"wd_store_add_activity: {t_ours:8.3f} s  {n / t_ours:12.0f} activities/s")
    print(f"sqlite3 .import      : {t_anchor:8.3f} s  {n / t_anchor:12.0f} activities/s")
    return common.report("store ingest (activities): wudiag rate / sqlite3 .import rate (x)",
                         t_anchor / t_ours, 1, 0.8, higher_is_worse=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=200000)
    ap.add_argument("--activities", type=int, default=200000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    common.need("sqlite3", "sqlite3")
    exe = helper()
    with tempfile.TemporaryDirectory(prefix="wudiag-bench-") as tmp:
        t_ours = min(ours(exe, tmp, args.events) for _ in range(args.repeat))
        ddl = schema(os.path.join(tmp, "ours.db"))
        runs = [anchor(tmp, ddl) for _ in range(args.repeat)]
        t_anchor = min(t for t, _ in runs)
        db = runs[-1][1]
        for table in ("event", "event_field", "snapshot_event"):
            a, b = count(os.path.join(tmp, "ours.db"), table), count(db, table)
            if a != b:
                sys.exit(f"bench: {table}: the store wrote {a} rows, .import {b}")
        n = args.events
        print(f"{n} events, {n * 5} fields ({count(db, 'event_field')} rows), one snapshot")
        print(f"wd_store_add_event : {t_ours:8.3f} s  {n / t_ours:12.0f} events/s")
        print(f"sqlite3 .import    : {t_anchor:8.3f} s  {n / t_anchor:12.0f} events/s")
        ok = common.report("store ingest: wudiag rate / sqlite3 .import rate (x)",
                           t_anchor / t_ours, 1, 0.8, higher_is_worse=False)
        if args.activities > 0:
            activities(exe, tmp, args.activities, args.repeat)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
