#!/usr/bin/env bash
# The codec demo: one Direct Push exchange (a device's Ping and the server's answer) through Cradle's
# EAS codec, checked byte for byte against libwbxml.
#
#   scripts/codec-demo.sh
#
# Installs missing build packages and libwbxml's tools, builds eas-wbxml into build/ if needed,
# then for each message prints the XML, the WBXML bytes in hex and what was checked. Exits
# non-zero on the first mismatch. Work files are left in build/demo/. CRADLE_BUILD_DIR names
# another build folder, CRADLE_JOBS the number of parallel jobs.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
jobs=${CRADLE_JOBS:-$(nproc)}
build="$root/${CRADLE_BUILD_DIR:-build}"
work="$build/codec-demo"

# The ActiveSync prolog that selects libwbxml's ActiveSync tables (xml2wbxml needs it).
prolog='<?xml version="1.0"?>'
prolog+='<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN"'
prolog+=' "http://www.microsoft.com/">'

# MS-ASCMD 2.2.1.13: the device asks to be told of changes in two folders within 480 s.
ping_request='<Ping xmlns="Ping:"><HeartbeatInterval>480</HeartbeatInterval><Folders>'
ping_request+='<Folder><Id>5</Id><Class>Email</Class></Folder>'
ping_request+='<Folder><Id>2</Id><Class>Calendar</Class></Folder>'
ping_request+='</Folders></Ping>'
# The server answers before the heartbeat ends: Status 2, folder 5 (the Inbox) has changes.
ping_response='<Ping xmlns="Ping:"><Status>2</Status><Folders><Folder>5</Folder></Folders></Ping>'

say() {
  printf '%s\n' "$*"
}

fail() {
  say "demo: FAILED: $*" >&2
  exit 1
}

# Builds the targets given (quietly; the log is printed only when the build fails).
build_targets() {
  mkdir -p "$build"
  if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRADLE_WERROR=ON \
      >"$build/demo-build.log" 2>&1 || {
      cat "$build/demo-build.log"
      fail "cmake could not configure build/"
    }
  fi
  cmake --build "$build" -j "$jobs" --target "$@" >"$build/demo-build.log" 2>&1 || {
    cat "$build/demo-build.log"
    fail "the build failed"
  }
}

# Prints a file's bytes as hex, 16 to a line, indented.
hex() {
  od -An -v -tx1 "$1" | sed -E 's/^ */    /'
}

# The XML without its declaration and DOCTYPE, on one line (as both tools print the body).
body_of() {
  tr -d '\n' <"$1" | sed -E 's/<\?xml[^>]*\?>//; s/<!DOCTYPE[^>]*>//'
}

# Encodes one message with eas-wbxml and with libwbxml, compares the bytes, decodes them back
# with both and compares the XML.
exchange_message() {
  local name=$1 title=$2 xml=$3
  local cli="$build/bin/eas-wbxml"
  printf '%s%s\n' "$prolog" "$xml" >"$work/$name.xml"

  say ""
  say "$title"
  say "  XML:   $xml"

  "$cli" encode <"$work/$name.xml" >"$work/$name.wbxml" || fail "eas-wbxml encode refused $name"
  say "  WBXML: $(stat -c %s "$work/$name.wbxml") bytes from eas-wbxml encode:"
  hex "$work/$name.wbxml"

  xml2wbxml -n -a -o "$work/$name.libwbxml.wbxml" "$work/$name.xml" >"$work/libwbxml.log" 2>&1 ||
    fail "xml2wbxml could not encode $name: $(tail -n 1 "$work/libwbxml.log")"
  if cmp -s "$work/$name.wbxml" "$work/$name.libwbxml.wbxml"; then
    say "  libwbxml (xml2wbxml -n -a) writes the same bytes."
  else
    say "  libwbxml (xml2wbxml -n -a) writes:"
    hex "$work/$name.libwbxml.wbxml"
    fail "the encodings of $name differ"
  fi

  "$cli" decode <"$work/$name.wbxml" >"$work/$name.decoded.xml" ||
    fail "eas-wbxml decode refused its own bytes for $name"
  [[ "$(body_of "$work/$name.decoded.xml")" == "$xml" ]] ||
    fail "eas-wbxml decode gave $(body_of "$work/$name.decoded.xml")"
  wbxml2xml -l ACTIVESYNC -m 0 -o "$work/$name.libwbxml.xml" "$work/$name.wbxml" \
    >"$work/libwbxml.log" 2>&1 ||
    fail "wbxml2xml could not decode $name: $(tail -n 1 "$work/libwbxml.log")"
  [[ "$(body_of "$work/$name.libwbxml.xml")" == "$xml" ]] ||
    fail "wbxml2xml -l ACTIVESYNC gave $(body_of "$work/$name.libwbxml.xml")"
  say "  eas-wbxml decode and libwbxml (wbxml2xml) both read them back as the XML above."
}

# Hostile input is refused with one line naming the byte offset, not a crash.
refuse_truncated() {
  local name=$1 keep=$2
  head -c "$keep" "$work/$name.wbxml" >"$work/$name.truncated.wbxml"
  local status=0
  "$build/bin/eas-wbxml" decode <"$work/$name.truncated.wbxml" >/dev/null \
    2>"$work/$name.truncated.err" || status=$?
  [[ $status -eq 1 ]] || fail "a truncated $name gave exit status $status, not 1"
  say ""
  say "The same Ping cut after $keep bytes is refused (exit status 1):"
  say "  $(head -n 1 "$work/$name.truncated.err")"
}

main() {
  "$root/scripts/install-deps.sh" demo
  say "Cradle codec demo: a Direct Push exchange through the EAS codec (eas/), checked against libwbxml."
  say "Building eas-wbxml in ${build#"$root"/}/ (the first time takes a minute or two)..."
  build_targets eas-wbxml
  mkdir -p "$work"
  exchange_message ping-request \
    "Device -> server: Ping, heartbeat 480 s, folders 5 (Email) and 2 (Calendar)" "$ping_request"
  exchange_message ping-response "Server -> device: Ping response, Status 2 (changes), folder 5" \
    "$ping_response"
  refuse_truncated ping-request 20
  say ""
  say "demo: ok: 2 messages encoded and decoded, identical to libwbxml; files in ${work#"$root"/}/"
}

main "$@"
