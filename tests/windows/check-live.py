#!/usr/bin/env python3
"""check-live.py - checks the XML report of `wudiag.exe diagnose` run live under
Wine: the pending-reboot key the test added is a fact and a finding, the
services Wine's service manager has appear with real states, the machine,
OS and disk facts are there, and what Wine lacks became notes, not a crash.

usage: check-live.py REPORT.xml   (exit 0 when every check holds)
"""
import sys
import xml.etree.ElementTree as ET


def local(tag):
    return tag.rsplit("}", 1)[-1]


def main():
    root = ET.parse(sys.argv[1]).getroot()
    by_name = {}
    for e in root.iter():
        by_name.setdefault(local(e.tag), []).append(e)
    # report version 2: <fact key=K><value source= time=>V</value>...</fact>
    facts = {}
    for f in by_name.get("fact", []):
        values = [v for v in f if local(v.tag) == "value"]
        if f.get("key") and values:
            facts[f.get("key")] = values[0].text or ""
    services = {s.get("name", "").lower(): s for s in by_name.get("service", [])}
    notes = [(n.get("source") or "") + ": " + (n.text or "") for n in by_name.get("note", [])]
    findings = by_name.get("finding", [])
    problems = []

    def expect(cond, what):
        print(("  ok   " if cond else "  FAIL ") + what)
        if not cond:
            problems.append(what)

    expect(facts.get("reboot.pending.wu") == "1", "fact reboot.pending.wu = 1")
    expect(facts.get("reboot.pending.cbs") == "0", "fact reboot.pending.cbs = 0")
    expect(bool(facts.get("machine.name")), f"fact machine.name ({facts.get('machine.name')})")
    expect(bool(facts.get("os.build")), f"fact os.build ({facts.get('os.build')})")
    expect(facts.get("disk.system.free_bytes", "").isdigit()
           and facts.get("disk.system.total_bytes", "").isdigit(),
           "facts disk.system.free_bytes and total_bytes are numbers")
    reboot = [f for f in findings
              if "reboot" in (f.get("rule", "") + " ".join(f.itertext())).lower()]
    expect(bool(reboot), "a finding about the pending reboot "
           f"(rules: {', '.join(f.get('rule', '') for f in findings)})")
    live = {n: s for n, s in services.items() if s.get("source") == "live:services"}
    expect(len(live) >= 3, f"services from the live SCM: {len(live)}")
    for name in ("bits", "wuauserv", "msiserver", "rpcss", "eventlog"):
        s = services.get(name)
        if s is not None and s.get("source") == "live:services":
            print(f"       {s.get('name')}: state {s.get('state')}, start {s.get('start-type')},"
                  f" status {s.get('status')}")
            expect(s.get("state") in ("running", "stopped", "start-pending", "stop-pending",
                                      "paused"), f"{name} has a real state")
    expect(any(n.startswith("live:eventlog") for n in notes) or
           any(local(s.tag) == "source" and (s.get("path") or "").startswith("live:eventlog")
               for s in by_name.get("source", [])),
           "event logs: read, or a note saying why not")
    for n in notes:
        print(f"       note {n[:160]}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
