#!/usr/bin/env bash
# `cmake --install` into a scratch root (DESTDIR): every file lands where
# the systemd unit and the documentation say, the man pages render without
# warnings, and the example config and man pages cover every option.
# Usage: install_layout.sh BUILD_DIR SOURCE_DIR
build="$1"
source="$2"
. "$(dirname "$0")/common.sh"

# A package's layout: prefix /usr.
root="$scratch/root"
DESTDIR="$root" cmake --install "$build" --prefix /usr >"$scratch/install.log"

for f in usr/sbin/parleyd usr/bin/parley; do
  [ -x "$root/$f" ] || fail "$f missing or not executable"
done
if [ -x "$build/parleyctl" ]; then
  [ -x "$root/usr/sbin/parleyctl" ] || fail "usr/sbin/parleyctl missing"
fi
unit="$root/lib/systemd/system/parleyd.service"
config="$root/etc/parley/parleyd.toml"
for f in "$unit" "$config" "$root/usr/lib/sysusers.d/parley.conf" \
  "$root/usr/share/doc/parley/README.md" "$root/usr/share/doc/parley/LICENSE" \
  "$root/usr/share/doc/parley/copyright" "$root/usr/share/doc/parley/docs/PROTOCOL.md"; do
  [ -f "$f" ] || fail "${f#"$root"} missing"
done
grep -q "GNU GENERAL PUBLIC LICENSE" "$root/usr/share/doc/parley/LICENSE" || fail "LICENSE is not the GPL"
grep -q "^License: GPL-3.0-or-later" "$root/usr/share/doc/parley/copyright" || fail "copyright does not say GPL-3.0-or-later"

# The unit starts the installed program with the installed config, as the
# user the sysusers.d entry and the package create, in the state directory
# the config puts the database in.
[ "$(unit_value "$unit" ExecStart)" = "/usr/sbin/parleyd --config /etc/parley/parleyd.toml" ] ||
  fail "ExecStart is '$(unit_value "$unit" ExecStart)'"
exec_path="$(unit_value "$unit" ExecStart | cut -d' ' -f1)"
config_path="$(unit_value "$unit" ExecStart | sed -n 's/.* --config \([^ ]*\).*/\1/p')"
[ -x "$root$exec_path" ] || fail "ExecStart program $exec_path is not installed"
[ -f "$root$config_path" ] || fail "ExecStart config $config_path is not installed"
[ "$(unit_value "$unit" Type)" = notify ] || fail "Type is not notify"
[ "$(unit_value "$unit" ExecReload)" = '/bin/kill -HUP $MAINPID' ] || fail "ExecReload is not SIGHUP"
[ "$(unit_value "$unit" User)" = parley ] || fail "User is not parley"
grep -q '^u parley ' "$root/usr/lib/sysusers.d/parley.conf" || fail "sysusers.d does not make the parley user"
[ "$(unit_value "$unit" StateDirectory)" = parley ] || fail "StateDirectory is not parley"
grep -qx 'db = "/var/lib/parley/parley.db"' "$config" || fail "the config's db is not in /var/lib/parley"
[ "$(unit_value "$unit" CapabilityBoundingSet)" = "" ] || fail "the unit grants capabilities"
for setting in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
  ProtectKernelTunables=yes ProtectKernelModules=yes ProtectControlGroups=yes \
  "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" RestrictNamespaces=yes LockPersonality=yes \
  MemoryDenyWriteExecute=yes SystemCallFilter=@system-service UMask=0077 Restart=on-failure; do
  grep -qx "$setting" "$unit" || fail "the unit lacks $setting"
done

# Man pages: installed, compressed, and rendered without a warning.
for page in man8/parleyd.8 man8/parleyctl.8 man1/parley.1; do
  file="$root/usr/share/man/$page.gz"
  if [ ! -f "$file" ]; then
    fail "man page $page.gz missing"
    continue
  fi
  warnings="$(MANWIDTH=80 man --warnings -l "$file" 2>&1 >/dev/null)" || fail "man cannot render $page"
  [ -z "$warnings" ] || fail "man warns about $page: $warnings"
  rendered="$(MANWIDTH=80 man -l "$file" 2>/dev/null)"
  for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
    grep -qx "$section" <<<"$rendered" || fail "$page has no $section section"
  done
done
parleyd_page="$(MANWIDTH=200 man -l "$root/usr/share/man/man8/parleyd.8.gz" 2>/dev/null)"
for signal in SIGHUP SIGTERM SIGINT SIGUSR1 SIGUSR2; do
  grep -q "$signal" <<<"$parleyd_page" || fail "parleyd(8) does not mention $signal"
done

# Every option of the programs is in their man pages; every setting of
# parleyd (its long options, less the ones that only act) in the example
# config.
for option in $(long_options "$build/parleyd"); do
  grep -qF -- "*$option*" "$source/docs/man/parleyd.8.scd" || fail "parleyd(8) does not describe $option"
  case "$option" in
    --help | --config | --version | --check-config) continue ;;
  esac
  grep -qE "^#? ?${option#--} = " "$config" || fail "the example config does not show ${option#--}"
done
for option in $(long_options "$build/parley"); do
  grep -qF -- "*$option*" "$source/docs/man/parley.1.scd" || fail "parley(1) does not describe $option"
done
if [ -x "$build/parleyctl" ]; then
  for option in $(long_options "$build/parleyctl"); do
    grep -qF -- "*$option*" "$source/docs/man/parleyctl.8.scd" || fail "parleyctl(8) does not describe $option"
  done
fi

# parleyd accepts the example config as it is (where it can check one
# without starting: --check-config), with the database moved to scratch.
if long_options "$build/parleyd" | grep -qx -- --check-config; then
  "$build/parleyd" --check-config --config "$config" --db "$scratch/parley.db" 0 >"$scratch/check.log" 2>&1 ||
    fail "parleyd --check-config refuses the example config: $(cat "$scratch/check.log")"
fi

# Any other prefix keeps everything under it, and the unit follows.
local_root="$scratch/local"
DESTDIR="$local_root" cmake --install "$build" --prefix /usr/local >"$scratch/install-local.log"
local_unit="$local_root/usr/local/lib/systemd/system/parleyd.service"
if [ -f "$local_unit" ]; then
  [ "$(unit_value "$local_unit" ExecStart)" = "/usr/local/sbin/parleyd --config /usr/local/etc/parley/parleyd.toml" ] ||
    fail "with prefix /usr/local, ExecStart is '$(unit_value "$local_unit" ExecStart)'"
  [ -f "$local_root/usr/local/etc/parley/parleyd.toml" ] || fail "with prefix /usr/local, no config in /usr/local/etc"
else
  fail "with prefix /usr/local, no unit in /usr/local/lib/systemd/system"
fi
leaked="$(cd "$local_root" && find . -type f ! -path './usr/local/*')"
[ -z "$leaked" ] || fail "with prefix /usr/local, files outside it: $leaked"

finish
