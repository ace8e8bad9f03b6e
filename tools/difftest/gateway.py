#!/usr/bin/env python3
"""Differential testing of the gateway (response path) cases against the
reference oracle.

Generates random gateway cases (docs/case format, "Gateway cases"): Lambda
custom integrations (`AWS`) with several integration responses in random
order, Java selection patterns and error messages that match them or nearly
do, response templates chosen by `Accept`, response parameters and template
overrides; and Lambda proxy integrations (`AWS_PROXY`) with well-formed and
malformed results. Runs each suite through the oracle (../shared/oracle) and
through `apigw-vtl test --update`, and reports every disagreement, minimized
by dropping responses, templates, parameters, request fields and result keys
one at a time while the disagreement persists.

Needs Java and the oracle; not part of CI.

usage: tools/difftest/gateway.py [--cases N] [--seed S] [--out DIR] [--per-suite K] [--minimize M]
   e.g. tools/difftest/gateway.py --cases 5000 --seed 1 --out target/gwdiff
   tools/difftest/gateway.py --gen N SEED > suite.json     # only generate

It writes DIR/report.md (counts, and each disagreement with its minimized
form), the generated suites, and the oracle's and our filled suites.
"""
import argparse
import copy
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ORACLE = os.path.join(ROOT, "..", "shared", "oracle", "run-oracle.sh")
sys.path.insert(0, HERE)
from run import write_report  # noqa: E402

# ---------------------------------------------------------------- generator

# (Java pattern, strings that match it or are meant to nearly match it)
PATTERNS = [
    (".*", ["anything", "", "two\nlines", "cr\rhere"]),
    ("Bad Request: .*", ["Bad Request: missing id", "Bad Request: ", "Bad Request:x", "bad request: x", "Bad Request: a\nb"]),
    ("(.|\\n)*", ["a\nb", "", "x\r\ny"]),
    ("(\\n|.)*", ["a\nb", "line\u2028sep"]),
    ("[\\s\\S]*", ["x\ny", "", "\u0085"]),
    (".*Error.*", ["Some Error here", "Error", "error", "multi\nline Error"]),
    ("^Not.*$", ["Not found", "Not found\n", "Nothing", "not found"]),
    ("\\d{3}", ["404", "4040", "\u0664\u0660\u0664", "40"]),
    ("(?i)bad.*", ["BAD input", "bad", "Bad\rthing", "b\u00e1d"]),
    ("[A-Z][a-z]+Exception", ["NullException", "nullException", "\u00c9tatException"]),
    ("4\\d\\d|5\\d\\d", ["404", "503", "600"]),
    ("Not Found|Gone", ["Not Found", "Gone", "Not Found or Gone"]),
    ("v1\\.0 .*", ["v1.0 failed", "v1x0 failed"]),
    ("Invalid", ["Invalid", "Invalid input"]),
    ("Invalid.*", ["Invalid input", "Invalid"]),
    ("Invalid*", ["Invalidd", "Invali", "Invalid input"]),
    (".+", ["x", "", "\n"]),
    ("\\[BadRequest\\].*", ["[BadRequest] missing field", "BadRequest missing"]),
    (".*\"httpStatusCode\":4\\d\\d.*", ['{"httpStatusCode":404,"message":"no"}', '{"httpStatusCode": 404}']),
    (".*\"statusCode\": ?5.*", ['{"statusCode": 503, "msg": "down"}', '{"statusCode":500}']),
    ("\\w+: .*", ["Error: x", "Fehler: x", "\u041e\u0448\u0438\u0431\u043a\u0430: x", "caf\u00e9: x"]),
    ("\\s*Timeout\\s*", [" Timeout ", "\u00a0Timeout", "\tTimeout\n"]),
    ("[^\\n]*", ["single line", "two\nlines", "cr\rline"]),
    ("(?s).*fail.*", ["multi\nline fail", "fail"]),
    ("Task timed out after \\d+\\.\\d+ seconds", ["Task timed out after 3.00 seconds", "Task timed out after 3 seconds"]),
    ("(?i)not found", ["NOT FOUND", "not found", "Not  found"]),
    ("(?i)\u00e4rger.*", ["\u00c4rger hier", "\u00e4rger"]),
    ("\\p{Alpha}+", ["abc", "\u00e9t\u00e9"]),
    ("\\p{L}+", ["abc", "\u00e9t\u00e9", "a1"]),
    ("[a-z&&[^aeiou]]+", ["xyz", "abc"]),
    ("\\Qa.b\\E", ["a.b", "axb"]),
    ("\\bError\\b.*", ["Error: x", "Errors"]),
    ("Error$", ["Error", "Error\n"]),
    ("(?m)^Error$", ["Error", "Error\n"]),
    ("[0-9]+", ["123", "12a", "\u0661\u0662"]),
    ("\\S+", ["token", "two words", "\u00a0"]),
    ("a++b", ["aab", "ab"]),
    (".*\\.", ["ends with dot.", "no dot"]),
    ("(?x) Bad \\s Request .*", ["Bad Request now", "BadRequest"]),
    ("\\u00e9.*", ["\u00e9t\u00e9", "ete"]),
    ("\\x41.*", ["ABC", "abc"]),
    ("[\\w.-]+@[\\w.-]+", ["a@b.c", "a b@c"]),
    ("(unclosed", ["(unclosed"]),
    ("*bad", ["*bad"]),
]

