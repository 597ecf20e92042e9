# Packaging.cmake — `cpack` (run in the build folder) makes a Debian package of qvpn.
#
#   cmake -S . -B build && cmake --build build && (cd build && cpack)
#     -> build/qvpn_<version>_wireshark<maj.min>_<arch>.deb
#
# The package holds qvpn.so in the system plugin folder of the Wireshark it was built
# against (pkg-config plugindir + /epan, e.g.
# /usr/lib/x86_64-linux-gnu/wireshark/plugins/4.0/epan/qvpn.so) and depends on that
# Wireshark's library packages within its major.minor, because a plugin only loads
# in the major.minor it was built for:
#   Depends: libwireshark16 (>= 4.0.0), libwireshark16 (<< 4.1~), libwsutil13 (>= 4.0.0), ...
# The package names come from the libraries the module links against, asked of dpkg
# at configure time (`dpkg -S` on the real path of libwireshark.so); without dpkg
# (or for libraries no package owns) they are derived from the SONAME
# (libwireshark.so.18 -> libwireshark18), Debian's naming rule.
#
# Version: PROJECT_VERSION, i.e. project(qvpn VERSION ...) — the same string the
# module reports as plugin_version.
#
# Include after find_package(Wireshark) and pkg_check_modules(GLIB).
#
# SPDX-License-Identifier: GPL-2.0-or-later

set(QVPN_DEB_MAINTAINER "qvpn maintainers" CACHE STRING
    "Maintainer field of the .deb built by cpack")

# The Debian package that holds a library, by its link path.  Sets out_pkg ("" if
# unknown) and out_soname.
function(_qvpn_deb_package_of lib out_pkg out_soname)
  get_filename_component(_real "${lib}" REALPATH)
  set(_pkg "")
  set(_soname "")
  # SONAME: libwireshark.so.16.0.17 -> libwireshark.so.16 (the name the loader wants).
  get_filename_component(_base "${_real}" NAME)
  if(_base MATCHES "^(lib[^.]+)\\.so\\.([0-9]+)")
    set(_soname "${CMAKE_MATCH_1}.so.${CMAKE_MATCH_2}")
    set(_fallback "${CMAKE_MATCH_1}${CMAKE_MATCH_2}")
    # Debian adds a hyphen when the library name ends in a digit (libglib-2.0 -> libglib2.0-0).
    if(CMAKE_MATCH_1 MATCHES "[0-9]$")
      set(_fallback "${CMAKE_MATCH_1}-${CMAKE_MATCH_2}")
    endif()
    string(REPLACE "_" "-" _fallback "${_fallback}")
    string(TOLOWER "${_fallback}" _fallback)
  endif()
  find_program(QVPN_DPKG dpkg)
  mark_as_advanced(QVPN_DPKG)
  if(QVPN_DPKG)
    execute_process(COMMAND "${QVPN_DPKG}" -S "${_real}"
      OUTPUT_VARIABLE _out ERROR_QUIET RESULT_VARIABLE _rc OUTPUT_STRIP_TRAILING_WHITESPACE)
    # "libwireshark16:amd64: /usr/lib/x86_64-linux-gnu/libwireshark.so.16.0.17"
    if(_rc EQUAL 0 AND _out MATCHES "^([^:, ]+)(:[^:]+)?: ")
      set(_pkg "${CMAKE_MATCH_1}")
    endif()
  endif()
  if(NOT _pkg AND _fallback)
    set(_pkg "${_fallback}")
    message(STATUS "qvpn .deb: no dpkg owner for ${_real}; assuming package ${_pkg}")
  endif()
  set(${out_pkg} "${_pkg}" PARENT_SCOPE)
  set(${out_soname} "${_soname}" PARENT_SCOPE)
endfunction()

# The libraries of wireshark.pc (libwireshark, libwsutil) and of glib-2.0.
set(_qvpn_deps "")
math(EXPR _ws_next_minor "${Wireshark_VERSION_MINOR} + 1")
set(_ws_lo "${Wireshark_VERSION_MAJOR}.${Wireshark_VERSION_MINOR}.0")
set(_ws_hi "${Wireshark_VERSION_MAJOR}.${_ws_next_minor}~")
foreach(_lib IN LISTS PC_WIRESHARK_LINK_LIBRARIES)
  get_filename_component(_name "${_lib}" NAME)
  if(_name MATCHES "^lib(wireshark|wsutil)\\.so")
    _qvpn_deb_package_of("${_lib}" _pkg _so)
    if(_pkg)
      list(APPEND _qvpn_deps "${_pkg} (>= ${_ws_lo})" "${_pkg} (<< ${_ws_hi})")
    endif()
  endif()
