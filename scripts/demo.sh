#!/usr/bin/env bash
# The demo: Direct Push end to end on loopback, three processes. mapi-sim (the simulated
# Exchange server, HTTPS with its own CA), the bridge (`cradle serve`, HTTPS with the bridge's
# CA, relaying to mapi-sim with the stored credential) and device-sim (a WM 6.1 handheld talking
# to the bridge with its device secret). The partnership is made with `cradle device add`. Mails,
# a contact, a meeting and a task are delivered at random moments; each is printed as the device
# receives it, with its push latency; then the same against 10-minute polling.
#
#   scripts/demo.sh
#
# Installs missing packages, builds into build/ if needed (CRADLE_BUILD_DIR, CRADLE_JOBS), works
# in a temporary folder and stops every process it started.
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

# Milliseconds since the epoch of an event line's "ts".
event_ms() {
  local ts
  ts=$(sed -E 's/.*"ts":"([^"]+)".*/\1/' <<<"$1")
  date -d "$ts" +%s%3N
}

main() {
  "$root/scripts/install-deps.sh" demo
  say "Cradle demo: Direct Push from a simulated Exchange server, through the bridge, to a"
  say "simulated Windows Mobile 6.1 handheld."
  say "Building mapi-sim, cradle and device-sim in ${build#"$root"/}/ (the first time takes a few minutes)..."
  build_targets mapi-sim cradle device-sim
  local sim="$build/bin/mapi-sim" cradle="$build/bin/cradle" data="$work/exchange"
  local bridge="$work/bridge" password
  password="demo-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

  "$sim" --data "$data" user add alice --email alice@example.com <<<"$password" >/dev/null
  "$sim" serve --data "$data" --listen 127.0.0.1:0 --tls >"$work/mapi-sim.log" 2>&1 &
  pids+=($!)
  wait_for "$data/eas.url" 20 "https://" || fail "mapi-sim did not start"
  local upstream
  upstream=$(head -n 1 "$data/eas.url")
  say ""
  say "mapi-sim: Exchange 2007 profile on $upstream (its own CA)"

  # The partnership: the upstream password goes in on stdin and is stored sealed; the device
  # gets a secret of its own (mode 0600 file).
  "$cradle" device add --state "$bridge" --device-id DEMO0WM61 --device-type PocketPC \
    --user alice --server "$upstream" --ca "$data/ca.pem" --secret-out "$work/device.secret" \
    <<<"$password" >/dev/null || fail "cradle device add failed"
  "$cradle" serve --state "$bridge" --listen 127.0.0.1:0 >"$work/cradle.log" 2>&1 &
  pids+=($!)
  wait_for "$bridge/listen.url" 20 "https://" || fail "cradle serve did not start"
  local url
  url=$(head -n 1 "$bridge/listen.url")
  say "bridge:   cradle serve on $url (the bridge's CA), upstream verified against mapi-sim's CA"

  "$build/bin/device-sim" run --state "$work/device" --profile wm61 --bridge "$url" \
    --ca "$bridge/ca.pem" --user alice --device-id DEMO0WM61 \
    --password-file "$work/device.secret" --types email,contacts,calendar,tasks \
    --max-pushes 6 >"$work/device.log" 2>&1 </dev/null &
  local device=$!
  pids+=("$device")
  wait_for "$work/device.log" 30 '"event":"sync","initial":true' ||
    fail "the device did not reach Direct Push"
  say "device:   WM 6.1 (EAS 12.1) provisioned through the bridge, four folders synced; its Ping is"
  say "          held by the bridge, which keeps one upstream Ping of its own at mapi-sim"
  say ""

  local kinds=(mail mail mail contact meeting task) i=0 what before line added ms start
  local arrivals=()
  start=$(date +%s%3N)
  local titles=("Quarterly numbers" "Lunch on Friday?" "Build is green" "Ada Lovelace"
    "Design review" "File expenses")
  for what in "${kinds[@]}"; do
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.2f", 0.5 + (r % 100) / 100 }')"
    before=$(date +%s%3N)
    arrivals+=("$((before - start))")
    case "$what" in
      mail) "$sim" --data "$data" deliver --to alice --subject "${titles[i]}" \
        --body "Sent by the demo." >/dev/null ;;
      contact) "$sim" --data "$data" contact add --user alice --first Ada --last Lovelace \
        --email ada@example.com >/dev/null ;;
      meeting) "$sim" --data "$data" event add --user alice --subject "${titles[i]}" \
        --start "$(date -u -d tomorrow +%Y-%m-%dT10:00:00Z)" \
        --end "$(date -u -d tomorrow +%Y-%m-%dT11:00:00Z)" --tz "W. Europe" >/dev/null ;;
      task) "$sim" --data "$data" task add --user alice --subject "${titles[i]}" \
        --due "$(date -u -d '+3 days' +%Y-%m-%dT17:00:00Z)" >/dev/null ;;
    esac
    # A contact's name is filed "Last, First".
    local pattern="${titles[i]}"
    [[ $what == contact ]] && pattern="Lovelace, Ada"
    wait_for "$work/device.log" 15 "\"item-added\".*\"$pattern\"" ||
      fail "$what \"${titles[i]}\" did not reach the device"
    line=$(grep "\"item-added\".*\"$pattern\"" "$work/device.log" | head -n 1)
    added=$(event_ms "$line")
    ms=$(sed -nE 's/.*"latencyMs":(-?[0-9]+).*/\1/p' <<<"$line")
    if [[ -n "$ms" ]]; then
      printf '  %-8s %-22s on the device %4s ms after delivery\n' "$what" "\"${titles[i]}\"" "$ms"
    else
      printf '  %-8s %-22s on the device %4s ms after it was added\n' "$what" \
        "\"$pattern\"" "$((added - before))"
    fi
    i=$((i + 1))
  done
  wait "$device" || fail "the device stopped with an error"
  local summary wakeups mean
  summary=$(grep '"event":"summary"' "$work/device.log")
  wakeups=$(sed -nE 's/.*"wakeUps":([0-9]+).*/\1/p' <<<"$summary")
  mean=$(sed -nE 's/.*"meanLatencyMs":(-?[0-9]+).*/\1/p' <<<"$summary")

  # The same trace under 10-minute polling (the WM peak default): polls every 600 s from a
  # random phase; each item waits for the next poll after it arrived.
  local phase=$((RANDOM % 600000)) total=0 t
  for t in "${arrivals[@]}"; do
    total=$((total + ((phase - t) % 600000 + 600000) % 600000))
  done
  say ""
  say "Direct Push:         $wakeups wake-ups for 6 items; mail on the device ${mean} ms after delivery on average."
  say "10-minute polling:   6 wake-ups an hour whether anything comes or not; on this trace (next"
  say "                     poll $((phase / 1000)) s after the start) the items would wait $((total / 6000)) s on average;"
  say "                     over all poll phases, 300 s on average and up to 600 s."
  say ""
  say "demo: ok (mapi-sim, cradle and device-sim stopped; files removed)"
}

main "$@"
