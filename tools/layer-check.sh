#!/usr/bin/env bash
# Layer check: fails when a part includes a part or a library it may not use.
#
#   tools/layer-check.sh [ROOT]     ROOT defaults to the repository this script lives in.
#
# Reads the #include lines of every source file under ROOT/{eas,net,usb,bridge,mapi-sim,
# device-sim,tray}/ and applies the table "Who may use whom" (STYLE.md, DESIGN.md):
#
#   part                    may include (besides itself and the standard library)
#   eas/                    Poco Foundation only; no I/O or thread headers
#   net/                    no other part; the only home of Poco::Net / NetSSL
#   usb/                    no other part, except net/ from the virtual backend (usb/virtual*)
#   bridge/                 eas/, net/, usb/; Poco::Data
#   bridge/control/client/  net/ only (the control-API client the tray links)
#   mapi-sim/               eas/, net/; Poco::Data
#   device-sim/             eas/, net/, usb/
#   tray/                   bridge/control/client/ only; wxWidgets
#
# and the one-home rule for libraries: libusb only in usb/libusb_backend*, Poco::Net only in
# net/, wxWidgets only in tray/, Poco::Data only in bridge/ and mapi-sim/.
# Includes are by path from the repository root; a path with "../" is refused.
#
# Prints one line per violation (FILE:LINE: reason) and a count; exits 0 when clean, 1 on
# violations, 2 on a usage error.
set -euo pipefail

if [[ $# -gt 1 ]]; then
  echo "usage: $0 [ROOT]" >&2
  exit 2
fi
root=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
if [[ ! -d "$root" ]]; then
  echo "layer-check: $root is not a folder" >&2
  exit 2
fi
root=$(cd "$root" && pwd)

parts=(eas net usb bridge mapi-sim device-sim tray)

# The include prefixes (parts, or a folder of one) that a file may include, besides its own part.
allowed_prefixes() {
  case "$1" in
    eas/*) echo "eas" ;;
    net/*) echo "net" ;;
    usb/virtual*) echo "usb net" ;;
    usb/*) echo "usb" ;;
    bridge/control/client/*) echo "bridge/control/client net" ;;
    bridge/*) echo "bridge eas net usb" ;;
    mapi-sim/*) echo "mapi-sim eas net" ;;
    device-sim/*) echo "device-sim eas net usb" ;;
    tray/*) echo "tray bridge/control/client" ;;
  esac
}

# What eas/ may take from outside: the C++ standard library (minus I/O and threads), the C
# headers it wraps, and Poco Foundation (minus its file, process and thread classes).
eas_external_reason() {
  local include=$1
  case "$include" in
    iostream | fstream | filesystem | thread | future | condition_variable | stop_token | \
      semaphore | latch | barrier)
      echo "eas does no I/O and starts no threads (<$include>)" ;;
    Poco/Dynamic/*) ;;
    Poco/*/*) echo "eas uses only Poco Foundation, not ${include%/*}" ;;
    Poco/File.h | Poco/FileStream*.h | Poco/Thread*.h | Poco/Process.h | Poco/Pipe*.h | \
      Poco/SharedMemory.h | Poco/DirectoryIterator.h | Poco/Glob.h)
      echo "eas does no I/O and starts no threads (<$include>)" ;;
    Poco/*.h) ;;
    assert.h | ctype.h | errno.h | float.h | inttypes.h | limits.h | math.h | stdarg.h | \
      stddef.h | stdint.h | stdio.h | stdlib.h | string.h) ;;
    */* | *.*) echo "eas uses only the standard library and Poco Foundation (<$include>)" ;;
    *) ;;
  esac
}

# Returns the reason a file may not include a library header, or nothing.
library_reason() {
  local file=$1 include=$2
  case "$include" in
    libusb.h | libusb-1.0/*)
      [[ "$file" == usb/libusb_backend* ]] || echo "libusb is used only in usb/libusb_backend" ;;
    Poco/Net/*)
      [[ "$file" == net/* ]] || echo "Poco::Net is used only in net/" ;;
    wx/*)
      [[ "$file" == tray/* ]] || echo "wxWidgets is used only in tray/" ;;
    Poco/Data/*)
      if [[ "$file" == bridge/control/client/* ]] ||
        [[ "$file" != bridge/* && "$file" != mapi-sim/* ]]; then
        echo "Poco::Data is used only in bridge/ and mapi-sim/"
      fi ;;
  esac
}

is_part() {
  local name=$1 part
  for part in "${parts[@]}"; do
    [[ "$part" == "$name" ]] && return 0
  done
  return 1
}

existing=()
for part in "${parts[@]}"; do
  [[ -d "$root/$part" ]] && existing+=("$part")
done

include_pattern='^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^>"]*)[>"]'
violations=0
includes=0
report() {
  echo "$1: $2"
  violations=$((violations + 1))
}

if [[ ${#existing[@]} -gt 0 ]]; then
  cd "$root"
  # One line per include: FILE:LINE:#include <x> or "x".
  while IFS= read -r hit; do
    file=${hit%%:*}
    rest=${hit#*:}
    line=${rest%%:*}
    text=${rest#*:}
    [[ "$text" =~ $include_pattern ]] || continue
    opener=${BASH_REMATCH[1]}
    include=${BASH_REMATCH[2]}
    includes=$((includes + 1))
    where="$file:$line"

    if [[ "$include" == *../* || "$include" == ..* ]]; then
      report "$where" "includes by a relative path ($include); include by path from the root"
      continue
    fi

    first=${include%%/*}
    if [[ "$include" == */* ]] && is_part "$first"; then
      ok=false
      prefixes=$(allowed_prefixes "$file")
      for prefix in $prefixes; do
        if [[ "$include" == "$prefix"/* ]]; then
          ok=true
          break
        fi
      done
      if [[ $ok == false ]]; then
        others="no other part"
        [[ "$prefixes" == *" "* ]] && others=${prefixes#* }
        report "$where" "${prefixes%% *}/ may not include $include (it may use: $others)"
      fi
      continue
    fi

    reason=$(library_reason "$file" "$include")
    if [[ -z "$reason" && "$file" == eas/* && "$opener" == "<" ]]; then
      reason=$(eas_external_reason "$include")
    fi
    if [[ -n "$reason" ]]; then
      report "$where" "$reason"
    fi
  done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' \
    --include='*.h' --include='*.hpp' --include='*.hh' --include='*.cpp' --include='*.cc' \
    --include='*.cxx' --include='*.c' --include='*.def' --include='*.inc' --include='*.ipp' \
    "${existing[@]}" | sort -t: -k1,1 -k2,2n || true)
fi

echo "layer-check: ${includes} includes in ${existing[*]:-no parts}: ${violations} violations"
[[ $violations -eq 0 ]]
