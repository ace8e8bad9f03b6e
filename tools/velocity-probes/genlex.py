#!/usr/bin/env python3
"""Generate random VTL-ish strings; print as JSON string lines."""
import json, random, sys
n = int(sys.argv[1]); seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
random.seed(seed)
frags = ['""', "''", '"a""b"', '$', '$!', '#', '\\', '\\\\', '{', '}', '(', ')', '[', ']', '.', '..', ',', ':', '"', "'", ' ', '  ', '\t', '\n', '\r\n', '\r',
 'a', 'b', 'x1', 'foo', 'set', 'if', 'else', 'elseif', 'end', 'foreach', 'stop', 'break', 'macro', 'define', 'true', 'false',
 'and', 'or', 'not', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', '==', '!=', '<', '<=', '>', '>=', '!', '=', '&&', '||', '+', '-', '*', '/', '%',
 '1', '23', '-4', '1.5', '.5', '1e3', '2E-2', '*#', '##', '#*', '#**', '#[[', ']]#', '@', '_', '-x', '$a', '${a}', '$a.b', '$a.b(', '#set(', '#if(', '#{if}', '#{end}', '#{else}', '#{set}(', 'é', '😀', 'in', ';', '?', '&', '|', '~', '^']
for _ in range(n):
    k = random.randint(1, 14)
    s = ''.join(random.choice(frags) for _ in range(k))
    print(json.dumps(s))
