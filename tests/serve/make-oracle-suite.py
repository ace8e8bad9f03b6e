#!/usr/bin/env python3
"""Writes the gateway suite behind tests/serve_e2e.rs's expectations.

The integrations are read from tests/serve/api.yaml (so the templates are the
ones `serve` runs); the reference oracle fills in `expect`:

    python3 tests/serve/make-oracle-suite.py > /tmp/e2e.json
    ../shared/oracle/run-oracle.sh /tmp/e2e.json > tests/serve/oracle.json
"""
import json
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
api = yaml.safe_load(open(os.path.join(HERE, "api.yaml")))


def responses(integration):
    out = []
    for key, r in integration["responses"].items():
        r = dict(r)
        if key != "default":
            r["selectionPattern"] = key
        out.append(r)
    return out


get = api["paths"]["/pets/{id}"]["get"]["x-amazon-apigateway-integration"]
post = api["paths"]["/pets"]["post"]["x-amazon-apigateway-integration"]
rid = {"requestId": "REQUEST-ID"}
suite = {"suite": "serve-e2e", "cases": [
    {"name": "seed-bad-request-400",
     "integration": {"type": "AWS", "responses": responses(get)},
     "lambda": {"error": {"errorMessage": "Bad Request: the pet name \"Rex/2\" is missing",
                          "errorType": "Error",
                          "stackTrace": ["at handler (/var/task/index.js:7:11)"]}},
     "request": {"params": {"path": {"id": "7"}, "header": {"Accept": "application/json"}},
                 "context": rid}},
    {"name": "seed-success-passthrough-200",
     "integration": {"type": "AWS", "responses": responses(get)},
     "lambda": {"result": {"id": 7, "name": "Rex"}},
     "request": {"params": {"path": {"id": "7"}}, "context": rid}},
    {"name": "override-status-201",
     "integration": {"type": "AWS", "responses": responses(post)},
     "lambda": {"result": {"statusCode": 201, "body": {"id": 8, "name": "Fido", "tags": ["a/b"]}}},
     "request": {"params": {"header": {"Accept": "application/json"}}, "context": rid}},
    {"name": "proxy-409-with-headers",
     "integration": {"type": "AWS_PROXY"},
     "lambda": {"result": {"statusCode": 409,
                           "headers": {"X-Conflict": "name", "Content-Type": "application/json"},
                           "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
                           "body": "{\"message\":\"Rex exists\"}"}},
     "request": {"context": rid}},
    {"name": "proxy-malformed-502",
     "integration": {"type": "AWS_PROXY"},
     "lambda": {"result": {"statusCode": 200, "body": {"not": "a string"}}},
     "request": {"context": rid}},
]}
json.dump(suite, sys.stdout, indent=2)
print()