MESSAGES = [
    "boom", "Bad Request: You submitted invalid input", "Not Found: item 7", "Internal: db down",
    "Task timed out after 3.00 seconds", "", " ", "\n", "Error", "Something else broke",
    "line one\nline two", '{"httpStatusCode": 404, "message": "no such item"}',
    '{"errorType":"InternalServerError","httpStatus":500,"trace":{"function":"abc()","line":123}}',
    "\u00e9chec: \u00e7a ne marche pas", "\U0001F4A5 crash", "404", "500", "Invalid input",
]

MEDIA = ["application/json", "application/xml", "text/html", "text/plain", "application/vnd.api+json"]

ACCEPTS = [None, None, "application/json", "application/xml", "text/html", "text/plain",
           "text/html, application/json;q=0.9", "application/json;q=0.5, application/xml",
           "application/xml;q=0.9,application/json", "*/*", "application/*", "text/csv", "",
           " application/xml ", "APPLICATION/JSON", "application/json; charset=utf-8", "image/png, */*;q=0.8",
           ",application/xml", "text/html;level=1", "application/json;q=0", "application/xml,", ";q=1"]

CONTEXTS = [
    {},
    {"requestId": "r-1"},
    {"requestId": "r-2", "stage": "dev", "identity": {"sourceIp": "127.0.0.1", "userAgent": "curl/8.0"}},
    {"requestId": "abc-123", "httpMethod": "GET", "resourcePath": "/pets/{id}", "authorizer": {"principalId": "u-9", "claims": {"sub": "s"}}},
    {"stage": "prod", "apiId": "a1b2", "identity": {"sourceIp": "10.0.0.1"}},
]

STAGEVARS = [None, {}, {"env": "test"}, {"env": "prod", "version": "v2", "url": "https://x.example/a?b=c"}]

RESULTS = [
    {"a": 1}, {"name": "Ann", "id": 7, "tags": ["x", "y"]}, {"fine": True}, {}, [], [1, "two", None],
    "hello", "", 12.5, 1.0, 0, -3, 1e20, 12345678901234567890, True, False, None,
    {"statusCode": 404, "body": "missing"}, {"errorMessage": "Bad Request: not really an error"},
    {"a": {"b": {"c": "deep"}}, "s": "x/y", "u": "\u00e9\u2713\U0001F600", "n": None},
    {"message": "ok", "items": [{"id": 1}, {"id": 2}], "count": 2, "price": 9.99},
    {"quote": "say \"hi\"", "nl": "a\nb", "tab": "\t"},
    {"httpStatus": "201", "status": 418, "statusCode": "202"},
    {"n": 1.0, "e": 1e2, "big": 100000000000000000000, "neg": -0.0, "small": 0.1, "tags": ["a", {"b": 1}], "a": {"b": 2.50}},
    {"a": "{\"b\": {\"c\": \"in a string\"}}", "id": "{\"x\": 1}", "tags": []},
]

