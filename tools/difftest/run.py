#!/usr/bin/env python3
"""Differential testing of apigw-vtl against the reference oracle.

Generates random templates and bodies (gen.py: from the grammar; soup.py:
token soup), renders each with the reference oracle (Apache Velocity 1.7 +
Jayway JsonPath, ../shared/oracle) and with apigw-vtl, and reports every
disagreement, minimized.

Needs Java and the oracle (see ../shared/oracle/README.md); not part of CI.

usage: tools/difftest/run.py [--cases N] [--seed S] [--out DIR] [--minimize K]
   e.g. tools/difftest/run.py --cases 20000 --seed 1

It writes DIR/report.md (counts, and each disagreement with its minimized
form) and the generated suites with both expectations.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ORACLE = os.path.join(ROOT, "..", "shared", "oracle", "run-oracle.sh")

# Output the two engines cannot agree on by construction: Java identity hash
# codes (`[Ljava.lang.String;@1b6d3586`, `Object.hashCode()` of a Class).
NONDETERMINISTIC = re.compile(r"@[0-9a-f]{5,8}(?![0-9a-f])")


def run(cmd, **kw):
    return subprocess.run(cmd, check=False, capture_output=True, text=True, **kw)


def ensure_binary(binary):
    """Builds the release binary when `binary` does not exist."""
    if not os.path.exists(binary):
        r = run(["cargo", "build", "--release", "-q"], cwd=ROOT)
        if r.returncode != 0:
            sys.exit(r.stderr)


def write_report(out_dir, lines, total, disagreements):
    """Writes DIR/report.md and prints the one-line summary."""
    report = os.path.join(out_dir, "report.md")
    open(report, "w").write("\n".join(lines) + "\n")
    print(f"{total} cases, {disagreements} disagreements; report: {report}")


def oracle_fill(src, dst_dir):
    r = run([ORACLE, "--out", dst_dir, src])
    if r.returncode != 0:
        sys.exit("oracle failed: " + r.stderr)
    return json.load(open(os.path.join(dst_dir, os.path.basename(src))))


def ours_fill(src, binary):
    """Our results, via `apigw-vtl test --update` on a copy without expectations."""
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, os.path.basename(src))
        suite = json.load(open(src))
        for c in suite["cases"]:
            c.pop("expect", None)
        json.dump(suite, open(p, "w"), indent=1)
        run([binary, "test", "--update", p])
        return json.load(open(p))


def normalize(expect):
    if expect is None:
        return None
    e = dict(expect)
    e.pop("message", None)
    if "error" in e:
        # The case format knows parse and eval; a limit counts as eval.
        return {"error": "eval" if e["error"] == "limit" else e["error"]}
    if isinstance(e.get("body"), str):
        e["body"] = NONDETERMINISTIC.sub("@HASH", e["body"])
    return e


def agree(a, b):
    return normalize(a) == normalize(b)


def render_one(binary, template, inp):
    """Both engines on one case: (oracle expect, our expect)."""
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "m.json")
        json.dump({"suite": "m", "cases": [{"name": "m", "template": template, "input": inp}]}, open(p, "w"))
        o = oracle_fill(p, os.path.join(d, "o"))["cases"][0]["expect"]
        u = ours_fill(p, binary)["cases"][0].get("expect")
        return o, u


def minimize(binary, case, budget=40):
    """Shrinks a disagreeing template by deleting chunks while the two
    engines still disagree (a simple ddmin, `budget` oracle runs at most)."""
    t = case["template"]
    inp = case["input"]
    n = 2
    runs = 0
    while len(t) > 1 and runs < budget:
        chunk = max(1, len(t) // n)
        shrunk = False
        for i in range(0, len(t), chunk):
            cand = t[:i] + t[i + chunk:]
            if not cand:
                continue
            runs += 1
            o, u = render_one(binary, cand, inp)
            if not agree(o, u):
                t = cand
                n = max(n - 1, 2)
                shrunk = True
                break
            if runs >= budget:
                break
        if not shrunk:
            if chunk == 1:
                break
            n = min(n * 2, len(t))
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="target/difftest")
    ap.add_argument("--minimize", type=int, default=20, help="disagreements to minimize")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "apigw-vtl"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    ensure_binary(args.binary)
    per_suite = 1000
    suites = []
    for k in range((args.cases + per_suite - 1) // per_suite):
        seed = args.seed * 1000 + k
        kind = ["gen", "gen-schmoo", "soup"][k % 3]
        script = "soup.py" if kind == "soup" else "gen.py"
        extra = ["--schmoo"] if kind == "gen-schmoo" else []
        n = min(per_suite, args.cases - k * per_suite)
        path = os.path.join(args.out, f"{kind}-{seed}.json")
        with open(path, "w") as f:
            subprocess.run([sys.executable, os.path.join(HERE, script), str(n), str(seed)] + extra, stdout=f, check=True)
        suites.append(path)
    total = 0
    disagreements = []
    artifacts = 0
    for path in suites:
        oracle = oracle_fill(path, os.path.join(args.out, "oracle"))
        ours = ours_fill(path, args.binary)
        for oc, uc in zip(oracle["cases"], ours["cases"]):
            total += 1
            o, u = oc["expect"], uc.get("expect")
            if agree(o, u):
                if normalize(o) != o or (u and normalize(u) != u):
                    artifacts += 1
                continue
            disagreements.append((os.path.basename(path), oc, o, u))
    lines = [
        "# Differential testing against the reference oracle",
        "",
        f"{total} generated cases; {total - len(disagreements)} agree, {len(disagreements)} disagree.",
        f"({artifacts} agreeing cases differ only in Java identity hash codes, which cannot be reproduced.)",
        "",
    ]
    for i, (suite, case, o, u) in enumerate(disagreements):
        lines.append(f"## {suite} :: {case['name']}")
        lines.append("")
        lines.append("template: `" + json.dumps(case["template"]) + "`")
        if i < args.minimize:
            lines.append("minimized: `" + json.dumps(minimize(args.binary, case)) + "`")
        lines.append("oracle: `" + json.dumps(o) + "`")
        lines.append("ours:   `" + json.dumps(u) + "`")
        lines.append("")
    write_report(args.out, lines, total, len(disagreements))


if __name__ == "__main__":
    main()
