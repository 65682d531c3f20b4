#!/usr/bin/env python3
"""check-self-contained.py SRC CORPUS_DIR [OVERRIDE] - a clone tests itself
with nothing beside it. Fails loudly when
  - a file of the tree (other than Markdown prose) names the team's folder
    beside the checkout as a path;
  - the tests read their real logs from outside the tree without OVERRIDE
    (the WUDIAG_CORPUS_DIR the build was configured with) asking for it;
  - a test or e2e case names a corpus file that is not in CORPUS_DIR;
  - a file under tests/data/corpus is read by no test (keep the tree lean),
    or a folder there has no licence text or no line in tests/data/SOURCES.md."""
import os
import re
import subprocess
import sys

# the upstream folders of the team's corpus (tests/data/SOURCES.md)
FOLDERS = ["omerbenamram-evtx-samples", "python-evtx-tests", "plaso-test-data",
           "velocidex-evtx-testdata", "evtx-to-mitre-attack-cc0", "debajyati-logparsing",
           "logjoint-wu-legacy-excerpt", "pswindowsupdate-help-examples"]
# built by concatenation so that this file does not match itself
SHARED = re.compile(r"\.\./" + "shared\\b|/work/" + "shared\\b|['\"]\\.\\.['\"]\\s*,\\s*['\"]"
                    + "shared['\"]")


def tree_files(src):
    if os.path.isdir(os.path.join(src, ".git")) or os.path.isfile(os.path.join(src, ".git")):
        out = subprocess.run(["git", "-c", "safe.directory=*", "-C", src, "ls-files", "-co",
                              "--exclude-standard"], capture_output=True, text=True)
        if out.returncode == 0:
            return [f for f in out.stdout.splitlines() if os.path.isfile(os.path.join(src, f))]
    files = []
    for d, dirs, names in os.walk(src):
        dirs[:] = [x for x in dirs if not x.startswith(("build", ".git"))]
        files += [os.path.relpath(os.path.join(d, n), src) for n in names]
    return files


def text(src, rel):
    try:
        with open(os.path.join(src, rel), encoding="utf-8") as f:
            return f.read()
    except (UnicodeDecodeError, OSError):
        return None


def corpus_refs(src, files):
    """{corpus-relative path: first file naming it} from tests and e2e cases."""
    refs = {}
    literal = re.compile(r'"((?:%s|\.\./reference)/[^"]+)"' % "|".join(map(re.escape, FOLDERS)))
    for rel in files:
        if not rel.startswith("tests/") or rel.startswith("tests/data/"):
            continue
        body = text(src, rel)
        if body is None:
            continue
        if rel.endswith(".c"):
            body = re.sub(r'"\s*\n\s*"', "", body)  # adjacent literals are one string
            for m in literal.finditer(body):
                refs.setdefault(m.group(1), rel)
        for m in re.finditer(r"\{corpus\}/(\S+)", body):
            refs.setdefault(m.group(1), rel)
    return refs


def main():
    src, corpus = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
    override = sys.argv[3] if len(sys.argv) > 3 else ""
    errors = []
    files = tree_files(src)
    for rel in files:
        if rel.endswith(".md") or rel.startswith("tests/data/"):
            continue
        body = text(src, rel)
        for n, line in enumerate((body or "").splitlines(), 1):
            if SHARED.search(line):
                errors.append(f"{rel}:{n} names the folder beside the checkout: {line.strip()}")
    if not override and not (corpus + os.sep).startswith(src + os.sep):
        errors.append(f"the tests read their logs from {corpus}, outside the tree")
    refs = corpus_refs(src, files)
    for path, where in sorted(refs.items()):
        if not os.path.isfile(os.path.join(corpus, path)):
            errors.append(f"{where} reads {path}, which is not in {corpus}: copy it into "
                          "tests/data/corpus with its licence (tests/data/SOURCES.md)")
    data = os.path.join(src, "tests", "data", "corpus")
    sources = text(src, "tests/data/SOURCES.md") or ""
    for folder in sorted(os.listdir(data)) if os.path.isdir(data) else []:
        names = os.listdir(os.path.join(data, folder))
        if not any(n.upper().startswith("LICENSE") for n in names):
            errors.append(f"tests/data/corpus/{folder} has no LICENSE file")
        if f"`corpus/{folder}/`" not in sources:
            errors.append(f"tests/data/SOURCES.md has no line for corpus/{folder}/")
        for n in names:
            if n.upper().startswith("LICENSE") or n == "readme.md":
                continue
            if f"{folder}/{n}" not in refs:
                errors.append(f"no test reads tests/data/corpus/{folder}/{n}: remove it")
    if errors:
        sys.exit("check-self-contained: " + "\ncheck-self-contained: ".join(errors))
    print(f"check-self-contained: {len(files)} files, {len(refs)} corpus files read, all in {corpus}")


if __name__ == "__main__":
    main()
