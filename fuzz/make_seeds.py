#!/usr/bin/env python3
"""Writes the seed corpora fuzz/seeds/<target>/ from the conformance corpus
(tests/conformance), the examples and the regex table (src/java/gen/regex_cases.txt).

Run from the repository root: python3 fuzz/make_seeds.py
Seed names are content hashes, so reruns are stable and duplicates collapse."""

import glob
import hashlib
import json
import os
import re
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = os.path.join(ROOT, "fuzz", "seeds")
MAX_SEED = 4096  # bytes: keep the corpora small


def write(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_SEED:
        return
    d = os.path.join(SEEDS, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def template_cases():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/conformance/template/*.json"))):
        with open(path, encoding="utf-8") as f:
            suite = json.load(f)
        for case in suite.get("cases", []):
            if "template" in case:
                yield case


def gateway_cases():
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/conformance/gateway/*.json"))):
        with open(path, encoding="utf-8") as f:
            suite = json.load(f)
        for case in suite.get("cases", []):
            yield case


def body_text(body):
    if body is None:
        return ""
    if isinstance(body, str):
        return body
    return json.dumps(body)


# Quoted arguments of $input.path / $input.json (single or double quotes).
PATH_ARG = re.compile(r"""\$input\.(?:path|json)\(\s*(['"])(.*?)\1\s*\)""")
# Regex arguments of String.matches/replaceAll/replaceFirst/split.
REGEX_ARG = re.compile(r"""\.(?:matches|replaceAll|replaceFirst|split)\(\s*(['"])(.*?)\1""")


def unesc(s):
    """The escapes of regex_cases.txt (t n r backslash uXXXX)."""
    out, i = [], 0
    while i < len(s):
        c = s[i]
        if c == "\\" and i + 1 < len(s):
            n = s[i + 1]
            i += 2
            if n == "t":
                out.append("\t")
            elif n == "n":
                out.append("\n")
            elif n == "r":
                out.append("\r")
            elif n == "\\":
                out.append("\\")
            elif n == "u":
                out.append(chr(int(s[i:i + 4], 16)))
                i += 4
            else:
                out.append("\\" + n)
        else:
            out.append(c)
            i += 1
    # Lone surrogates (\ud83d\ude00) cannot be UTF-8: join pairs, drop the rest.
    return "".join(out).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def main():
    if os.path.isdir(SEEDS):
        shutil.rmtree(SEEDS)
    regexes = []
    for case in template_cases():
        tpl = case["template"]
        inp = case.get("input") or {}
        body = body_text(inp.get("body"))
        write("parse", tpl)
        write("render", tpl.encode() + b"\0" + body.encode() + b"\0")
        for m in PATH_ARG.finditer(tpl):
            write("jsonpath", m.group(2).encode() + b"\0" + body.encode())
        for m in REGEX_ARG.finditer(tpl):
            regexes.append((m.group(2), body[:200] or "a1 b2", "$0"))
    for case in gateway_cases():
        write("gateway", json.dumps(case, indent=1, ensure_ascii=False))
        integ = case.get("integration") or {}
        for r in integ.get("responses") or []:
            pat = r.get("selectionPattern")
            if pat:
                msg = ((case.get("lambda") or {}).get("error") or {}).get("errorMessage")
                regexes.append((pat, msg if isinstance(msg, str) else "x", ""))
            for tpl in (r.get("responseTemplates") or {}).values():
                if tpl:
                    write("parse", tpl)
                    body = json.dumps((case.get("lambda") or {}).get("result")
                                      or (case.get("lambda") or {}).get("error") or {})
                    write("render", tpl.encode() + b"\0" + body.encode() + b"\0")
        for tpl in (integ.get("requestTemplates") or {}).values():
            if tpl:
                write("parse", tpl)
    with open(os.path.join(ROOT, "src/java/gen/regex_cases.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            if len(fields) < 3:
                continue
            kind, pat, subject = fields[0], unesc(fields[1]), unesc(fields[2])
            arg = unesc(fields[3]) if len(fields) > 3 else ""
            regexes.append((pat, subject, arg if kind in "RP" else "$0"))
    for pat, subject, repl in regexes:
        # First byte: the split limit + 2 (0 -> limit -2, 2 -> 0, 3 -> 1).
        for limit in (2, 4):
            write("java_regex", bytes([limit]) + pat.encode() + b"\0" + subject.encode()
                  + b"\0" + repl.encode())
    for target in sorted(os.listdir(SEEDS)):
        print(target, len(os.listdir(os.path.join(SEEDS, target))))


if __name__ == "__main__":
    main()
