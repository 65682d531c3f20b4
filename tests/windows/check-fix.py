#!/usr/bin/env python3
"""check-fix.py - checks the journal `wudiag.exe fix` wrote under Wine (the
fix_run and fix_step tables of the history database) after each stage of
wine-fix.sh: what each step did, its state before and after, its result,
what undoes it, and that nothing is left marked running.

usage: check-fix.py DB STAGE   (exit 0 when every check holds)
STAGE: none | fixed | undo-partial | undo-force | failed | interrupted
"""
import os
import sqlite3
import sys

problems = []


def expect(cond, what):
    print(("  ok   " if cond else "  FAIL ") + what)
    if not cond:
        problems.append(what)


def rows(db, sql, *args):
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute(sql, args)]


def runs(db):
    return rows(db, "SELECT * FROM fix_run ORDER BY id")


def steps(db, run):
    return rows(db, "SELECT * FROM fix_step WHERE run_id = ? ORDER BY seq", run)


def find(st, action, target=None):
    return [s for s in st if s["action"] == action and
            (target is None or (s["target"] or "").lower().endswith(target.lower()))]


def order_of(st, action, names):
    seen = [s["target"] for s in st if s["action"] == action and s["target"] in names]
    return seen


def stage_none(db):
    expect(len(runs(db)) == 0, "no fix run was journaled")


def stage_fixed(db):
    r = runs(db)
    expect(len(r) == 1, f"one fix run ({len(r)})")
    run = r[-1]
    expect(run["kind"] == "fix" and run["state"] == "done", f"run kind/state {run['kind']}/{run['state']}")
    expect(run["snapshot_id"] and run["after_snapshot_id"]
           and run["after_snapshot_id"] > run["snapshot_id"],
           "run names the diagnosis before and the one after")
    expect(run["ended_at"] and run["pid"] > 0, "run has an end and a process id")
    st = steps(db, run["id"])
    for s in st:
        print(f"       {s['step']}. {s['fix']:17} {s['action']:15} {s['target'] or '':45} "
              f"{s['before'] or '':24} -> {s['after'] or '':24} {s['result']}")
    expect(all(s["result"] != "running" and s["ended_at"] for s in st), "every step ended")
    ss = find(st, "set-start-type", "wuauserv")
    expect(len(ss) == 1 and ss[0]["result"] == "done" and ss[0]["before"] == "stopped/disabled"
           and ss[0]["after"].endswith("/manual") and ss[0]["undo"] == "disabled",
           "wuauserv set from disabled to manual, undo 'disabled'")
    reset = [s for s in st if s["fix"] == "reset-components"]
    stopped = order_of(reset, "stop-service", ["UsoSvc", "wuauserv", "BITS", "CryptSvc"])
    expect([n for n in ["UsoSvc", "wuauserv", "BITS", "CryptSvc"] if n in stopped] == stopped
           and {"UsoSvc", "wuauserv", "CryptSvc"} <= set(stopped),
           f"reset: stopped in the documented order UsoSvc, wuauserv, BITS, CryptSvc ({stopped})")
    expect(order_of(reset, "start-service", ["UsoSvc", "wuauserv", "BITS", "CryptSvc"])
           == ["CryptSvc", "BITS", "wuauserv", "UsoSvc"],
           "reset: started again as documented: CryptSvc, BITS, wuauserv, UsoSvc")
    restart = [s for s in st if s["fix"] == "restart-services"]
    expect(order_of(restart, "stop-service", ["UsoSvc", "wuauserv"]) == ["UsoSvc", "wuauserv"],
           "restart-services: UsoSvc stopped before wuauserv")
    for name in ("SoftwareDistribution", "catroot2"):
        rn = find(st, "rename-folder", name)
        expect(len(rn) == 1 and rn[0]["result"] == "done" and rn[0]["undo"] == rn[0]["target"]
               and ".wudiag-" in (rn[0]["after"] or ""),
               f"{name} renamed to {rn[0]['after'] if rn else '?'}, undo names the old path")
    stops = find(st, "stop-service")
    expect(all(s["before"].startswith("running") and s["after"].startswith("stopped")
               for s in stops), "every stop: running before, stopped after")


