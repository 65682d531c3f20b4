#!/usr/bin/env python3
"""Writes a large CBS.log of distinct, realistic lines for timing the CBS.log
reader (bench_collect OUT.log, bench/collect.c): TrustedInstaller starts, Windows Update
sessions that install cumulative updates (some failing 0x800f0922, some
needing a restart), Info lines carrying HRESULTs, CSI noise, SFC runs in
batches of 100 components with a few files it cannot repair, and DISM
corruption summaries. Every line differs (times, CSI sequence numbers,
session ids, versions). Usage: gen_cbslog.py OUT.log SIZE_MB [SEED]"""
import random
import sys
from datetime import datetime, timedelta

LEVEL = "{:<22}"


def writer(out):
    state = {"t": datetime(2023, 1, 2, 8, 0, 0), "csi": 0}

    def line(level, source, msg, step=0):
        state["t"] += timedelta(seconds=step)
        stamp = state["t"].strftime("%Y-%m-%d %H:%M:%S")
        out.write(f"{stamp}, {LEVEL.format(level)}{source:<7}{msg}\r\n")

    def csi(msg, level="Info", step=0):
        state["csi"] = (state["csi"] + 1) & 0xFFFFFFFF
        line(level, "CSI", f"{state['csi']:08x} {msg}", step)

    return line, csi, state


def startup(line, csi, state, rnd, build):
    state["csi"] = 0
    line("Info", "CBS", "TI: --- Initializing Trusted Installer ---", 40)
    line("Info", "CBS", "Starting TrustedInstaller initialization.")
    line("Info", "CBS", "Starting TiWorker initialization.", 1)
    line("Info", "CBS", "TiWorker starts successfully.")
    ssu = rnd.randint(2000, 3999)
    line("Info", "CBS", f"Loaded Servicing Stack v10.0.{build}.{ssu} with Core: C:\\Windows\\winsxs\\"
         f"amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.{build}.{ssu}_none_"
         f"{rnd.getrandbits(64):016x}\\cbscore.dll")
    csi(f"WcpInitialize: wcp.dll version 10.0.{build}.{ssu} (WinBuild.160101.0800)")
    line("Info", "CBS", f"Failed to initialize onesettings. [HRESULT = 0x80070002 - ERROR_FILE_NOT_FOUND]")


def wu_session(line, csi, state, rnd, build, ubr, n):
    sid = f"{31030000 + n // 7}_{rnd.getrandbits(32)}"
    kb = f"KB50{rnd.randint(10000, 99999)}"
    pkg = f"Package_for_RollupFix~31bf3856ad364e35~amd64~~{build}.{ubr}.1.{rnd.randint(1, 12)}"
    line("Info", "CBS", f"Session: {sid} initialized by client UpdateAgentLCU, external staging "
         f"directory: (null), external registry directory: (null)", 2)
    line("Info", "CBS", f"Exec: Processing started.  Client: UpdateAgentLCU, Session: {sid}, "
         f"Package: {pkg}, Identifier: {kb}")
    for i in range(rnd.randint(20, 60)):
        r = rnd.random()
        if r < 0.3:
            line("Info", "CBS", f"Failed to get session package state for {sid}.{i} "
                 f"[HRESULT = 0x80070490 - ERROR_NOT_FOUND]")
        elif r < 0.5:
            line("Info", "CBS", f"Appl: Evaluating package applicability for package "
                 f"Package_{i}_for_{kb}~31bf3856ad364e35~amd64~~{build}.{ubr}.1.{i}, "
                 f"applicable state: Installed")
        else:
            csi(f"Direct SIL provider: Number of files opened: {rnd.randint(1, 9)}.")
    r = rnd.random()
    hr = "0x800f0922 - CBS_E_INSTALLERS_FAILED" if r < 0.1 else "0x00000000 - S_OK"
    if r < 0.1:
        line("Error", "CBS", f"Failed to execute execution chain. [HRESULT = {hr}]", 30)
    line("Info", "CBS", f"Exec: Processing complete.  Session: {sid}, Package: {pkg}, "
         f"Identifier: {kb} [HRESULT = {hr}]", 1)
    reboot = "yes" if r > 0.7 else "no"
    line("Info", "CBS", f"Session: {sid} finalized. Reboot required: {reboot} [HRESULT = {hr}]")


def sfc_run(line, csi, state, rnd, build, ubr):
    line("Info", "CBS", "TiWorker: Client requests SFP repair object.", 5)
    for b in range(rnd.randint(20, 80)):
        csi("[SR] Verifying 100 components", step=1)
        csi("[SR] Beginning Verify and Repair transaction")
        if rnd.random() < 0.02:
            name = f"file{rnd.getrandbits(24):06x}.dll"
            spec = (f"[l:{len(name)}]'{name}' of Microsoft-Windows-Component{b}, version "
                    f"10.0.{build}.{ubr}, arch amd64, nonSxS, pkt {{l:8 b:31bf3856ad364e35}}")
            csi(f"[SR] Cannot repair member file {spec} in the store, hash mismatch")
            csi(f"[SR] Could not reproject corrupted file \\??\\C:\\Windows\\System32\\\\{name}; "
                f"source file in store is also corrupted")
        csi("[SR] Verify complete")
    csi("[SR] Repairing 0 components", step=1)
    csi("[SR] Beginning Verify and Repair transaction")
    csi("[SR] Repair complete")


def summary(line, rnd, repair):
    line("Info", "CBS", "Checking System Update Readiness.", 60)
    found = rnd.choice([0, 0, 0, rnd.randint(1, 9)])
    line("Info", "CBS", "Summary:")
    line("Info", "CBS", "Operation: " + ("Detect and Repair " if repair else "Detect only "))
    line("Info", "CBS", "Operation result: 0x0")
    line("Info", "CBS", f"Total Detected Corruption:\t{found}")
    line("Info", "CBS", f"Total Repaired Corruption:\t{found if repair else 0}")
    line("Info", "CBS", f"Total Operation Time: {rnd.randint(30, 900)} seconds.")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    limit = int(float(sys.argv[2]) * 1024 * 1024)
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    build, ubr = 19045, 2000
    with open(sys.argv[1], "w", encoding="utf-8", newline="") as out:
        line, csi, state = writer(out)
        n = 0
        while out.tell() < limit:
            startup(line, csi, state, rnd, build)
            for _ in range(rnd.randint(3, 10)):
                n += 1
                ubr += 1
                wu_session(line, csi, state, rnd, build, ubr, n)
            if rnd.random() < 0.3:
                sfc_run(line, csi, state, rnd, build, ubr)
            if rnd.random() < 0.3:
                summary(line, rnd, rnd.random() < 0.5)


if __name__ == "__main__":
    main()
