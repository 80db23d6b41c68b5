#!/usr/bin/env bash
# Installs the Debian packages Cradle needs for a profile (build, demo, test, bench) when they are missing.
#
#   scripts/install-deps.sh build|demo|test|bench
#
# Prints nothing when everything is present. As root it installs what is missing with apt-get;
# otherwise it prints the one `sudo apt-get install ...` line to run and exits with status 1.
set -euo pipefail

# One package per line; a later part adds its packages here.
build_packages=(
  g++
  cmake
  ninja-build
  pkg-config
  ccache
  libpoco-dev
  catch2
  libsqlite3-dev
  libssl-dev
)

# The demo profile (scripts/demo.sh) is the build profile plus these.
demo_packages=(
  libwbxml2-utils     # xml2wbxml / wbxml2xml: the differential oracle
)

# The test profile is the demo profile plus these.
test_packages=(
  libwbxml2-dev       # libwbxml's C API, the benchmark baseline
  clang               # fuzz targets (libFuzzer)
  libclang-rt-14-dev  # libFuzzer and sanitizer runtimes for clang 14
)

# The bench profile (bench/README.md) is the test profile plus these.
bench_packages=(
  nginx               # the reverse-proxy baseline for held requests
)

usage() {
  echo "usage: $0 build|demo|test|bench" >&2
  exit 2
}

[[ $# -eq 1 ]] || usage
case "$1" in
  build) wanted=("${build_packages[@]}") ;;
  demo) wanted=("${build_packages[@]}" "${demo_packages[@]}") ;;
  test) wanted=("${build_packages[@]}" "${demo_packages[@]}" "${test_packages[@]}") ;;
  bench)
    wanted=("${build_packages[@]}" "${demo_packages[@]}" "${test_packages[@]}"
      "${bench_packages[@]}")
    ;;
  *) usage ;;
esac

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  if [[ "$status" != "installed" ]]; then
    missing+=("$package")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

install_flags=(-y -o DPkg::Lock::Timeout=600 --no-install-recommends)

if [[ $(id -u) -ne 0 ]]; then
  echo "sudo apt-get install -y --no-install-recommends ${missing[*]}"
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# The package lists need refreshing when apt knows no candidate for a missing package (fresh
# machine, empty lists) or when an install fails on stale lists.
needs_update=false
for package in "${missing[@]}"; do
  candidate=$(apt-cache policy "$package" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
  if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
    needs_update=true
    break
  fi
done

echo "install-deps: installing ${missing[*]}"
if [[ "$needs_update" == true ]]; then
  apt-get update -o DPkg::Lock::Timeout=600 -qq
fi
if ! apt-get install -qq "${install_flags[@]}" "${missing[@]}"; then
  if [[ "$needs_update" == true ]]; then
    exit 1
  fi
  apt-get update -o DPkg::Lock::Timeout=600 -qq
  apt-get install -qq "${install_flags[@]}" "${missing[@]}"
fi
