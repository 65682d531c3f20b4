#!/usr/bin/env python3
"""check_report_json.py - checks a wudiag JSON report (--format json).

usage: check_report_json.py SCHEMA REPORT.json [REPORT.xml]

Validates REPORT.json against SCHEMA (templates/report.schema.json, JSON
Schema draft 2020-12, with Debian's python3-jsonschema). Given the XML report
of the same snapshot, also checks that both hold the same values: every
attribute and text of the XML is a value of the JSON and the other way round
(the time each was generated aside). Exit 0 when all holds, 1 otherwise."""
import collections
import json
import sys
import xml.etree.ElementTree as ET

from jsonschema import Draft202012Validator

SKIP = {"generated"}  # differs between two runs


def json_values(v, key, out):
    if key in SKIP:
        return
    if isinstance(v, dict):
        for k, x in v.items():
            json_values(x, k, out)
    elif isinstance(v, list):
        for x in v:
            json_values(x, key, out)
    elif isinstance(v, bool):
        out["true" if v else "false"] += 1
    else:
        out[str(v)] += 1


def xml_values(el, out):
    if el.tag.split("}")[-1] in SKIP:
        return
    for k, v in el.attrib.items():
        if k not in SKIP:  # an attribute too (the history's generated)
            out[v] += 1
    if el.text is not None and (len(el) == 0 and el.text != ""):
        out[el.text] += 1
    for child in el:
        xml_values(child, out)


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    with open(argv[2], encoding="utf-8") as f:
        report = json.load(f)
    errors = sorted(Draft202012Validator(schema).iter_errors(report), key=lambda e: list(e.path))
    for e in errors[:20]:
        print("%s: %s: %s" % (argv[2], "/".join(map(str, e.path)), e.message), file=sys.stderr)
    if errors:
        return 1
    if len(argv) == 4:
        j, x = collections.Counter(), collections.Counter()
        json_values(report, None, j)
        xml_values(ET.parse(argv[3]).getroot(), x)
        if j != x:
            for v, n in ((j - x) + (x - j)).most_common(20):
                print("only in the %s: %r (%d)" % ("JSON" if j[v] > x[v] else "XML", v, n),
                      file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
