# Runs at install time, once the prefix is known. Under /usr (a package),
# the config goes to /etc and the unit to systemd's own directory; under any
# other prefix, all of it stays below that prefix (systemd also reads
# /usr/local/lib/systemd/system).
if(IS_ABSOLUTE "${PARLEY_SYSCONFDIR}")
  set(sysconfdir "${PARLEY_SYSCONFDIR}")
elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(sysconfdir "/etc")
else()
  set(sysconfdir "${CMAKE_INSTALL_PREFIX}/${PARLEY_SYSCONFDIR}")
endif()
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(unit_dir "${PARLEY_SYSTEMD_UNIT_DIR}")
  set(sysusers_dir "${PARLEY_SYSUSERS_DIR}")
else()
  set(unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
  set(sysusers_dir "${CMAKE_INSTALL_PREFIX}/lib/sysusers.d")
endif()

# Read by parleyd.service.in.
if(NOT IS_ABSOLUTE "${PARLEY_SBINDIR}")
  set(PARLEY_SBINDIR "${CMAKE_INSTALL_PREFIX}/${PARLEY_SBINDIR}")
endif()
set(PARLEY_CONFIG "${sysconfdir}/parley/parleyd.toml")
configure_file("${PARLEY_DIST_DIR}/systemd/parleyd.service.in" "${PARLEY_STAGE_DIR}/parleyd.service" @ONLY)

file(INSTALL "${PARLEY_STAGE_DIR}/parleyd.service" DESTINATION "${unit_dir}")
file(INSTALL "${PARLEY_DIST_DIR}/parleyd.toml" DESTINATION "${sysconfdir}/parley")
file(INSTALL "${PARLEY_DIST_DIR}/sysusers/parley.conf" DESTINATION "${sysusers_dir}")
