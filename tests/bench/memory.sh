#!/usr/bin/env bash
# Peak memory per command on big traces: the numbers behind README's "Memory" paragraph.
#
#   tests/bench/memory.sh [DIR]       (DIR: where inputs are generated, default /tmp/tracekit-mem)
#
# Env: FAN (children of one root, default 1000000), CHAIN (depth, default 200000), PAIR (depth of
# the two chains compared by diff, default 100000), BIN (default target/release/tracekit, built
# if missing), ONLY (a regex of "command input" rows to run), KEEP=1 keeps the inputs.
# Needs python3 and GNU time (/usr/bin/time). Prints one row per run: command, input, spans,
# peak RSS (MiB), bytes per span (peak RSS over the span count), wall time (s), and the budget
# (B/span) the row is held to, with "over" when it is exceeded. Exit 1 if any row is over budget
# or a run failed (exit code other than 0 or 1, e.g. a stack overflow).
set -u
cd "$(dirname "$0")/../.."
DIR=${1:-/tmp/tracekit-mem}
FAN=${FAN:-1000000}
CHAIN=${CHAIN:-200000}
PAIR=${PAIR:-100000}
BIN=${BIN:-target/release/tracekit}
ONLY=${ONLY:-.}
if [ ! -x "$BIN" ]; then
  nice -n 10 cargo build --release --bin tracekit >&2 || exit 2
fi
mkdir -p "$DIR"
gen() { [ -e "$DIR/$2" ] || nice -n 10 python3 tests/bench/big_traces.py "$1" "$3" "$DIR/$2" || exit 2; }
gen fan fan.otlp.jsonl "$FAN"
gen chain chain.otlp.jsonl "$CHAIN"
gen chain-pair pair "$PAIR"

# Budgets in bytes per span of peak RSS (whole process: the loaded model included). Keep in
# sync with the "Memory" paragraph of tests/tools/README.template.md.
budget() {
  case "$1" in
    "diff") echo 2000 ;;
    "export-html" | "export-chrome") echo 1500 ;;
    *) echo 1000 ;;
  esac
}

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; [ "${KEEP:-0}" = 1 ] || rm -rf "$DIR"' EXIT
fail=0
printf '%-16s %-12s %8s %10s %8s %8s %7s\n' command input spans "peak MiB" "B/span" "time s" budget
row() { # name input spans -- args...
  local name=$1 input=$2 spans=$3
  shift 4
  echo "$name $input" | grep -Eq "$ONLY" || return 0
  local t0 t1 rc kib
  t0=$(date +%s.%N)
  nice -n 10 /usr/bin/time -f '%M' -o "$OUT/time" "$BIN" --quiet --color never "$@" >"$OUT/stdout" 2>"$OUT/stderr"
  rc=$?
  t1=$(date +%s.%N)
  kib=$(tail -1 "$OUT/time")
  local bps=$((kib * 1024 / spans)) b
  b=$(budget "$name")
  local mark=""
  if [ "$rc" -gt 1 ]; then mark="FAILED (exit $rc: $(head -c 200 "$OUT/stderr" | tr '\n' ' '))"; fail=1;
  elif [ "$bps" -gt "$b" ]; then mark="over"; fail=1; fi
  printf '%-16s %-12s %8d %10.1f %8d %8.2f %7d %s\n' "$name" "$input" "$spans" \
    "$(echo "$kib / 1024" | bc -l)" "$bps" "$(echo "$t1 - $t0" | bc -l)" "$b" "$mark"
  rm -f "$OUT/stdout" "$OUT"/out.*
}

for input in fan chain; do
  f="$DIR/$input.otlp.jsonl"
  if [ "$input" = fan ]; then n=$((FAN + 1)); else n=$CHAIN; fi
  row show "$input" "$n" -- show "$f"
  row show-json "$input" "$n" -- show --format json "$f"
  for to in html chrome jaeger zipkin otlp-json; do
    row "export-$to" "$input" "$n" -- export --to "$to" -o "$OUT/out.$to" "$f"
  done
  row critical-path "$input" "$n" -- critical-path "$f"
  row check "$input" "$n" -- check "$f"
  row lint "$input" "$n" -- lint "$f"
  row stats "$input" "$n" -- stats "$f"
done
row diff pair $((2 * PAIR)) -- diff "$DIR/pair/base.otlp.jsonl" "$DIR/pair/cand.otlp.jsonl"
exit $fail
