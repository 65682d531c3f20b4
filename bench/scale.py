#!/usr/bin/env python3
"""Issue 15 benchmark: collection scales linearly and its memory stays flat.

Generated *distinct* evidence, streamed to disk (never held in memory), at
growing sizes; for each, `wudiag collect` (collector + store + analysis) and
bench_collect (the collector alone, into a counting sink) are timed, with
their peak RSS from wait4:

  xml-N     event XML with N distinct update events (WindowsUpdateClient 43,
            44, 19, 20 in turn: distinct record ids, times, KBs, GUIDs)
  wulog-N   WindowsUpdate.log (Windows 10 layout) with N distinct install
            operations (START, Title, END with an exit code: 3 lines each)
  unrelated an event-XML export of events wudiag does not keep (1 GB by
            default), per MB
  zip-N     a zip of N entries, each a small distinct WindowsUpdate.log
  zip-1GB   a zip whose one entry is a large WindowsUpdate.log

It prints the time per event (per MB for the unrelated export), the ratio
from the smallest to the largest size (bar: <= 2, i.e. linear within 2x)
and the peak RSS (bar: < 64 MiB). Runs past --timeout seconds are reported,
not waited for. Everything is generated under a temporary folder removed at
the end (set TMPDIR for a roomy disk: the largest case needs ~3 GB).

Usage: bench/scale.py [--events 30000,300000,3000000] [--zip-entries 10000,100000]
                      [--unrelated-mb 1024] [--zip-mb 100,1024] [--only xml,wulog,...]
                      [--timeout 900]"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

RSS_BAR_KIB = 64 * 1024
PLURAL = {"entry": "entries", "MB": "MB"}
RATIO_BAR = 2.0

# ------------------------------------------------------------- generators

XML_EVENT = (
    '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
    '<Provider Name="Microsoft-Windows-WindowsUpdateClient" '
    'Guid="{{945A8954-C147-4ACD-923F-40C45405A658}}"/><EventID>{eid}</EventID><Version>1'
    '</Version><Level>{level}</Level><Task>1</Task><Opcode>13</Opcode><Keywords>'
    '0x8000000000000028</Keywords><TimeCreated SystemTime="{time}"/><EventRecordID>{rid}'
    '</EventRecordID><Correlation/><Execution ProcessID="436" ThreadID="5684"/><Channel>'
    'System</Channel><Computer>BENCH-PC</Computer><Security UserID="S-1-5-18"/></System>'
    '<EventData>{code}<Data Name="updateTitle">{title}</Data><Data Name="updateGuid">'
    '{{{guid}}}</Data><Data Name="updateRevisionNumber">{rev}</Data><Data Name="serviceGuid">'
    '{{9482F4B4-E343-43B6-B170-9A65BC822C77}}</Data></EventData></Event>\n')

UNRELATED_EVENT = (
    '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>'
    '<Provider Name="{provider}" '
    'Guid="{{331C3B3A-2005-44C2-AC5E-77220C37D6B4}}"/><EventID>{eid}</EventID><Version>0'
    '</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8000000000000404'
    '</Keywords><TimeCreated SystemTime="{time}"/><EventRecordID>{rid}</EventRecordID>'
    '<Correlation/><Execution ProcessID="4" ThreadID="{tid}"/><Channel>System</Channel>'
    '<Computer>BENCH-PC</Computer><Security/></System><EventData><Data Name="Reason">{rid}'
    '</Data><Data Name="Flags">{tid}</Data></EventData></Event>\n')

# providers and ids no rule of wudiag keeps (Kernel-Power 41 would be: a crash)
UNRELATED = [("Microsoft-Windows-Kernel-Power", 105), ("Microsoft-Windows-Kernel-Power", 172),
             ("Microsoft-Windows-Time-Service", 37), ("Microsoft-Windows-DNS-Client", 1014),
             ("Microsoft-Windows-Kernel-Processor-Power", 55)]

WU_OP = (
    "{d} {t}.{f:07d} 6996  {tid:<5d} Agent           * START *  Installing updates CallerId = "
    "UpdateOrchestrator, Id = {n}\r\n"
    "{d} {t}.{f2:07d} 6996  {tid:<5d} Agent           Title = {title}\r\n"
    "{d} {t}.{f3:07d} 6996  {tid:<5d} Agent           * END * Installing updates CallerId = "
    "UpdateOrchestrator, Id = {n}, Exit code = 0x{code:08X}\r\n")

CODES = [0x00000000, 0x80070643, 0x8024200B, 0x800F0922, 0x80073712, 0x80240022]


def stamp(n):
    """A distinct time for event n: one event every 7 seconds from 2020-01-01."""
    s = n * 7
    days, s = divmod(s, 86400)
    y, rest = 2020, days
    while rest >= 366:
        y, rest = y + 1, rest - 365
    month, day = divmod(rest, 28)
    return f"{y:04d}-{month % 12 + 1:02d}-{day + 1:02d}", \
        f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


def title(n):
    return (f"20{20 + n % 5:02d}-{n % 12 + 1:02d} Cumulative Update for Windows 10 Version "
            f"22H2 for x64-based Systems (KB{5000000 + n:07d})")


def guid(n):
    return f"{n:08X}-40D4-4E62-814C-{n * 2654435761 % 2**48:012X}"


def write_xml(path, n_events):
    ids = (43, 44, 19, 20)
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n')
        buf = []
        for n in range(n_events):
            eid = ids[n % 4]
            d, t = stamp(n)
            code = (f'<Data Name="errorCode">0x{CODES[1 + n % 5]:08X}</Data>' if eid == 20
                    else "")
            buf.append(XML_EVENT.format(eid=eid, level=2 if eid == 20 else 4,
                                        time=f"{d}T{t}.{n % 10000000:07d}Z", rid=n + 1,
                                        code=code, title=title(n // 4), guid=guid(n // 4),
                                        rev=200 + n % 3))
            if len(buf) == 10000:
                out.write("".join(buf))
                buf = []
        out.write("".join(buf))
        out.write("</Events>\n")


def write_unrelated(path, target_bytes):
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n')
        n = 0
        while out.tell() < target_bytes:
            buf = []
            for _ in range(10000):
                d, t = stamp(n)
                provider, eid = UNRELATED[n % len(UNRELATED)]
                buf.append(UNRELATED_EVENT.format(provider=provider, eid=eid,
                                                  time=f"{d}T{t}.0000000Z", rid=n + 1,
                                                  tid=n % 9973))
                n += 1
            out.write("".join(buf))
        out.write("</Events>\n")
    return n


def wu_ops(first, count):
    """count distinct install operations starting at number first, as text."""
    parts = []
    for n in range(first, first + count):
        d, t = stamp(n)
        parts.append(WU_OP.format(d=d.replace("-", "/"), t=t, f=n % 9999990, f2=n % 9999990 + 5,
                                  f3=n % 9999990 + 9, tid=1000 + n % 8000, n=n, title=title(n),
                                  code=CODES[n % len(CODES)]))
    return "".join(parts)


def write_wulog(path, n_ops):
    with open(path, "w", encoding="utf-8", newline="") as out:
        for first in range(0, n_ops, 10000):
            out.write(wu_ops(first, min(10000, n_ops - first)))


def write_zip_entries(path, n_entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for i in range(n_entries):
            z.writestr(f"logs/{i // 1000:03d}/WindowsUpdate-{i:06d}.log", wu_ops(i, 1))


def write_zip_big(path, target_bytes):
    """One WindowsUpdate.log entry of about target_bytes, streamed in."""
    ops = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("WindowsUpdate.log", "w", force_zip64=True) as f:
            written = 0
            while written < target_bytes:
                block = wu_ops(ops, 10000).encode()
                f.write(block)
                written += len(block)
                ops += 10000
    return ops

# ---------------------------------------------------------------- runs


def timed(cmd, timeout):
    """(seconds, peak RSS KiB, stdout) of one run, or None past the timeout.
    /usr/bin/time measures: a child forked from this Python process would
    have the parent's resident pages counted in its own peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(["/usr/bin/time", "-f", "WDTIME %e %M"] + cmd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    code = proc.returncode
    err = err.decode(errors="replace")
    line = [x for x in err.splitlines() if x.startswith("WDTIME ")]
    if code not in (0, 3, 4, 5) or not line:  # a verdict: healthy, failing, warning, incomplete
        sys.exit(f"bench: {' '.join(cmd)} exited {code}: {err}")
    _, secs, rss = line[-1].split()
    wall = time.perf_counter() - start
    return min(float(secs), wall) if float(secs) > 0 else wall, int(rss), \
        out.decode(errors="replace").strip()