# Response template building blocks.
SNIPPETS = [
    "$input.path('$.errorMessage')", "$input.path('$.errorType')", "$input.json('$')", "$input.body",
    "$input.path('$')", "$input.json('$.a')", "$input.path('$.name')", "$input.json('$.errorMessage')",
    "$input.path('$.missing')", "$input.json('$.missing')", "$input.path('$.items').size()",
    "#set($e = $util.parseJson($input.path('$.errorMessage')))$e.message",
    "#set($e = $util.parseJson($input.path('$.errorMessage')))#set($context.responseOverride.status = $e.httpStatusCode)",
    "#set($context.responseOverride.status = 400)", "#set($context.responseOverride.status = '404')",
    "#set($context.responseOverride.status = \"201\")", "#set($context.responseOverride.status = 700)",
    "#set($context.responseOverride.status = 99)", "#set($context.responseOverride.status = 'abc')",
    "#set($context.responseOverride.status = 201.0)", "#set($context.responseOverride.status = $input.path('$.statusCode'))",
    "#set($context.responseOverride.status = $input.path('$.status'))",
    "#set($context.responseOverride.status = $input.path('$.httpStatus'))",
    "#set($context.responseOverride.header.X-Over = 'v')", "#set($context.responseOverride.header.X-A = 'over')",
    "#set($context.responseOverride.header.x-a = $input.path('$.errorType'))",
    "#set($context.responseOverride.header.Content-Type = 'text/plain')",
    "#set($context.responseOverride.header.X-Num = 5)",
    "#set($context.responseOverride.header.X-Missing = $input.path('$.missing'))",
    "$util.escapeJavaScript($input.body)", "$util.base64Encode($input.body)",
    "$util.urlEncode($input.path('$.errorMessage'))", "$context.requestId", "$context.identity.sourceIp",
    "$stageVariables.env", "$input.params('Accept')", "$input.params().header",
    "#if($input.path('$.errorType') == 'Error')E#{else}O#end",
    "#foreach($k in $input.path('$').keySet())$k,#end",
    "{\"message\": \"$util.escapeJavaScript($input.path('$.errorMessage'))\"}",
    "#set($root = $input.path('$'))#if($root.toString().contains('error'))#set($context.responseOverride.status = 400)#end",
    "<msg>$input.path('$.errorMessage')</msg>", "ok", "error", "",
]
BROKEN = [
    "#if(true)unclosed", "$util.parseJson('{bad')",
    "#set($context.responseOverride.status = 400)#set($context.responseOverride.status = 401)",
    "#set($context.responseOverride.header.X = 'a')#set($context.responseOverride.header.X = 'b')",
    "$util.base64Decode('@@@')", "#foreach($i in)x#end",
]

PARAM_NAMES = ["X-A", "X-B", "x-a", "Content-Type", "X-Over", "X-Kind", "Access-Control-Allow-Origin"]
PARAM_EXPRS = [
    "'literal'", "'a b'", "''", "'*'", "'it''s'", "integration.response.body", "integration.response.body.errorMessage",
    "integration.response.body.errorType", "integration.response.body.errorMessage.httpStatusCode",
    "integration.response.body.errorMessage.trace", "integration.response.body.errorMessage.trace.function",
    "integration.response.body.a", "integration.response.body.a.b", "integration.response.body.a.b.c",
    "integration.response.body.missing", "integration.response.body.stackTrace", "integration.response.body.id",
    "integration.response.body.tags", "integration.response.body.n", "integration.response.body.price",
    "integration.response.header.X-Amz-Function-Error", "integration.response.multivalueheader.X-A",
    "context.requestId", "context.identity.sourceIp", "context.identity", "context.missing", "context.authorizer.principalId",
    "stageVariables.env", "stageVariables.missing", " 'padded' ",
    "integration.response.body.tags[0]", "integration.response.body.e", "integration.response.body.big",
    "integration.response.body.small", "integration.response.body.errorMessage.message", "integration.response.body.data.code",
    "integration.response.body.errorMessage.data", "integration.response.body.id.x", "integration.response.body.a.b.c",
    "integration.response.body.errorType.x", "'unterminated", "method.request.header.Accept",
]

STATUSES = ["200", "201", "204", "400", "401", "403", "404", "422", "500", "502", "503"]


