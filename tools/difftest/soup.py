#!/usr/bin/env python3
"""Random "token soup" templates: fragments of VTL syntax glued at random, to
compare how the parser accepts, rejects and renders malformed input.
usage: soup.py N SEED > suite.json"""
import json, random, sys
FRAGS = ['""', "''", '"a""b"', '$', '$!', '#', '\\', '\\\\', '{', '}', '(', ')', '[', ']', '.', '..', ',', ':', '"', "'", ' ', '  ',
 '\t', '\n', '\r\n', 'a', 'b', 'x1', 'foo', 'set', 'if', 'else', 'elseif', 'end', 'foreach', 'stop', 'break', 'macro', 'define',
 'true', 'false', 'and', 'or', 'not', 'eq', '==', '!=', '<', '>', '!', '=', '&&', '||', '+', '-', '*', '/', '%', '1', '23', '-4',
 '1.5', '*#', '##', '#*', '#[[', ']]#', '@', '_', '$a', '${a}', '$a.b', '$a.b(', '$a.b()', '#set(', '#if(', '#{if}', '#end',
 '#{end}', '#else', '#{else}', '#{set}(', '$s.length()', '$l[0]', '#foreach($i in [1,2])', '#m(', '#macro(m $p)', ' in ',
 '$foreach.count', '#break', '#stop', '#evaluate(', '$!{a}', '$input.path(\'$.a\')', 'é', '[1..2]', '{"k": 1}']
n, seed = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(seed)
cases = []
for i in range(n):
    pre = r.choice(["", "#set($a = 'x')#set($l = ['p', 'q'])#set($s = 'abc')", "#set($a = {'b': 'B'})"])
    t = pre + ''.join(r.choice(FRAGS) for _ in range(r.randint(1, 12)))
    cases.append({"name": f"soup-{seed}-{i}", "template": t, "input": {"body": '{"a": "A"}'}})
json.dump({"suite": f"soup-{seed}", "cases": cases}, sys.stdout, indent=1)
