#!/usr/bin/env bash
# Runs fuzzing campaigns the way fuzz/RESULTS.md records them: each target in
# fork mode with one child (a finding does not end the run), seeds, dictionary,
# 10 s per input, 2 GB per process; one log per target in LOGDIR.
#
# usage: fuzz/campaign.sh LOGDIR TARGET:SECONDS [TARGET:SECONDS ...]
#   e.g. fuzz/campaign.sh /tmp/fuzz-logs render:1800 parse:1800
# Run from the repository root. Findings land in fuzz/artifacts/TARGET/.
# Each log ends with `rc=... end ...`; its last `#N:` line gives the
# executions (libFuzzer's count) and `time:` the seconds run; the `cpu` line
# (from /usr/bin/time, when present) the CPU seconds of cargo, the fuzzer and
# its forked children together.
set -u
logdir=$1
shift
mkdir -p "$logdir"
for spec in "$@"; do
    target=${spec%%:*}
    secs=${spec#*:}
    mkdir -p "fuzz/corpus/$target"
    log="$logdir/$target-$(date -u +%Y%m%dT%H%M%SZ).log"
    echo "start $(date -u +%FT%TZ) $target $secs s" > "$log"
    timer=()
    [ -x /usr/bin/time ] && timer=(/usr/bin/time -a -o "$log" -f 'cpu user=%U s sys=%S s wall=%e s')
    RUSTC_BOOTSTRAP=1 "${timer[@]}" cargo fuzz run "$target" "fuzz/corpus/$target" "fuzz/seeds/$target" -- \
        -dict=fuzz/vtl.dict -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -print_final_stats=1 >> "$log" 2>&1
    echo "rc=$? end $(date -u +%FT%TZ)" >> "$log"
    grep -E '^#[0-9]+:' "$log" | tail -1
done