class Gen:
    def __init__(self, r):
        self.r = r

    def pick(self, xs):
        return self.r.choice(xs)

    def chance(self, p):
        return self.r.random() < p

    # --- error messages

    def mutate(self, s):
        r = self.r
        k = r.randrange(11)
        if k == 0:
            i = r.randint(0, len(s))
            return s[:i] + "\n" + s[i:]
        if k == 1:
            return s + r.choice(["\n", "\r\n", " ", ".", "\u2028", "\u0085"])
        if k == 2:
            return r.choice(["x", " ", "\n", "The "]) + s
        if k == 3:
            return s.upper()
        if k == 4:
            return s.lower()
        if k == 5:
            return s.replace("4", "\u0664").replace("0", "\u0660")
        if k == 6:
            return s[:-1] if s else s
        if k == 7:
            return s + "\U0001F600"
        if k == 8:
            return s.replace(" ", "\t")
        return s

    def message(self, patterns):
        """An errorMessage: matching one of the case's patterns, nearly matching, or unrelated."""
        k = self.r.random()
        if patterns and k < 0.45:
            return self.pick(dict(PATTERNS)[self.pick(patterns)])
        if patterns and k < 0.75:
            return self.mutate(self.pick(dict(PATTERNS)[self.pick(patterns)]))
        if k < 0.85:
            return json.dumps({"httpStatusCode": self.pick([400, 404, 500, 503]), "message": self.pick(["no", "a\nb", "\u00e9"])},
                              separators=self.pick([(",", ":"), (", ", ": ")]))
        return self.pick(MESSAGES)

    def lambda_error(self, patterns):
        err = {}
        if self.chance(0.04):
            err["errorMessage"] = self.pick([404, None, {"code": 400, "msg": "obj"}, ["a"], True, 1.5])
        elif not self.chance(0.05):
            err["errorMessage"] = self.message(patterns)
        if self.chance(0.08):
            err["data"] = self.pick([{"code": 7}, {"code": "E1", "nested": {"x": [1, 2]}}, "text"])
        if self.chance(0.05):
            err["errorMessage"] = json.dumps({"message": "double", "data": json.dumps({"code": 9})})
        if not self.chance(0.15):
            err["errorType"] = self.pick(["Error", "ValidationError", "Exception", "NotFound"])
        if self.chance(0.5):
            err["stackTrace"] = self.pick([
                ["at handler (/var/task/index.js:3:9)"],
                [["/var/task/lambda_function.py", 3, "lambda_handler", "raise Exception('x')"]],
                [],
            ])
        if self.chance(0.2):
            keys = list(err)
            self.r.shuffle(keys)
            err = {k: err[k] for k in keys}
        return err

    # --- templates

    def template(self):
        r = self.r
        if self.chance(0.05):
            return self.pick(BROKEN)
        parts = [self.pick(SNIPPETS) for _ in range(r.randint(1, 3))]
        sep = self.pick(["", "\n", " ", "\n\n"])
        t = sep.join(parts)
        if self.chance(0.15):
            t = "{\"body\": $input.json('$'), \"v\": \"" + t.replace('"', "'") + "\"}"
        return t

    def templates(self):
        n = self.pick([0, 0, 1, 1, 1, 2, 2, 3])
        types = self.r.sample(MEDIA, n)
        if n and self.chance(0.3) and "application/json" not in types:
            types[self.r.randrange(n)] = "application/json"
        return {t: ("" if self.chance(0.08) else self.template()) for t in types}

    def params(self):
        n = self.pick([0, 0, 0, 1, 1, 2, 3])
        out = {}
        for _ in range(n):
            key = "method.response.header." + self.pick(PARAM_NAMES)
            if self.chance(0.03):
                key = "method.response.body"
            out[key] = self.pick(PARAM_EXPRS)
        return out

    # --- request

    def request(self):
        req = {}
        params = {}
        header = {}
        a = self.pick(ACCEPTS)
        if a is not None:
            # One spelling only: two keys differing in case are not one HTTP
            # request (the oracle keeps both, we merge them).
            header[self.pick(["Accept", "Accept", "accept", "ACCEPT"])] = a
        if self.chance(0.2):
            header["X-Client"] = self.pick(["c1", "\u00e9"])
        if header:
            params["header"] = header
        if self.chance(0.2):
            params["path"] = {"id": self.pick(["7", "a b"])}
        if self.chance(0.2):
            params["querystring"] = {"q": self.pick(["x", "1,2"])}
        if params:
            req["params"] = params
        ctx = copy.deepcopy(self.pick(CONTEXTS))
        if ctx:
            req["context"] = ctx
        sv = self.pick(STAGEVARS)
        if sv is not None:
            req["stageVariables"] = dict(sv)
        return req

    # --- integrations

    def aws_case(self):
        r = self.r
        n = r.randint(1, 5)
        statuses = r.sample(STATUSES, n)
        pats = r.sample([p for p, _ in PATTERNS], n)
        responses = []
        has_default = self.chance(0.9)
        for i in range(n):
            resp = {"statusCode": statuses[i]}
            if not (has_default and i == 0):
                resp["selectionPattern"] = pats[i]
            elif self.chance(0.1):
                resp["selectionPattern"] = ""
            t = self.templates()
            if t:
                resp["responseTemplates"] = t
            p = self.params()
            if p:
                resp["responseParameters"] = p
            # No contentHandling: the oracle does not model it (it ignores the
            # field, where CONVERT_TO_BINARY base64-decodes the body, 500 if invalid).
            responses.append(resp)
        r.shuffle(responses)
        used = [x["selectionPattern"] for x in responses if x.get("selectionPattern")]
        if self.chance(0.6):
            lam = {"error": self.lambda_error(used)}
        else:
            lam = {"result": copy.deepcopy(self.pick(RESULTS))}
        return {"integration": {"type": "AWS", "responses": responses}, "lambda": lam}

    def proxy_result(self):
        r = self.r
        if self.chance(0.06):
            return copy.deepcopy(self.pick(["just a string", 5, [1], None, True]))
        res = {}
        if not self.chance(0.15):
            res["statusCode"] = self.pick([200, 201, 204, 404, 500, "200", "404", "20", "2000", 99, 600, 200.0, 200.5,
                                           "abc", True, None, " 200", "0200", -1, "302", 302, "1e2"])
        if self.chance(0.5):
            hv = {}
            for name in r.sample(["Content-Type", "X-A", "x-a", "Set-Cookie", "X-N", "X-B", "X-Null", "X-Obj", "X-Arr", "X-U"],
                                 r.randint(0, 3)):
                hv[name] = self.pick(["text/plain", "1", "v", "", "\u00e9", 1, 2.5, True, None, {}, [1], 1.0, 1e2,
                                      100000000000000000000, -0.0, "a,b", " padded "]
                                     if self.chance(0.3) else ["text/plain", "v", "a=1", "x y", ""])
            res["headers"] = hv if not self.chance(0.05) else self.pick(["x", [], None])
        if self.chance(0.3):
            mv = {}
            for name in r.sample(["Set-Cookie", "X-A", "x-a", "X-M", "Content-Type"], r.randint(0, 3)):
                mv[name] = self.pick([["a=1", "b=2"], ["m1"], [], ["d", "d"], ["v", 1, True], [None, "z"], "notarray", [{}], None,
                                      [1.5]])
            res["multiValueHeaders"] = mv if not self.chance(0.05) else self.pick(["x", [], None])
        if not self.chance(0.1):
            res["body"] = self.pick(["created", "", "{\"a\": [1, 2]}", "\u00e9\U0001F600", "a\nb", None, {"a": 1}, 5, True, ["x"],
                                     "aGVsbG8="])
        if self.chance(0.25):
            res["isBase64Encoded"] = self.pick([True, False, "true", 1, None])
        if self.chance(0.06):
            res[self.pick(["extra", "StatusCode", "cookies", "Body"])] = self.pick([1, "x", None, []])
        keys = list(res)
        r.shuffle(keys)
        return {k: res[k] for k in keys}

    def proxy_case(self):
        if self.chance(0.1):
            lam = {"error": self.lambda_error([])}
        else:
            lam = {"result": self.proxy_result()}
        return {"integration": {"type": "AWS_PROXY"}, "lambda": lam}

    def case(self, name):
        c = {"name": name}
        c.update(self.aws_case() if self.chance(0.72) else self.proxy_case())
        c["request"] = self.request()
        return c


