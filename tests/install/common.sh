# Shared by the installation tests: fail() and a scratch directory removed
# at exit. Usage: . common.sh (with $build and $source set).
set -euo pipefail

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}

scratch="$(mktemp -d "${TMPDIR:-/tmp}/parley-install-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

# The long options a program's --help lists under "Options:".
long_options() {
  "$1" --help | sed -n '/^Options:/,/^$/p' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

# A unit's setting, e.g. unit_value FILE ExecStart.
unit_value() {
  sed -n "s/^$2=//p" "$1" | tail -n 1
}
