#!/usr/bin/env python3
"""Issue 4 benchmark: a fleet's history. Generates 50 per-machine databases of 365 daily
snapshots each (bench_fleet_gen, through the store API: 15 services, 20 update events a day
of which 15 seen the day before, ~2.5 failures, 7-8 facts, 3 sources, findings), then times
`wudiag merge fleet.db m*.db` (bar: under 5 s), merging them all again (nothing to add), and
`wudiag history` over the merged fleet (bar: under 100 ms), also with --machine and --since.

Prints wall time (best of R runs), the CPU time of that run (user + sys: what the figure
would be on an idle machine) and the share of the bar used, and OK or MISSED per bar.
Exit code 1 when a bar is missed.

Usage: bench/fleet.py [--machines N] [--days D] [--repeat R] [--keep DIR]
The helper is build/bench/bench_fleet_gen ($BENCH_FLEET_GEN overrides); wudiag is
build/cli/wudiag ($WUDIAG overrides). --keep DIR reuses (or leaves) the generated files."""
import argparse
import concurrent.futures
import glob
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def helper():
    return common.program("BENCH_FLEET_GEN", os.path.join("build", "bench", "bench_fleet_gen"),
                          "build the target bench_fleet_gen")


def timed(cmd):
    """Runs cmd once: (wall seconds, CPU seconds, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stdout.close()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {code}: {err}")
    return wall, usage.ru_utime + usage.ru_stime, out.decode(errors="replace")


def best(cmd, repeat, before=None):
    """The run with the best wall time of `repeat` (before() untimed before each)."""
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(timed(cmd))
    return min(runs, key=lambda r: r[0])


def generate(exe, folder, machines, days):
    """m001.db ... in folder, made in parallel; reuses complete files already there."""
    paths = [os.path.join(folder, f"m{i:03d}.db") for i in range(1, machines + 1)]

    def one(i):
        path = paths[i - 1]
        if os.path.exists(path) and snapshots(path) == days:
            return
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        subprocess.run([exe, path, str(i), str(days)], check=True)

    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        list(pool.map(one, range(1, machines + 1)))
    return paths, time.perf_counter() - start


def snapshots(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT count(*) FROM snapshot").fetchone()[0]
    finally:
        db.close()


def remove_db(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def line(name, wall, cpu, bar):
    ok = wall < bar
    print(f"{name:44s} {wall * 1000:9.1f} ms wall {cpu * 1000:9.1f} ms cpu  "
          f"{wall / bar:5.2f} of the bar (< {bar * 1000:.0f} ms)  {'OK' if ok else 'MISSED'}")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--machines", type=int, default=50)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", help="folder for the generated databases (kept)")
    args = ap.parse_args()
    exe, wudiag = helper(), common.wudiag()
    with tempfile.TemporaryDirectory(prefix="wudiag-fleet-") as tmp:
        folder = args.keep or tmp
        os.makedirs(folder, exist_ok=True)
        inputs, gen_s = generate(exe, folder, args.machines, args.days)
        size = sum(os.path.getsize(p) for p in inputs)
        print(f"generated {args.machines} databases x {args.days} snapshots "
              f"({size / 1e6:.0f} MB) in {gen_s:.1f} s")
        fleet = os.path.join(tmp, "fleet.db")
        merge = [wudiag, "merge", fleet] + inputs
        wall, cpu, _ = best(merge, args.repeat, before=lambda: remove_db(fleet))
        ok = [line(f"merge of {args.machines} files into a new fleet.db", wall, cpu, 5.0)]
        wall, cpu, out = timed(merge)
        added = sum(int(ln.split(": ")[1].split()[0]) for ln in out.splitlines())
        print(f"{'merge of the same files again':44s} {wall * 1000:9.1f} ms wall "
              f"{cpu * 1000:9.1f} ms cpu  ({added} snapshots added)")
        total = snapshots(fleet)
        if total != args.machines * args.days or added != 0:
            sys.exit(f"bench: fleet.db holds {total} snapshots (want "
                     f"{args.machines * args.days}); the second merge added {added}")
        print(f"fleet.db: {total} snapshots, {os.path.getsize(fleet) / 1e6:.0f} MB")
        mid = f"WS-{(args.machines + 1) // 2:03d}"
        for name, extra in (("history (every machine)", []),
                            (f"history --machine {mid}", ["--machine", mid]),
                            ("history --since 2025-12-01", ["--since", "2025-12-01"])):
            wall, cpu, out = best([wudiag, "history", "--db", fleet] + extra,
                                  max(args.repeat, 5))
            rows = max(len(out.splitlines()) - 1, 0)
            ok.append(line(f"{name} ({rows} rows)", wall, cpu, 0.1))
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