def generate(n, seed):
    g = Gen(random.Random(seed))
    return {"suite": f"gw-{seed}", "cases": [g.case(f"gw-{seed}-{i}") for i in range(n)]}


# ---------------------------------------------------------------- running


def run(cmd, **kw):
    return subprocess.run(cmd, check=False, capture_output=True, text=True, **kw)


def oracle_fill(src, dst_dir):
    r = run([ORACLE, "--out", dst_dir, src])
    if r.returncode != 0:
        raise RuntimeError("oracle failed on " + src + ": " + r.stderr[-2000:])
    return json.load(open(os.path.join(dst_dir, os.path.basename(src))))


def ours_fill(src, binary, dst=None):
    """Our results, via `apigw-vtl test --update` on a copy without expectations.
    A case we cannot run keeps no `expect`; its diagnostics are in `_ours_stderr`."""
    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, os.path.basename(src))
        suite = json.load(open(src))
        for c in suite["cases"]:
            c.pop("expect", None)
        json.dump(suite, open(p, "w"), indent=1, ensure_ascii=False)
        r = run([binary, "test", "--update", p])
        out = json.load(open(p))
        out["_ours_stderr"] = r.stderr
        if dst:
            json.dump(out, open(dst, "w"), indent=1, ensure_ascii=False)
        return out


