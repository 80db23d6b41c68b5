#!/bin/sh
# Runs each libFuzzer target for a while on its seed corpus and regressions.
# Usage: tests/fuzz/run.sh <bin dir> [seconds per target, default 30]
# New inputs go to a scratch directory, never into the source tree; a crash leaves
# crash-* files in the current directory (copy them to tests/fuzz/regress/<target>/).
set -eu
bin=${1:?usage: run.sh <bin dir> [seconds]}
seconds=${2:-30}
here=$(cd "$(dirname "$0")" && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cradle-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
status=0
for target in fuzz-wbxml-decoder fuzz-xml-reader fuzz-http-parser; do
  mkdir -p "$scratch/$target"
  dict=""
  if [ -f "$here/$target.dict" ]; then
    dict="-dict=$here/$target.dict"
  fi
  echo "== $target: ${seconds}s"
  # shellcheck disable=SC2086
  "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 $dict "$scratch/$target" "$here/corpus/$target" \
    "$here/regress/$target" || status=1
done
exit $status
