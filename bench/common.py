"""Shared helpers of the wudiag benchmarks: locating the binaries, timing a
command (best of N wall-clock runs) and measuring its peak RSS. Benchmarks
compare against their anchors in the same run and print ratios."""
import os
import resource
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# the real logs copied into the tree; $WUDIAG_CORPUS names another copy
CORPUS = os.environ.get("WUDIAG_CORPUS", os.path.join(ROOT, "tests", "data", "corpus"))


def program(env, rel, hint):
    """A built program: $env when set, else ROOT/rel; exits with hint when missing."""
    path = os.environ.get(env, os.path.join(ROOT, rel))
    if not os.access(path, os.X_OK):
        sys.exit(f"bench: no {os.path.basename(rel)} at {path}; {hint} or set {env}")
    return path


def wudiag():
    """The wudiag binary: $WUDIAG, else build/cli/wudiag (built by scripts/quickstart)."""
    return program("WUDIAG", os.path.join("build", "cli", "wudiag"),
                   "build it first (scripts/quickstart)")


def need(tool, package):
    if not shutil.which(tool):
        sys.exit(f"bench: {tool} is missing; run scripts/install-deps (package {package})")


def run(cmd, stdout=subprocess.DEVNULL, ok_codes=(0,)):
    """Runs cmd once; returns (seconds, peak RSS in KiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok_codes:
        err = proc.stderr.read().decode(errors="replace")
        sys.exit(f"bench: {' '.join(cmd)} exited {code}: {err}")
    proc.stderr.close()
    return elapsed, usage.ru_maxrss


def best(cmd, repeat=3, before=None, **kw):
    """Best wall time of `repeat` runs (before() runs untimed before each)."""
    times = []
    rss = 0
    for _ in range(repeat):
        if before:
            before()
        t, r = run(cmd, **kw)
        times.append(t)
        rss = max(rss, r)
    return min(times), rss


def report(name, ours, anchor, bar, higher_is_worse=True):
    """Prints one comparison line and returns True when the bar is met."""
    ratio = ours / anchor if anchor else float("inf")
    ok = ratio <= bar if higher_is_worse else ratio >= bar
    print(f"{name:58s} {ours:9.3f} vs {anchor:9.3f}  ratio {ratio:6.2f}  "
          f"(bar {'<=' if higher_is_worse else '>='} {bar})  {'OK' if ok else 'MISSED'}")
    return ok