def normalize(e):
    if e is None:
        return None
    n = {k: e.get(k) for k in ("status", "headers", "body")}
    if isinstance(n["headers"], dict):
        n["headers"] = sorted((k.lower(), v) for k, v in n["headers"].items())
    return n


def agree(a, b):
    return normalize(a) == normalize(b)


def both(binary, cases, workdir):
    """(oracle expect, our expect) for each case, one run of each engine."""
    p = os.path.join(workdir, "batch.json")
    json.dump({"suite": "batch", "cases": cases}, open(p, "w"), indent=1, ensure_ascii=False)
    try:
        o = oracle_fill(p, os.path.join(workdir, "o"))["cases"]
    except RuntimeError:
        return None
    u = ours_fill(p, binary)["cases"]
    return [(oc.get("expect"), uc.get("expect")) for oc, uc in zip(o, u)]


def shrink_candidates(case):
    """Every case with one part removed or simplified."""
    out = []

    def variant(f):
        c = copy.deepcopy(case)
        if f(c) is not False:
            out.append(c)

    integ = case.get("integration", {})
    resps = integ.get("responses", [])
    for i in range(len(resps)):
        if len(resps) > 1:
            variant(lambda c, i=i: c["integration"]["responses"].pop(i))
        for key in ("responseTemplates", "responseParameters", "selectionPattern"):
            if key in resps[i]:
                variant(lambda c, i=i, key=key: c["integration"]["responses"][i].pop(key))
        for key in ("responseTemplates", "responseParameters"):
            for k in list(resps[i].get(key, {})):
                if len(resps[i][key]) > 1:
                    variant(lambda c, i=i, key=key, k=k: c["integration"]["responses"][i][key].pop(k))
        for mt, t in resps[i].get("responseTemplates", {}).items():
            if isinstance(t, str):
                for sep in ("\n", "#set"):
                    pieces = t.split(sep)
                    if len(pieces) > 1:
                        for j in range(len(pieces)):
                            rest = sep.join(pieces[:j] + pieces[j + 1:])
                            if sep == "#set" and j == 0 and pieces[0] == "":
                                continue

                            def drop(c, i=i, mt=mt, rest=rest):
                                c["integration"]["responses"][i]["responseTemplates"][mt] = rest
                            variant(drop)
    lam = case.get("lambda", {})
    for side in ("error", "result"):
        v = lam.get(side)
        if isinstance(v, dict):
            for k in list(v):
                variant(lambda c, side=side, k=k: c["lambda"][side].pop(k))
            for k, x in v.items():
                if isinstance(x, dict) and x:
                    for kk in list(x):
                        variant(lambda c, side=side, k=k, kk=kk: c["lambda"][side][k].pop(kk))
                if isinstance(x, list) and x:
                    variant(lambda c, side=side, k=k: c["lambda"][side].__setitem__(k, c["lambda"][side][k][:-1]))
    req = case.get("request", {})
    for k in list(req):
        variant(lambda c, k=k: c["request"].pop(k))
        if isinstance(req[k], dict):
            for kk in list(req[k]):
                variant(lambda c, k=k, kk=kk: c["request"][k].pop(kk))
    return out