endforeach()
foreach(_lib IN LISTS GLIB_LINK_LIBRARIES)
  get_filename_component(_name "${_lib}" NAME)
  if(_name MATCHES "^libglib-2\\.0\\.so")
    _qvpn_deb_package_of("${_lib}" _pkg _so)
    if(_pkg AND GLIB_VERSION MATCHES "^([0-9]+\\.[0-9]+)")
      list(APPEND _qvpn_deps "${_pkg} (>= ${CMAKE_MATCH_1})")
    elseif(_pkg)
      list(APPEND _qvpn_deps "${_pkg}")
    endif()
  endif()
endforeach()
if(NOT _qvpn_deps)
  message(WARNING "qvpn .deb: could not tell which packages hold libwireshark/libwsutil; "
                  "the package will have no Depends")
endif()
# bin/qvpn-check (the CI gate) and bin/qvpn-keys are Python 3 scripts (qvpn-check: 3.9 for
# subprocess's user=); qvpn-check runs tshark, which the plugin itself does not need:
# recommended, not required.
list(APPEND _qvpn_deps "python3 (>= 3.9)")
list(JOIN _qvpn_deps ", " QVPN_DEB_DEPENDS)
message(STATUS "qvpn .deb Depends: ${QVPN_DEB_DEPENDS}")

execute_process(COMMAND dpkg --print-architecture
  OUTPUT_VARIABLE _qvpn_arch ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _qvpn_arch)
  set(_qvpn_arch "${CMAKE_SYSTEM_PROCESSOR}")
endif()

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "qvpn")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "qvpn")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Wireshark plugin explaining Cisco QuickVPN / IKE / IPsec connections")
set(CPACK_PACKAGE_DESCRIPTION
"qvpn is a Wireshark post-dissector for captures of Cisco QuickVPN clients and
small-business routers: it follows each connection through its phases (TLS
login, IKE policy activation, ESP network verification, teardown), adds
qvpn.* fields and expert infos saying what went wrong and where, and
statistics (tshark -z qvpn,sessions, -z qvpn,rtt, Statistics > QuickVPN
Sessions), qvpn-check, a gate for CI pipelines (exit status, JUnit XML), and
qvpn-keys, which turns a strongSwan charon log into Wireshark's IKE/ESP
decryption tables.
Built for Wireshark ${Wireshark_MAJOR_MINOR} (${Wireshark_VERSION}).")
set(CPACK_PACKAGE_CONTACT "${QVPN_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${QVPN_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE "${_qvpn_arch}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${QVPN_DEB_DEPENDS}")
set(CPACK_DEBIAN_PACKAGE_ENHANCES "wireshark, tshark")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark")
set(CPACK_DEBIAN_FILE_NAME
    "qvpn_${PROJECT_VERSION}_wireshark${Wireshark_MAJOR_MINOR}_${_qvpn_arch}.deb")
# The install rule's path is relative to Wireshark's prefix (plugin/CMakeLists.txt),
# so the package installs under that same prefix: /usr for Debian's Wireshark.
if(Wireshark_PREFIX)
  set(CPACK_PACKAGING_INSTALL_PREFIX "${Wireshark_PREFIX}")
endif()
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/build-.*/;/\\\\.git/;__pycache__")

# For tests/compat (package test): the path the .deb must hold.
if(IS_ABSOLUTE "${QVPN_INSTALL_DIR}")
  set(QVPN_DEB_PLUGIN_PATH "${QVPN_INSTALL_DIR}/qvpn.so")
else()
  set(QVPN_DEB_PLUGIN_PATH "${CPACK_PACKAGING_INSTALL_PREFIX}/${QVPN_INSTALL_DIR}/qvpn.so")
endif()
set(QVPN_DEB_FILE_NAME "${CPACK_DEBIAN_FILE_NAME}")

include(CPack)
