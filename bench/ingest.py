#!/usr/bin/env python3
"""Issue 3 benchmark: evidence ingest (decode, extract, store) against its anchors.

  .evtx : wudiag collect of every corpus .evtx  vs  evtxexport -f xml of the same files
          (bar: ratio <= 1.0) and vs python3-evtx's evtx_dump.py (bar: >= 20x faster)
  XML   : wudiag collect of a generated event-XML export  vs  xmllint --stream --noout
          (bar: ratio <= 1.5)
  memory: peak RSS of wudiag collect on a 1 GB event-XML export (bar: < 64 MiB)

Usage: bench/ingest.py [--xml-mb N] [--big-gb N]   (defaults 200 MB and 1 GB)"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def evtx_files():
    files = sorted(glob.glob(os.path.join(common.CORPUS, "**", "*.evtx"), recursive=True))
    if not files:
        sys.exit(f"bench: no .evtx under {common.CORPUS}")
    return files


def bench_evtx(tmp, exe):
    files = evtx_files()
    ev = os.path.join(tmp, "evtx")
    os.makedirs(ev)
    for i, f in enumerate(files):
        shutil.copy(f, os.path.join(ev, f"{i:02d}-{os.path.basename(f)}"))
    size = sum(os.path.getsize(f) for f in files) / 2**20
    print(f"{len(files)} .evtx files, {size:.1f} MiB")
    db = os.path.join(tmp, "evtx.db")

    def fresh():
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db + suffix):
                os.remove(db + suffix)

    ours, _ = common.best([exe, "collect", "--evidence", ev, "--db", db], before=fresh,
                          ok_codes=(0, 3, 4, 5))
    common.need("evtxexport", "libevtx-utils")
    script = "; ".join(f"evtxexport -f xml '{f}' >/dev/null 2>&1" for f in files)
    anchor, _ = common.best(["sh", "-c", script])
    ok = common.report("evtx ingest: wudiag collect / evtxexport -f xml (s)", ours, anchor, 1.0)
    common.need("evtx_dump.py", "python3-evtx")
    script = "; ".join(f"evtx_dump.py '{f}' >/dev/null 2>&1" for f in files)
    slow, _ = common.best(["sh", "-c", script], repeat=1)
    ok &= common.report("evtx ingest: evtx_dump.py / wudiag collect (x faster)", slow / ours, 1,
                        20, higher_is_worse=False)
    return ok


def make_xml(path, target_bytes):
    """An Event Viewer style export (<Events> root) built from the real records of
    the corpus's Windows 10 System log, repeated with new record ids."""
    src = os.path.join(common.CORPUS, "omerbenamram-evtx-samples", "system.evtx")
    xml = subprocess.run(["evtxexport", "-f", "xml", src], capture_output=True, text=True,
                         check=True).stdout
    events = [e[:e.rfind("</Event>") + 8] for e in xml.split("<Event ")[1:]]
    events = ["<Event " + e for e in events if e.endswith("</Event>")]
    block = "\n".join(events).encode()
    with open(path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<Events>\n')
        written = 0
        while written < target_bytes:
            out.write(block)
            out.write(b"\n")
            written += len(block) + 1
        out.write(b"</Events>\n")
    return os.path.getsize(path)


def bench_xml(tmp, exe, mb, big_gb):
    common.need("xmllint", "libxml2-utils")
    ok = True
    for label, target in (("xml", mb * 2**20), ("big", int(big_gb * 2**30))):
        ev = os.path.join(tmp, label)
        os.makedirs(ev)
        path = os.path.join(ev, "events.xml")
        size = make_xml(path, target)
        db = os.path.join(tmp, label + ".db")
        repeat = 3 if label == "xml" else 1
        ours, rss = common.best([exe, "collect", "--evidence", ev, "--db", db], repeat=repeat,
                                ok_codes=(0, 3, 4, 5))
        if label == "xml":
            anchor, _ = common.best(["xmllint", "--stream", "--noout", path])
            ok &= common.report(f"xml ingest {size / 2**20:.0f} MiB: wudiag / xmllint --stream (s)",
                                ours, anchor, 1.5)
        else:
            ok &= common.report(f"xml ingest {size / 2**30:.2f} GiB: peak RSS (MiB) / 64 MiB",
                                rss / 1024, 64, 1.0)
        shutil.rmtree(ev)
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--xml-mb", type=int, default=200)
    ap.add_argument("--big-gb", type=float, default=1.0)
    args = ap.parse_args()
    exe = common.wudiag()
    with tempfile.TemporaryDirectory(prefix="wudiag-bench-") as tmp:
        ok = bench_evtx(tmp, exe)
        ok &= bench_xml(tmp, exe, args.xml_mb, args.big_gb)
    print("all bars met" if ok else "some bars missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