def size(case):
    return len(json.dumps(case))


def minimize(binary, case, workdir, rounds=12):
    cur = copy.deepcopy(case)
    for _ in range(rounds):
        cands = shrink_candidates(cur)
        if not cands:
            break
        for j, c in enumerate(cands):
            c["name"] = f"m{j}"
        res = both(binary, cands, workdir)
        if res is None:
            break
        still = [c for c, (o, u) in zip(cands, res) if not agree(o, u)]
        if not still:
            break
        cur = min(still, key=size)
        cur["name"] = case["name"]
    o, u = both(binary, [cur], workdir)[0]
    return cur, o, u


def fields(o, u):
    a, b = normalize(o) or {}, normalize(u) or {}
    if u is None:
        return "ours-cannot-run"
    return "+".join(k for k in ("status", "headers", "body") if a.get(k) != b.get(k))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", default="target/gwdiff")
    ap.add_argument("--per-suite", type=int, default=200)
    ap.add_argument("--minimize", type=int, default=3, help="disagreements to minimize per kind (type and fields)")
    ap.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "apigw-vtl"))
    ap.add_argument("--gen", nargs=2, type=int, metavar=("N", "SEED"), help="only print a generated suite")
    args = ap.parse_args()
    if args.gen:
        json.dump(generate(*args.gen), sys.stdout, indent=1, ensure_ascii=False)
        return
    os.makedirs(args.out, exist_ok=True)
    for sub in ("oracle", "ours"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    total = 0
    disagreements = []
    oracle_errors = []
    k = 0
    while total < args.cases:
        n = min(args.per_suite, args.cases - total)
        seed = args.seed * 1000 + k
        k += 1
        path = os.path.join(args.out, f"gw-{seed}.json")
        json.dump(generate(n, seed), open(path, "w"), indent=1, ensure_ascii=False)
        try:
            oracle = oracle_fill(path, os.path.join(args.out, "oracle"))
        except RuntimeError as e:
            oracle_errors.append(str(e))
            total += n
            continue
        ours = ours_fill(path, args.binary, os.path.join(args.out, "ours", os.path.basename(path)))
        for oc, uc in zip(oracle["cases"], ours["cases"]):
            total += 1
            o, u = oc["expect"], uc.get("expect")
            if not agree(o, u):
                oc = dict(oc)
                oc.pop("expect")
                disagreements.append((os.path.basename(path), oc, o, u))
        print(f"{path}: {total} cases, {len(disagreements)} disagreements so far", file=sys.stderr)
    by_kind = {}
    for d in disagreements:
        kind = d[1]["integration"]["type"] + ":" + fields(d[2], d[3])
        by_kind[kind] = by_kind.get(kind, 0) + 1
    lines = [
        "# Gateway differential testing against the reference oracle",
        "",
        f"{total} generated cases (seed {args.seed}); {total - len(disagreements)} agree, {len(disagreements)} disagree.",
        "",
    ]
    for kind, c in sorted(by_kind.items()):
        lines.append(f"- {kind}: {c}")
    for e in oracle_errors:
        lines.append(f"- oracle error: {e}")
    lines.append("")
    minimized = {}
    with tempfile.TemporaryDirectory() as work:
        for suite, case, o, u in disagreements:
            kind = case["integration"]["type"] + ":" + fields(o, u)
            minimized[kind] = minimized.get(kind, 0) + 1
            lines.append(f"## {suite} :: {case['name']} ({case['integration']['type']}: {fields(o, u)})")
            lines.append("")
            lines.append("case: `" + json.dumps(case, ensure_ascii=False) + "`")
            lines.append("oracle: `" + json.dumps(o, ensure_ascii=False) + "`")
            lines.append("ours:   `" + json.dumps(u, ensure_ascii=False) + "`")
            if minimized[kind] <= args.minimize:
                m, mo, mu = minimize(args.binary, case, work)
                lines.append("minimized: `" + json.dumps(m, ensure_ascii=False) + "`")
                lines.append("  oracle: `" + json.dumps(mo, ensure_ascii=False) + "`")
                lines.append("  ours:   `" + json.dumps(mu, ensure_ascii=False) + "`")
            lines.append("")
    write_report(args.out, lines, total, len(disagreements))


if __name__ == "__main__":
    main()
