#!/usr/bin/env bash
# The demo: Direct Push end to end on loopback. mapi-sim (the simulated Exchange server, HTTPS
# with its own CA) and a handheld (eas-ping, a WM6.1 device's Provision / FolderSync / Sync /
# Ping loop; device-sim replaces it) run as separate processes; three mails are delivered at
# random moments and each one's push latency is printed, then the same trace is compared with
# 10-minute polling.
#
#   scripts/demo.sh
#
# Installs missing packages, builds into build/ if needed (CRADLE_BUILD_DIR, CRADLE_JOBS), works
# in a temporary folder and stops every process it started. The bridge (cradle serve) joins the
# path between the two once it exists.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${CRADLE_JOBS:-$(nproc)}
build="$root/${CRADLE_BUILD_DIR:-build}"
work=$(mktemp -d "${TMPDIR:-/tmp}/cradle-demo.XXXXXX")
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

say() {
  printf '%s\n' "$*"
}

fail() {
  say "demo: FAILED: $*" >&2
  for log in "$work"/*.log; do
    [[ -f "$log" ]] && { say "--- ${log##*/}" >&2; tail -n 20 "$log" >&2; }
  done
  exit 1
}

build_targets() {
  mkdir -p "$build"
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRADLE_WERROR=ON \
      >"$build/demo-build.log" 2>&1 || {
      cat "$build/demo-build.log"
      fail "cmake could not configure ${build#"$root"/}/"
    }
  fi
  cmake --build "$build" -j "$jobs" --target "$@" >"$build/demo-build.log" 2>&1 || {
    cat "$build/demo-build.log"
    fail "the build failed"
  }
}

# Waits (up to $2 seconds) until file $1 contains a line matching $3.
wait_for() {
  local file=$1 seconds=$2 pattern=$3 i
  for ((i = 0; i < seconds * 20; i++)); do
    if [[ -f "$file" ]] && grep -q -- "$pattern" "$file"; then
      return 0
    fi
    sleep 0.05
  done
  return 1
}

main() {
  "$root/scripts/install-deps.sh" demo
  say "Cradle demo: Direct Push from a simulated Exchange server to a simulated handheld."
  say "Building mapi-sim and eas-ping in ${build#"$root"/}/ (the first time takes a few minutes)..."
  build_targets mapi-sim eas-ping
  local sim="$build/bin/mapi-sim" data="$work/exchange" password
  password="demo-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

  "$sim" --data "$data" user add alice --email alice@example.com <<<"$password" >/dev/null
  "$sim" serve --data "$data" --listen 127.0.0.1:0 --tls >"$work/mapi-sim.log" 2>&1 &
  pids+=($!)
  wait_for "$data/eas.url" 20 "https://" || fail "mapi-sim did not start"
  local url
  url=$(head -n 1 "$data/eas.url")
  say ""
  say "mapi-sim: Exchange 2007 profile on $url (certificate from its own CA, verified)"

  "$build/bin/eas-ping" --url "$url" --ca "$data/ca.pem" --user alice --device-id DEMO0WM61 \
    --version 12.1 --heartbeat 480 --count 3 <<<"$password" >"$work/device.log" 2>&1 &
  local device=$!
  pids+=("$device")
  wait_for "$work/device.log" 30 "holding Pings" || fail "the device did not reach Direct Push"
  say "device:   WM 6.1 (EAS 12.1) provisioned, Inbox synced, Ping held with a 480 s heartbeat"
  say ""

  local subjects=("Quarterly numbers" "Lunch on Friday?" "Build is green")
  for subject in "${subjects[@]}"; do
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.5 + (r % 150) / 100 }')"
    "$sim" --data "$data" deliver --to alice --subject "$subject" --body "Sent by the demo." \
      >/dev/null || fail "deliver failed"
    wait_for "$work/device.log" 10 "pushed: \"$subject\"" || fail "\"$subject\" was not pushed"
    say "  $(grep "pushed: \"$subject\"" "$work/device.log")"
  done
  wait "$device" || fail "the device stopped with an error"

  # Under 10-minute polling (the WM peak default) a mail waits for the next poll: with polls at
  # a random phase, half the interval on average and up to the whole interval.
  local latencies
  latencies=$(grep -o 'latency [0-9]* ms' "$work/device.log" | awk '{ s += $2 } END { printf "%.0f", s / NR }')
  say ""
  say "Direct Push:         3 wake-ups for 3 mails, mean delay ${latencies} ms."
  say "10-minute polling:   6 wake-ups an hour whether mail comes or not; each of these mails"
  say "                     would wait for the next poll: 300 s on average, up to 600 s."
  say ""
  say "demo: ok (mapi-sim stopped; files removed)"
}

main "$@"
