#!/usr/bin/env bash
# systemd-analyze verify on the installed unit: no warning at all (it
# reports unknown keys and bad values on stderr but still exits 0). The
# unit is checked with ExecStart pointing into the scratch root, and man
# finds the installed pages there, as Documentation= asks.
# Usage: unit_verify.sh BUILD_DIR SOURCE_DIR
build="$1"
source="$2"
. "$(dirname "$0")/common.sh"

if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze not found (Debian package systemd; scripts/install-deps installs it)"
  exit 77
fi

root="$scratch/root"
DESTDIR="$root" cmake --install "$build" --prefix /usr >"$scratch/install.log"
mkdir -p "$scratch/units"
sed "s|^ExecStart=/usr/sbin/|ExecStart=$root/usr/sbin/|" "$root/lib/systemd/system/parleyd.service" \
  >"$scratch/units/parleyd.service"
grep -q "^ExecStart=$root/usr/sbin/parleyd " "$scratch/units/parleyd.service" || fail "ExecStart not found"

if ! output="$(MANPATH="$root/usr/share/man" systemd-analyze verify "$scratch/units/parleyd.service" 2>&1)"; then
  fail "systemd-analyze verify failed: $output"
elif [ -n "$output" ]; then
  fail "systemd-analyze verify warns: $output"
fi

# The same check catches a broken unit.
sed 's/^Type=notify$/Type=notfy/' "$scratch/units/parleyd.service" >"$scratch/units/broken.service"
broken="$(MANPATH="$root/usr/share/man" systemd-analyze verify "$scratch/units/broken.service" 2>&1)" || true
[ -n "$broken" ] || fail "systemd-analyze verify accepts Type=notfy: the check cannot fail"

finish
