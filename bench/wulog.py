#!/usr/bin/env python3
"""Issue 10 benchmark: the WindowsUpdate.log reader on a large generated log.

Builds a log of distinct, realistic lines from the real 3 MB corpus log
(debajyati-logparsing): each copy moves the time forward a day and rewrites
every GUID, process and thread id, so the update-identity table churns as it
would on a long-lived machine. Then runs bench_collect on it and prints its
figures (seconds, MB/s, activities, peak RSS).

Usage: bench/wulog.py [--mb N] [--keep PATH]   (default 300 MB)"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

GUID = re.compile(rb"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
STAMP = re.compile(rb"^(\d{4})-(\d\d)-(\d\d) ")


def generate(path, target_bytes):
    src = os.path.join(common.CORPUS, "debajyati-logparsing", "WindowsUpdate.log")
    with open(src, "rb") as f:
        lines = f.read().splitlines(keepends=True)
    written, copy = 0, 0
    with open(path, "wb") as out:
        while written < target_bytes:
            tag = b"%08X" % (copy * 2654435761 % 0xFFFFFFFF)
            day = datetime.date(2024, 4, 11) + datetime.timedelta(days=copy)
            date = day.strftime("%Y-%m-%d ").encode()
            chunk = []
            for line in lines:
                line = STAMP.sub(date, line, count=1)
                line = GUID.sub(lambda m: tag + m.group(0)[8:], line)
                chunk.append(line)
            data = b"".join(chunk)
            out.write(data)
            written += len(data)
            copy += 1
    return written


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=300)
    ap.add_argument("--keep", help="write the generated log here and keep it")
    args = ap.parse_args()
    exe = common.program("WUDIAG_BENCH_COLLECT", os.path.join("build", "bench", "bench_collect"),
                         "build it first")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or os.path.join(tmp, "WindowsUpdate.log")
        if not os.path.exists(path):
            generate(path, args.mb * 2**20)
        size = os.path.getsize(path) / 2**20
        out = subprocess.run([exe, path], check=True, capture_output=True, text=True).stdout
        fields = dict(kv.split("=") for kv in out.split())
        secs = float(fields["seconds"])
        print(f"{size:.0f} MiB log: {secs:.2f} s, {size / secs:.0f} MiB/s; {out.strip()}")


if __name__ == "__main__":
    main()
