#!/usr/bin/env python3
"""check-readme.py WUDIAG SRC - the README's wudiag commands work as written:
every option the "Using it" synopsis shows is one the command's --help knows,
and the "History over time" commands run in order (with the built wudiag on
PATH, after the diagnosis scripts/quickstart makes), each exiting 0 or 3."""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def blocks(readme, heading):
    """The fenced code blocks of the section under `## heading`."""
    section = readme.split("\n## " + heading + "\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```[a-z]*\n(.*?)```", section, re.S)


def check_synopsis(exe, readme, errors):
    for line in blocks(readme, "Using it")[0].splitlines():
        words = line.split()
        if len(words) < 2 or words[0] != "wudiag":
            continue
        help_text = subprocess.run([exe, words[1], "--help"], capture_output=True,
                                   text=True).stdout
        if not help_text:
            errors.append(f"README shows 'wudiag {words[1]}', which has no --help")
        for opt in re.findall(r"(?<![\w-])--?[a-z][a-z-]*", line):
            if not re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])", help_text):
                errors.append(f"README shows 'wudiag {words[1]} {opt}', unknown to its --help")


def check_history(exe, src, readme, errors):
    tmp = tempfile.mkdtemp(prefix="wudiag-readme-")
    try:
        os.symlink(os.path.join(src, "examples"), os.path.join(tmp, "examples"))
        os.mkdir(os.path.join(tmp, "build"))
        bindir = os.path.join(tmp, "bin")
        os.mkdir(bindir)
        os.symlink(exe, os.path.join(bindir, "wudiag"))
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
                   XDG_DATA_HOME=os.path.join(tmp, "xdg"))
        # what scripts/quickstart leaves behind
        lines = ["wudiag diagnose --evidence examples/desktop-2kgm189 "
                 "--db build/example-history.db -o report.html"]
        lines += [ln.split("  #")[0].strip() for ln in blocks(readme, "History over time")[0]
                  .splitlines() if ln.strip()]
        script = ""
        for ln in lines:
            script += ln + "\n"
            if not ln.startswith("wudiag "):
                continue
            r = subprocess.run(["bash", "-c", script + "rc=$?; exit $rc"], cwd=tmp, env=env,
                               capture_output=True, text=True)
            if r.returncode not in (0, 3):
                errors.append(f"README command '{ln}' exited {r.returncode}: {r.stderr.strip()}")
            script = "\n".join(l for l in script.splitlines() if not l.startswith("wudiag ")) + "\n"
        if not os.path.isfile(os.path.join(tmp, "history.html")):
            errors.append("the README's history commands wrote no history.html")
    finally:
        shutil.rmtree(tmp)


def main():
    exe, src = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
    readme = open(os.path.join(src, "README.md"), encoding="utf-8").read()
    errors = []
    check_synopsis(exe, readme, errors)
    check_history(exe, src, readme, errors)
    if errors:
        sys.exit("check-readme: " + "\ncheck-readme: ".join(errors))
    print("check-readme: the README's synopsis and history commands work")


if __name__ == "__main__":
    main()
