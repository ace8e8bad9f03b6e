#!/usr/bin/env python3
"""Random VTL templates and JSON bodies for differential testing against the
reference oracle (Apache Velocity 1.7 + Jayway JsonPath).

Templates are drawn from the grammar in grammar/vtl.ebnf: text, references
with property/method/index chains, #set, #if/#elseif/#else, #foreach, macros,
#define, #evaluate, comments, escapes, literals and operators, with the
whitespace and "schmoo" (stray `$`, `#`, `\\`) that real templates contain.

usage: gen.py N SEED [--schmoo] > suite.json
"""
import json
import random
import sys

BODIES = [
    '{"a": {"b": "deep", "c": {"d": 4}}, "s": "str", "n": 42, "f": 1.5, "t": true, "fl": false, "nul": null, '
    '"list": [1, 2, 3], "strs": ["x", "y/z"], "empty": [], "eobj": {}, '
    '"objs": [{"id": 1, "name": "pen", "price": 5}, {"id": 2, "name": "bo\\"ok", "price": 15.5}], "obj": {"x": 1, "y": "two"}}',
    '{"statusCode": 404, "body": "missing", "headers": {"X-A": "1"}, "errorMessage": "Bad Request: nope"}',
    '[1, "two", 3.0, null, {"k": [true, false]}]',
    '{"items": [{"id": "a1", "tags": ["x", "y"], "qty": 3}, {"id": "b2", "tags": [], "qty": 0}], "next": null, "count": 2}',
    '',
    '"just a string"',
    '{"esc": "line1\\nline2\\t\\"q\\" \\\\ / \\u00e9 \\u2713", "num": 1e3, "neg": -0.5, "big": 12345678901234}',
]

VARS = ["a", "b", "x", "list", "map", "s", "n", "item", "i", "root"]
PROPS = ["a", "b", "c", "d", "s", "n", "f", "t", "fl", "nul", "list", "strs", "objs", "obj", "x", "y", "id",
         "name", "price", "items", "tags", "qty", "count", "next", "empty", "key", "value", "size", "length",
         "class", "statusCode", "body", "headers", "errorMessage", "esc", "num", "big", "k"]
PATHS = ["$", "$.a", "$.a.b", "$.a.c", "$.s", "$.n", "$.f", "$.t", "$.fl", "$.nul", "$.list", "$.list[0]", "$.list[-1:]",
         "$.strs", "$.objs", "$.objs[0].name", "$.objs[*].id", "$..id", "$..price", "$.obj", "$.missing", "$.items",
         "$.items[*].tags", "$.items[0].qty", "$[0]", "$[4].k", "$.statusCode", "$.body", "$.headers", "$.esc", "$.num",
         "$.big", "$.errorMessage", "$.objs[?(@.price > 6)]", "$.objs[?(@.name == 'pen')].id", "$['a']['b']", "$.list.length()",
         "s", "$.list[1:3]", "$.objs.length()", "$.count"]
STRMETHODS = [("length", 0), ("toUpperCase", 0), ("toLowerCase", 0), ("trim", 0), ("isEmpty", 0), ("substring", 1),
              ("substring", 2), ("indexOf", 1), ("contains", 1), ("startsWith", 1), ("endsWith", 1), ("replace", 2),
              ("replaceAll", 2), ("split", 1), ("charAt", 1), ("equals", 1), ("concat", 1), ("matches", 1), ("toString", 0),
              ("lastIndexOf", 1), ("equalsIgnoreCase", 1), ("hashCode", 0), ("compareTo", 1)]
COLLMETHODS = [("size", 0), ("get", 1), ("isEmpty", 0), ("contains", 1), ("keySet", 0), ("values", 0), ("entrySet", 0),
               ("containsKey", 1), ("add", 1), ("put", 2), ("remove", 1), ("indexOf", 1), ("subList", 2), ("getOrDefault", 2),
               ("toString", 0), ("getClass", 0)]
INPUTMETHODS = [("path", 1), ("json", 1), ("params", 0), ("params", 1)]
UTILMETHODS = ["escapeJavaScript", "urlEncode", "urlDecode", "base64Encode", "base64Decode", "parseJson"]
SCHMOO = ["$", "#", "\\", "$!", "\\$", "\\#", "$.", "${", "}", "{", "(", ")", "[", "]", "##", "#*", "*#", "$1", "#1",
          "#{", "$-", "\\\\", "!", "@", '"', "'", "\t", "\r\n", "$$", "#$", "..", ".5"]
WORDS = ["hello", "a", "b", "x", "42", "3.14", "true", "it's", "say \"hi\"", "/", "é", "\\n", " ", "", ",", "a,b,,c", "2024-01-31", "{\"k\": 1}"]


