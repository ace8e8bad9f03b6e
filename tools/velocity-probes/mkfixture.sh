#!/bin/sh
# mkfixture.sh N SEED > fixture: lines "json<TAB>state<TAB>dump"
N=$1; SEED=$2
for st in 5 5 5 0 1 2 3 4 11 7 8 10; do
  SEED=$((SEED+1))
  python3 /work/tools-scratch/genlex.py $N $SEED > /tmp/lexin.$$
  /work/tools-scratch/lex $st < /tmp/lexin.$$ > /tmp/lexout.$$
  paste /tmp/lexin.$$ /tmp/lexout.$$ | awk -v st=$st -F'\t' '{print $1 "\t" st "\t" $2}'
done
rm -f /tmp/lexin.$$ /tmp/lexout.$$
