#!/usr/bin/env bash
# cpack -G DEB builds parley_<version>_<arch>.deb; dpkg-deb shows its
# files, control fields, conffiles and maintainer scripts, and unpacking it
# into a scratch root puts each file where the unit and config expect.
# Usage: deb_package.sh BUILD_DIR SOURCE_DIR VERSION
build="$1"
source="$2"
version="$3"
. "$(dirname "$0")/common.sh"

arch="$(dpkg --print-architecture)"
(cd "$scratch" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$scratch/out" >"$scratch/cpack.log" 2>&1) || {
  cat "$scratch/cpack.log" >&2
  fail "cpack failed"
  finish
}
deb="$scratch/out/parley_${version}_${arch}.deb"
[ -f "$deb" ] || {
  fail "no $(basename "$deb"); made: $(ls "$scratch/out")"
  finish
}

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = parley ] || fail "Package is '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)'"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture is '$(field Architecture)'"
depends="$(field Depends)"
for dep in adduser libc6 libsystemd0 libsqlite3-0 libsodium23 libssl3 libreadline8; do
  grep -qE "(^|, )$dep( |,|$)" <<<"$depends" || fail "Depends lacks $dep: $depends"
done

dpkg-deb -e "$deb" "$scratch/control"
[ "$(cat "$scratch/control/conffiles")" = /etc/parley/parleyd.toml ] ||
  fail "conffiles: $(cat "$scratch/control/conffiles" 2>/dev/null)"
for script in postinst prerm postrm; do
  file="$scratch/control/$script"
  [ -x "$file" ] || {
    fail "no executable $script"
    continue
  }
  sh -n "$file" || fail "$script is not valid sh"
done
grep -q 'adduser .*--system .*parley' "$scratch/control/postinst" || fail "postinst does not create the parley user"
grep -q 'deb-systemd-helper enable parleyd.service' "$scratch/control/postinst" || fail "postinst does not enable the unit"
grep -q '/run/systemd/system' "$scratch/control/postinst" || fail "postinst starts without asking whether systemd runs"
grep -q 'stop parleyd.service' "$scratch/control/prerm" || fail "prerm does not stop the service"
# Only purge removes the state.
awk '/"\$1" = purge/,/^fi/' "$scratch/control/postrm" | grep -q 'rm -rf /var/lib/parley' ||
  fail "postrm does not remove /var/lib/parley on purge"
[ "$(grep -c 'rm -rf /var/lib/parley' "$scratch/control/postrm")" = 1 ] || fail "postrm removes state outside purge"

listing="$(dpkg-deb -c "$deb" | awk '{print $6}')"
for f in ./usr/sbin/parleyd ./usr/bin/parley ./etc/parley/parleyd.toml ./lib/systemd/system/parleyd.service \
  ./usr/share/man/man8/parleyd.8.gz ./usr/share/man/man8/parleyctl.8.gz ./usr/share/man/man1/parley.1.gz \
  ./usr/share/doc/parley/copyright ./usr/lib/sysusers.d/parley.conf; do
  grep -qx -- "$f" <<<"$listing" || fail "the package lacks $f"
done
if [ -x "$build/parleyctl" ]; then
  grep -qx ./usr/sbin/parleyctl <<<"$listing" || fail "the package lacks ./usr/sbin/parleyctl"
fi
# Nothing of the build tree, the tests or the benchmarks.
strays="$(grep -vE '^\./(etc/parley|lib/systemd/system|usr/(sbin|bin|share/(man|doc)|lib/sysusers\.d))(/|$)|^\./$|^\./(etc|lib|lib/systemd|usr|usr/share|usr/lib)/$' <<<"$listing" || true)"
[ -z "$strays" ] || fail "unexpected files in the package: $strays"

# Unpacked into a scratch root, the unit's program and config are there.
dpkg-deb -x "$deb" "$scratch/root"
unit="$scratch/root/lib/systemd/system/parleyd.service"
exec_start="$(unit_value "$unit" ExecStart)"
[ "$exec_start" = "/usr/sbin/parleyd --config /etc/parley/parleyd.toml" ] || fail "ExecStart is '$exec_start'"
[ -x "$scratch/root/usr/sbin/parleyd" ] || fail "/usr/sbin/parleyd is not executable"
"$scratch/root/usr/sbin/parleyd" --help >/dev/null || fail "the packaged parleyd does not run"
"$scratch/root/usr/bin/parley" --help >/dev/null || fail "the packaged parley does not run"

finish
