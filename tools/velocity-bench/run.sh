#!/usr/bin/env bash
# Apache Velocity 1.7 + Jayway on W1 and W2, in-process, JIT warm (see VelocityBench.java).
# Needs the oracle's Java packages (../shared/oracle/README.md) and the oracle compiled once
# (any run of run-oracle.sh does it). Usage: tools/velocity-bench/run.sh [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
oracle="${ORACLE:-$root/../shared/oracle}"
"$oracle/run-oracle.sh" --help >/dev/null   # compiles the oracle when needed
build="$oracle/build"
[[ -f "$build/ApiGwOracle.class" ]] || build="${TMPDIR:-/tmp}/apigw-oracle-build"
cp="$build"
for j in velocity-1.7.jar commons-collections3.jar commons-lang-2.6.jar json-path.jar \
  json-smart.jar accessors-smart.jar asm.jar jackson-databind.jar jackson-core.jar \
  jackson-annotations.jar slf4j-api.jar slf4j-nop.jar; do
  cp="$cp:/usr/share/java/$j"
done
out="${TMPDIR:-/tmp}/apigw-velocity-bench"
mkdir -p "$out"
javac -nowarn -encoding UTF-8 -d "$out" -cp "$cp" "$here/VelocityBench.java"
for w in w1 w2; do
  java -cp "$out:$cp" VelocityBench "$root/benches/workloads/$w.json" "${1:-5}"
done