def measure(tmp, evidence, timeout):
    """Both programs on one piece of evidence; a fresh database each time."""
    db = os.path.join(tmp, "scale.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    full = timed([common.wudiag(), "collect", "--evidence", evidence, "--db", db], timeout)
    alone = timed([collector(), evidence], timeout)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    return full, alone


def collector():
    return common.program("WUDIAG_BENCH_COLLECT", os.path.join("build", "bench", "bench_collect"),
                          "build it first (scripts/quickstart)")


def row(label, units, unit_name, result):
    if result is None:
        print(f"  {label:34s} timed out")
        return None
    secs, rss, _ = result
    per = secs / units * 1e6
    rss_ok = "OK" if rss < RSS_BAR_KIB else "MISSED"
    print(f"  {label:34s} {secs:9.2f} s  {per:9.2f} us/{unit_name}  "
          f"RSS {rss / 1024:7.1f} MiB ({rss_ok})")
    return per, rss


def disk_size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def remove(path):
    if os.path.isdir(path):
        shutil.rmtree(path)
    else:
        os.remove(path)


def series(name, sizes, make, unit_name, tmp, timeout):
    """Runs one case at every size; prints the lines and the ratios. True when
    every bar is met."""
    print(f"\n{name}")
    ok = True
    per = {"wudiag collect": [], "collector alone": []}
    for size in sizes:
        path, units = make(size)
        mb = disk_size(path) / 2**20
        full, alone = measure(tmp, path, timeout)
        print(f" {units:>9,} {unit_name if units == 1 else PLURAL.get(unit_name, unit_name + 's')} ({mb:,.0f} MiB on disk)"
              + (f"  [{alone[2]}]" if alone else ""))
        for label, res in (("wudiag collect", full), ("collector alone", alone)):
            r = row(label, units, unit_name, res)
            per[label].append(r[0] if r else None)
            ok &= r is not None and r[1] < RSS_BAR_KIB
        remove(path)
    for label, values in per.items():
        if len(values) > 1 and values[0] and values[-1]:
            ratio = values[-1] / values[0]
            flag = "OK" if ratio <= RATIO_BAR else "MISSED"
            print(f"  ratio largest/smallest, {label:16s} {ratio:6.2f}  (bar <= {RATIO_BAR}) "
                  f"{flag}")
            ok &= ratio <= RATIO_BAR
        elif len(values) > 1:
            print(f"  ratio largest/smallest, {label:16s} n/a (a run timed out)  MISSED")
            ok = False
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", default="30000,300000,3000000")
    ap.add_argument("--zip-entries", default="10000,100000")
    ap.add_argument("--zip-mb", default="100,1024")
    ap.add_argument("--unrelated-mb", type=int, default=1024)
    ap.add_argument("--only", default="xml,wulog,unrelated,zip-entries,zip-big")
    ap.add_argument("--timeout", type=float, default=900)
    a = ap.parse_args()
    events = [int(x) for x in a.events.split(",")]
    zip_n = [int(x) for x in a.zip_entries.split(",")]
    zip_mb = [int(x) for x in a.zip_mb.split(",")]
    only = set(a.only.split(","))
    tmp = tempfile.mkdtemp(prefix="wudiag-scale-")
    ok = True
    try:
        if "xml" in only:
            def make_xml(n):
                p = os.path.join(tmp, f"xml-{n}")
                os.makedirs(p)
                write_xml(os.path.join(p, "WindowsUpdateClient-Operational.xml"), n)
                return p, n
            ok &= series("event XML, distinct update events", events,
                         make_xml, "event", tmp, a.timeout)
        if "wulog" in only:
            def make_wulog(n):
                p = os.path.join(tmp, f"wulog-{n}")
                os.makedirs(p)
                write_wulog(os.path.join(p, "WindowsUpdate.log"), n)
                return p, n
            ok &= series("WindowsUpdate.log, distinct install operations (3 lines each)", events,
                         make_wulog, "operation", tmp, a.timeout)
        if "unrelated" in only:
            def make_unrelated(mb):
                p = os.path.join(tmp, "unrelated")
                os.makedirs(p)
                write_unrelated(os.path.join(p, "System.xml"), mb << 20)
                return p, mb
            sizes = sorted({max(1, a.unrelated_mb // 10), a.unrelated_mb})
            ok &= series("event XML of events wudiag does not keep", sizes,
                         make_unrelated, "MB", tmp, a.timeout)
        if "zip-entries" in only:
            def make_entries(n):
                p = os.path.join(tmp, f"entries-{n}.zip")
                write_zip_entries(p, n)
                return p, n
            ok &= series("zip of many entries, each a small WindowsUpdate.log", zip_n,
                         make_entries, "entry", tmp, a.timeout)
        if "zip-big" in only:
            def make_big(mb):
                p = os.path.join(tmp, f"big-{mb}.zip")
                return p, write_zip_big(p, mb << 20)
            ok &= series("zip holding one large WindowsUpdate.log", zip_mb, make_big,
                         "operation", tmp, a.timeout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\nall bars met" if ok else "\nsome bars MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
