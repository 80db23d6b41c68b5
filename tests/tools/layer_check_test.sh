#!/usr/bin/env bash
# Self-test of tools/layer-check.sh on two fixture trees: layer-good (every kind of allowed
# include) must pass; layer-bad must fail and report exactly the lines marked "// violation".
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
check="$root/tools/layer-check.sh"
fixtures="$root/tests/fixtures"

fail() {
  echo "layer_check_test: $*"
  exit 1
}

if ! output=$(bash "$check" "$fixtures/layer-good"); then
  echo "$output"
  fail "the allowed includes in layer-good were refused"
fi
echo "$output"

status=0
output=$(bash "$check" "$fixtures/layer-bad") || status=$?
echo "$output"
[[ $status -eq 1 ]] || fail "expected exit status 1 on layer-bad, got $status"

reported=$(grep -oE '^[^ :]+:[0-9]+:' <<<"$output" | sort -u)
expected=$(cd "$fixtures/layer-bad" &&
  grep -rnE '^[[:space:]]*#[[:space:]]*include.*// violation' . | sed -E 's|^\./||' |
  grep -oE '^[^:]+:[0-9]+:' | sort -u)
[[ -n "$expected" ]] || fail "no line of layer-bad is marked // violation"
if [[ "$reported" != "$expected" ]]; then
  diff <(echo "$expected") <(echo "$reported") || true
  fail "reported violations differ from the marked lines (< marked, > reported)"
fi
echo "layer_check_test: $(wc -l <<<"$expected") marked violations reported, layer-good clean"
