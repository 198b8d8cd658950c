#!/usr/bin/env bash
# Run every fuzz target (or those named) in turn: fuzz/run.sh [--dev] [--runs N] [--seconds S] [target...]
#
# cargo-fuzz (libFuzzer) on the machine's stable toolchain: RUSTC_BOOTSTRAP=1 lets stable accept the -Z flags
# cargo-fuzz passes (no nightly can be fetched here). No sanitizer: the crate forbids `unsafe`, and without ASan a
# run makes about twice the executions. Debug assertions and overflow checks are on (cargo-fuzz's default).
# Seeds are built from ../shared/realdata (relative to the repository root) into fuzz/corpus, which is not committed.
# A crash leaves its input in fuzz/artifacts/<target>/ and makes this script exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
# --dev: build the targets unoptimised (minutes less to build, fewer executions a second): CI's brief runs.
build=()
if [[ ${1:-} == --dev ]]; then
  build=(--dev)
  shift
fi
# Each target stops at the first limit met: N executions, S seconds (30 s when neither is given).
limit=()
while [[ ${1:-} == --runs || ${1:-} == --seconds ]]; do
  case $1 in
    --runs) limit+=(-runs="$2") ;;
    --seconds) limit+=(-max_total_time="$2") ;;
  esac
  shift 2
done
[[ ${#limit[@]} -gt 0 ]] || limit=(-max_total_time=30)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(cloudtrail cloudtrail_gzip findings keymap theme ui_state sigma_rules query_rows result_csv)

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
if [[ ! -d fuzz/corpus ]]; then
  python3 fuzz/make_corpus.py ../shared/realdata fuzz/corpus
fi
export RUSTC_BOOTSTRAP=1
cargo fuzz build "${build[@]}" -s none
for t in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  echo "== fuzz $t (${limit[*]})"
  # -max_len: the largest seed; -rss_limit_mb: libFuzzer's default, said aloud (a bomb must meet the load's cap
  # first); -timeout: one input taking 10 s is a hang.
  status=0
  cargo fuzz run "${build[@]}" -s none "$t" "fuzz/corpus/$t" -- "${limit[@]}" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 >"fuzz/artifacts/$t.log" 2>&1 || status=$?
  grep -E '^(INFO: Seed|#[0-9]+[[:space:]]+(INITED|DONE)|stat::(number_of_executed_units|average_exec_per_sec|peak_rss)|==[0-9]+==|SUMMARY|thread .* panicked)' \
    "fuzz/artifacts/$t.log" || true
  if [[ $status -ne 0 ]]; then
    tail -n 40 "fuzz/artifacts/$t.log"
    echo "fuzz $t: failed (exit $status; input in fuzz/artifacts/$t/, log in fuzz/artifacts/$t.log)"
    exit 1
  fi
done
