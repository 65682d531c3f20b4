#!/usr/bin/env python3
"""compare-reports.py - checks that two wudiag XML reports of the same evidence
(one from the Linux build, one from wudiag.exe under Wine) agree on the
findings, the updates with their state, the services and the timeline of
activities; run metadata (the run element) is ignored.

usage: compare-reports.py LINUX.xml WINDOWS.xml   (exit 0 same, 1 different)
"""
import sys
import xml.etree.ElementTree as ET

SECTIONS = ("findings", "updates", "services", "timeline")


def local(tag):
    return tag.rsplit("}", 1)[-1]


def canon(elem):
    """A comparable text form of an element: tag, sorted attributes, text, children."""
    attrs = " ".join(f'{local(k)}="{v}"' for k, v in sorted(elem.attrib.items()))
    text = (elem.text or "").strip()
    inner = "".join(canon(c) for c in elem)
    return f"<{local(elem.tag)} {attrs}>{text}{inner}</{local(elem.tag)}>"


def sections(path):
    root = ET.parse(path).getroot()
    found = {}
    for child in root:
        name = local(child.tag)
        if name in SECTIONS:
            found[name] = [canon(c) for c in child]
    return found


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    a, b = sections(sys.argv[1]), sections(sys.argv[2])
    bad = 0
    for name in SECTIONS:
        left, right = a.get(name), b.get(name)
        if left is None or right is None:
            print(f"compare-reports: section {name} missing in "
                  f"{'the Linux' if left is None else 'the Windows'} report")
            bad += 1
            continue
        if left == right:
            print(f"compare-reports: {name}: {len(left)} entries, identical")
            continue
        bad += 1
        print(f"compare-reports: {name} differ ({len(left)} Linux, {len(right)} Windows)")
        for item in sorted(set(left) - set(right))[:5]:
            print(f"  only Linux:   {item[:300]}")
        for item in sorted(set(right) - set(left))[:5]:
            print(f"  only Windows: {item[:300]}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