class Gen:
    def __init__(self, rnd, schmoo):
        self.r = rnd
        self.schmoo = schmoo
        self.macros = []
        self.depth = 0

    def pick(self, xs):
        return self.r.choice(xs)

    def ws(self):
        return self.pick(["", "", "", " ", "  ", "\n", " \n", "\t", "\r\n"])

    def text(self):
        t = self.pick(WORDS + [" ", "\n", "\n  ", ": ", "{\"k\": ", "}", "[", "]", ",", "<p>", "  \n"])
        if self.schmoo and self.r.random() < 0.25:
            t += self.pick(SCHMOO)
        return t

    def var(self):
        return self.pick(VARS)

    def string_lit(self):
        w = self.pick(WORDS)
        if self.r.random() < 0.5:
            return "'" + w.replace("'", "''") + "'"
        if self.r.random() < 0.3 and self.depth < 3:
            self.depth += 1
            inner = self.pick(["$" + self.var(), "${" + self.var() + "}", "$!" + self.var(), self.reference(), "#if(true)y#{else}n#end"])
            self.depth -= 1
            return '"' + w.replace('"', '""') + inner + '"'
        return '"' + w.replace('"', '""') + '"'

    def arg(self):
        c = self.r.random()
        if c < 0.3:
            return self.string_lit()
        if c < 0.5:
            return str(self.pick([0, 1, 2, -1, 3, 10, 100, 2147483647]))
        if c < 0.6:
            return self.pick(["1.5", "0.1", "2.0", "1e3"])
        if c < 0.8 and self.depth < 3:
            return self.reference(simple=True)
        return self.pick(["true", "false", "[1, 2]", "{'k': 'v'}", "[1..3]", "$null", '"a,b"', "'.'", "'\\\\d+'", "'$1-'"])

    def call(self, methods):
        name, n = self.pick(methods)
        args = ", ".join(self.arg() for _ in range(n))
        return f".{name}({args})"

    def reference(self, simple=False):
        self.depth += 1
        c = self.r.random()
        if c < 0.25:
            head = "$input"
            chain = self.call(INPUTMETHODS) if self.r.random() < 0.9 else ".body"
            if ".path(" in chain or ".json(" in chain:
                chain = chain.split("(")[0] + "('" + self.pick(PATHS) + "')"
            if ".params(" in chain and not chain.endswith("()"):
                chain = ".params('" + self.pick(["id", "q", "Accept", "accept", "missing"]) + "')"
        elif c < 0.35:
            head = "$util"
            chain = "." + self.pick(UTILMETHODS) + "(" + self.arg() + ")"
        elif c < 0.42:
            head = "$context"
            chain = self.pick([".requestId", ".stage", ".identity.sourceIp", ".responseOverride.status", ".authorizer.claims['sub']", "", ".httpMethod"])
        elif c < 0.47:
            head = "$foreach"
            chain = self.pick([".count", ".index", ".hasNext", ".first", ".last", ".parent.count", ""])
        elif c < 0.5:
            head = "$velocityCount"
            chain = ""
        else:
            head = "$" + self.var()
            chain = ""
        for _ in range(self.r.randint(0, 0 if simple else 2)):
            k = self.r.random()
            if k < 0.4:
                chain += "." + self.pick(PROPS)
            elif k < 0.6:
                chain += self.call(STRMETHODS)
            elif k < 0.85:
                chain += self.call(COLLMETHODS)
            else:
                chain += "[" + self.pick(["0", "1", "-1", "'k'", "'x'", "$i", "2"]) + "]"
        self.depth -= 1
        form = self.r.random()
        name = head[1:]
        if form < 0.12:
            return "$!" + name + chain
        if form < 0.22:
            return "${" + name + chain + "}"
        if form < 0.25 and self.schmoo:
            return "\\$" + name + chain
        return head + chain

    def expr(self, d=0):
        c = self.r.random()
        if d > 2 or c < 0.35:
            return self.pick([self.reference(), self.arg(), self.arg()])
        if c < 0.55:
            op = self.pick(["==", "!=", "<", ">", "<=", ">=", "eq", "ne", "lt", "gt"])
            return f"{self.expr(d + 1)} {op} {self.expr(d + 1)}"
        if c < 0.7:
            op = self.pick(["&&", "||", "and", "or"])
            return f"{self.expr(d + 1)} {op} {self.expr(d + 1)}"
        if c < 0.78:
            return "!" + self.pick(["", " "]) + self.expr(d + 1)
        if c < 0.9:
            op = self.pick(["+", "-", "*", "/", "%"])
            return f"{self.expr(d + 1)} {op} {self.expr(d + 1)}"
        return "(" + self.expr(d + 1) + ")"

    def directive(self, d):
        c = self.r.random()
        ws = self.ws
        if c < 0.3:
            lhs = self.pick(["$" + self.var(), "$" + self.var() + "." + self.pick(PROPS), "$context.responseOverride.status",
                             "$context.responseOverride.header.X-" + self.pick(["A", "B"]), "$list[0]", "$map.k"])
            rhs = self.pick([self.expr(), "[1, 2, 3]", "{'k': 'v', 'n': 1}", "[1..4]", '"' + self.pick(WORDS).replace('"', '""') + '"',
                             "$input.path('" + self.pick(PATHS) + "')", "$util.parseJson($input.json('$'))"])
            return ws() + self.pick(["#set", "#{set}"]) + self.pick(["(", " ("]) + lhs + self.pick([" = ", "=", " =  "]) + rhs + ")" + ws()
        if c < 0.5:
            s = "#if(" + self.expr() + ")" + ws() + self.body(d + 1)
            for _ in range(self.r.randint(0, 1)):
                s += "#elseif(" + self.expr() + ")" + ws() + self.body(d + 1)
            if self.r.random() < 0.5:
                s += self.pick(["#else", "#{else}"]) + ws() + self.body(d + 1)
            return s + self.pick(["#end", "#{end}"]) + ws()
        if c < 0.68:
            it = self.pick(["[1, 2, 3]", "[1..3]", "$list", "$map", "$input.path('$.objs')", "$input.path('$.list')",
                            "$input.path('$.items')", "$input.path('$')", "$input.params().keySet()", "$map.keySet()",
                            "$s.split(',')", "[]", "$input.path('$.missing')", "[3..1]", "$map.entrySet()"])
            v = self.pick(["i", "item", "x"])
            return ws() + "#foreach($" + v + " in " + it + ")" + ws() + self.body(d + 1) + self.pick(["", "#if($foreach.hasNext),#end", "#if($velocityCount > 2)#break#end"]) + "#end" + ws()
        if c < 0.75:
            name = self.pick(["m", "wrap", "show"])
            params = " ".join("$" + p for p in self.r.sample(["p", "q", "a", "i"], self.r.randint(0, 2)))
            self.macros.append((name, len(params.split())))
            return "#macro(" + name + (" " + params if params else "") + ")" + self.body(d + 1) + "#end" + ws()
        if c < 0.82 and self.macros:
            name, n = self.pick(self.macros)
            args = " ".join(self.arg() for _ in range(self.r.randint(max(0, n - 1), n + 1)))
            return "#" + name + "(" + args + ")" + ws()
        if c < 0.86:
            return "#define($" + self.var() + ")" + self.body(d + 1) + "#end" + ws()
        if c < 0.9:
            return "#evaluate(" + self.pick(["'#set($x = 5)$x'", "$s", "'$a-$b'", '"#if($n > 1)big#end"', "'#foreach($i in [1,2])$i#end'"]) + ")"
        if c < 0.94:
            return self.pick(["## comment\n", "#* block *#", "#** doc *#", "#[[ $raw #if ]]#", "##\n"])
        return self.pick(["#stop", "#break", "#{break}", "\\#set($a = 1)", "\\#end", "\\\\#if(true)x#end"])

    def body(self, d=0):
        parts = []
        for _ in range(self.r.randint(0, 3 if d < 3 else 1)):
            c = self.r.random()
            if c < 0.35:
                parts.append(self.text())
            elif c < 0.65:
                parts.append(self.reference())
            elif d < 4:
                parts.append(self.directive(d))
        return "".join(parts)

    def template(self):
        self.macros = []
        prelude = ""
        if self.r.random() < 0.6:
            prelude = self.pick([
                "#set($list = [1, 2, 3])#set($map = {'k': 'v', 'n': 2})#set($s = 'a,b,c')",
                "#set($root = $input.path('$'))\n",
                "#set($a = 'x')#set($n = 3)#set($item = {'id': 7, 'tags': ['p', 'q']})\n",
                "#set($x = $input.path('$.objs'))#set($b = $util.parseJson('{\"q\": [1, {\"r\": 2}]}'))",
            ])
        return prelude + self.body()


def main():
    n = int(sys.argv[1])
    seed = int(sys.argv[2])
    schmoo = "--schmoo" in sys.argv
    r = random.Random(seed)
    g = Gen(r, schmoo)
    cases = []
    for i in range(n):
        t = g.template()
        inp = {"body": r.choice(BODIES)}
        if r.random() < 0.5:
            inp["params"] = {"path": {"id": "7"}, "querystring": {"q": "x y", "page": "2"}, "header": {"Accept": "application/json", "X-Trace": "t-1"}}
        if r.random() < 0.5:
            inp["context"] = {"requestId": "r-1", "stage": "dev", "httpMethod": "GET", "identity": {"sourceIp": "127.0.0.1"},
                              "authorizer": {"claims": {"sub": "u-1", "cognito:username": "alice"}}}
        if r.random() < 0.3:
            inp["stageVariables"] = {"env": "test"}
        cases.append({"name": f"gen-{seed}-{i}", "template": t, "input": inp})
    json.dump({"suite": f"generated-{seed}", "cases": cases}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
