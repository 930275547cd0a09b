#!/usr/bin/env python3
# Checks po/POTFILES.in against the sources (STYLE.md, habit 9): every file
# with a translatable string is listed, every listed file exists and has
# one, and the list is sorted. Exit 1 with what is wrong.
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

C_MARKERS = re.compile(r'(?<![A-Za-z0-9_])(_|N_|C_|NC_|g_dngettext|ngettext)\s*\(')
UI_MARKER = re.compile(r'translatable="yes"')
DATA_MARKERS = re.compile(r'<(summary|description|name|caption|p|li)\b|^(Name|GenericName|Comment|Keywords)=', re.M)

# Sources a person never reads: test helpers and benchmarks are not
# shipped; marctl and the core are.
SCANNED = ["src", "ui", "data"]
SKIPPED_DIRS = {"demo", "gs1"}


def translatable(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith((".c", ".h", ".cpp")):
        # Strip comments so "_(" in prose does not count.
        text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        text = re.sub(r"//[^\n]*", "", text)
        return bool(C_MARKERS.search(text))
    if path.endswith(".ui"):
        return bool(UI_MARKER.search(text))
    if path.endswith((".desktop.in", ".metainfo.xml.in", ".gschema.xml")):
        return bool(DATA_MARKERS.search(text))
    return False


def sources():
    found = []
    for top in SCANNED:
        for folder, dirs, files in os.walk(os.path.join(ROOT, top)):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
            for name in files:
                path = os.path.join(folder, name)
                if translatable(path):
                    found.append(os.path.relpath(path, ROOT))
    return sorted(found)


def main():
    potfiles = os.path.join(ROOT, "po", "POTFILES.in")
    with open(potfiles, encoding="utf-8") as f:
        listed = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    problems = []
    if listed != sorted(listed):
        problems.append("po/POTFILES.in is not sorted")
    for path in listed:
        if not os.path.exists(os.path.join(ROOT, path)):
            problems.append(f"listed but missing: {path}")
    wanted = sources()
    for path in wanted:
        if path not in listed:
            problems.append(f"has translatable strings but is not listed: {path}")
    for path in listed:
        if os.path.exists(os.path.join(ROOT, path)) and path not in wanted:
            problems.append(f"listed but has no translatable string: {path}")
    for p in problems:
        print(p)
    print(f"{len(listed)} files listed, {len(wanted)} with translatable strings, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
