#!/usr/bin/env bash
# Bounded loopback load test of `apigw-vtl serve` (tests/serve_load.rs):
# the release binary serves tests/serve/api.yaml in front of an in-process
# Lambda Invoke API stub that answers at once. Only 127.0.0.1 is used.
#
#   tests/serve/load.sh [REQUESTS [CONNECTIONS [PATH]]]
#   tests/serve/load.sh                      # 20000 requests, 64 connections, /pets/7
#   SERVE_LOAD_LOG=1 tests/serve/load.sh     # with the log line per request
set -euo pipefail
cd "$(dirname "$0")/../.."
export SERVE_LOAD_REQUESTS="${1:-20000}"
export SERVE_LOAD_CONNECTIONS="${2:-64}"
export SERVE_LOAD_PATH="${3:-/pets/7}"
exec cargo test --release --test serve_load -- --ignored --nocapture
