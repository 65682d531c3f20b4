#!/usr/bin/env python3
"""check-manpage.py WUDIAG MANPAGE - wudiag(1) documents what the built wudiag
does: a .SS section for every command `wudiag --help` lists, every option of
`wudiag <command> --help` in that command's section, every exit code the
commands name under EXIT STATUS, and groff reads the page without a warning.
A new command or option without its manual entry fails here."""
import re
import subprocess
import sys

OPTION = re.compile(r"(?:^|(?<=[\s\[,(|]))(--?[a-z][a-z-]*)")


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=False)


def commands(exe):
    out = run(exe, "--help").stdout
    block = out.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in block.splitlines() if line.startswith("  ")]


def sections(page, macro):
    """{title: text} of the .SH or .SS sections."""
    parts = re.split(r"^\.(SH|SS) +(.*)$", page, flags=re.M)
    out = {}
    for i in range(1, len(parts) - 2, 3):
        if parts[i] == macro:
            out[parts[i + 1].strip().strip('"')] = parts[i + 2]
    return out


def roff(opt):
    return re.escape(opt.replace("-", "\\-")) + r"(?![a-z]|\\-)"


def main():
    exe, path = sys.argv[1], sys.argv[2]
    page = open(path, encoding="utf-8").read()
    errors = []
    lint = run("groff", "-man", "-Tutf8", "-ww", "-z", path)
    if lint.returncode or lint.stderr.strip():
        errors.append(f"groff warns about {path}:\n{lint.stderr}")
    verbs = sections(page, "SS")
    codes = set()
    for verb in commands(exe):
        help_text = run(exe, verb, "--help").stdout
        codes |= set(re.findall(r"\b(\d) [a-z]", help_text.split("exit codes:", 1)[-1]))
        if verb not in verbs:
            errors.append(f"no '.SS {verb}' section for the command '{verb}'")
            continue
        if not re.search(r"\\fBwudiag " + verb + r"\\fR", sections(page, "SH")["SYNOPSIS"]):
            errors.append(f"SYNOPSIS does not show 'wudiag {verb}'")
        for opt in sorted(set(OPTION.findall(help_text)) - {"--help"}):
            if not re.search(roff(opt), verbs[verb]):
                errors.append(f"'{verb} {opt}' (in its --help) is not in the '.SS {verb}' section")
    exits = set(re.findall(r"^\.B (\d)$", sections(page, "SH").get("EXIT STATUS", ""), re.M))
    for code in sorted(codes - exits):
        errors.append(f"exit code {code} (named by a command's --help) is not under EXIT STATUS")
    for need in ("EVIDENCE", "FILES", "ENVIRONMENT", "EXAMPLES"):
        if need not in sections(page, "SH"):
            errors.append(f"no .SH {need}")
    if errors:
        sys.exit("check-manpage: " + "\ncheck-manpage: ".join(errors))
    print(f"check-manpage: {len(commands(exe))} commands, exit codes {sorted(codes)}: documented")


if __name__ == "__main__":
    main()