def last_run(db, kind):
    r = [x for x in runs(db) if x["kind"] == kind]
    return r[-1] if r else None


def stage_undo_partial(db):
    run = last_run(db, "undo")
    expect(run is not None and run["state"] == "stopped" and run["undoes"] == 1,
           f"undo run of run 1, stopped ({run and run['state']})")
    st = steps(db, run["id"])
    refused = [s for s in st if s["result"] == "refused"]
    expect(len(refused) == 1 and "has files again" in (refused[0]["message"] or ""),
           "the SoftwareDistribution reversal was refused: the new folder has files")
    fixed = steps(db, 1)
    cat = find(fixed, "rename-folder", "catroot2")[0]
    sd = find(fixed, "rename-folder", "SoftwareDistribution")[0]
    ss = find(fixed, "set-start-type", "wuauserv")[0]
    expect(cat["undone_by"] and not sd["undone_by"] and ss["undone_by"],
           "catroot2 and the start type are marked undone, SoftwareDistribution not")
    back = [s for s in st if s["id"] == ss["undone_by"]]
    expect(back and back[0]["action"] == "set-start-type" and back[0]["after"].endswith("/disabled"),
           "the start type was set back to disabled")


def stage_undo_force(db):
    run = last_run(db, "undo")
    expect(run is not None and run["state"] == "done", f"the forced undo run is done ({run and run['state']})")
    st = steps(db, run["id"])
    aside = [s for s in find(st, "rename-folder", "SoftwareDistribution")
             if s["after"] and s["after"].endswith("-new")]
    expect(len(aside) == 1, "the new SoftwareDistribution was moved aside (renamed, not deleted)")
    fixed = steps(db, 1)
    expect(all(s["undone_by"] for s in fixed if s["undo"] and s["result"] == "done"),
           "every reversible step of run 1 is now undone")


def stage_failed(db):
    run = [x for x in runs(db) if x["kind"] == "fix"][-1]
    expect(run["state"] == "stopped" and "UsoSvc" in (run["message"] or ""),
           f"the run stopped, saying why: {run['message']}")
    st = steps(db, run["id"])
    stop = find(st, "stop-service", "UsoSvc")
    expect(stop and stop[0]["result"] == "failed" and stop[0]["error"] == 1053
           and "did not stop" in stop[0]["message"] and "By hand" in stop[0]["message"],
           "the stop of UsoSvc failed with 1053, the message says what to do by hand")
    later = [s for s in st if s["fix"] == "reset-components"]
    expect(later and all(s["result"] == "skipped" and "stopped before" in (s["message"] or "")
                         for s in later),
           "reset-components was not carried out: the plan stopped before it")
    expect(len([x for x in runs(db) if x["state"] == "running"]) == 0,
           "the refused second run left no run behind")


def stage_interrupted(db):
    r = [x for x in runs(db) if x["kind"] == "fix"]
    killed = [x for x in r if x["state"] == "interrupted"]
    expect(len(killed) == 1 and "process ended" in (killed[0]["message"] or ""),
           "the killed run is marked interrupted by the next one")
    if killed:
        st = steps(db, killed[0]["id"])
        expect(any(s["result"] == "running" for s in st),
               "its step that was under way is still marked running (begun, outcome unknown)")
    expect(r[-1]["id"] > killed[0]["id"] if killed else False, "a new run started after it")


def main():
    if sys.argv[2] == "none" and not os.path.exists(sys.argv[1]):
        expect(True, "no fix run was journaled (the database was not even created)")
        return 0
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    {"none": stage_none, "fixed": stage_fixed, "undo-partial": stage_undo_partial,
     "undo-force": stage_undo_force, "failed": stage_failed,
     "interrupted": stage_interrupted}[sys.argv[2]](db)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
