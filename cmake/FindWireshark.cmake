# FindWireshark.cmake — locate the Wireshark development files through pkg-config.
#
# Point it at another Wireshark with PKG_CONFIG_PATH (e.g. an unpacked 4.4 -dev
# package); Debian ships wireshark.pc in libwireshark-dev for 4.0, 4.4 and 4.6.
#
# Result variables:
#   Wireshark_FOUND
#   Wireshark_VERSION            full version from pkg-config ("4.0.17")
#   Wireshark_VERSION_MAJOR      4
#   Wireshark_VERSION_MINOR      0
#   Wireshark_MAJOR_MINOR        "4.0": the plugin folder a build is loadable from
#   Wireshark_PLUGIN_DIR         pkg-config variable plugindir (".../plugins/4.0")
#   Wireshark_PREFIX             pkg-config variable prefix ("/usr")
#   Wireshark_PLUGIN_RELDIR      plugindir relative to that prefix, when it lies under it
#   Wireshark_INCLUDE_DIRS
# Imported target:
#   Wireshark::wireshark         include dirs, cflags and libs (libwireshark, libwsutil,
#                                GLib) of wireshark.pc

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_WIRESHARK QUIET IMPORTED_TARGET GLOBAL wireshark)
endif()

if(PC_WIRESHARK_FOUND)
  set(Wireshark_VERSION "${PC_WIRESHARK_VERSION}")
  set(Wireshark_INCLUDE_DIRS "${PC_WIRESHARK_INCLUDE_DIRS}")
  pkg_get_variable(Wireshark_PLUGIN_DIR wireshark plugindir)
  if(Wireshark_VERSION MATCHES "^([0-9]+)\\.([0-9]+)")
    set(Wireshark_VERSION_MAJOR "${CMAKE_MATCH_1}")
    set(Wireshark_VERSION_MINOR "${CMAKE_MATCH_2}")
    set(Wireshark_MAJOR_MINOR "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}")
  endif()
  if(NOT Wireshark_PLUGIN_DIR AND Wireshark_MAJOR_MINOR)
    # Older .pc files lack plugindir; fall back to the Debian/upstream layout.
    pkg_get_variable(_ws_libdir wireshark libdir)
    set(Wireshark_PLUGIN_DIR "${_ws_libdir}/wireshark/plugins/${Wireshark_MAJOR_MINOR}")
  endif()
  pkg_get_variable(Wireshark_PREFIX wireshark prefix)
  if(Wireshark_PREFIX AND Wireshark_PLUGIN_DIR)
    file(RELATIVE_PATH _ws_rel "${Wireshark_PREFIX}" "${Wireshark_PLUGIN_DIR}")
    if(NOT _ws_rel MATCHES "^\\.\\.")
      set(Wireshark_PLUGIN_RELDIR "${_ws_rel}")
    endif()
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Wireshark
  REQUIRED_VARS Wireshark_MAJOR_MINOR Wireshark_PLUGIN_DIR
  VERSION_VAR Wireshark_VERSION)

if(Wireshark_FOUND AND NOT TARGET Wireshark::wireshark)
  add_library(Wireshark::wireshark ALIAS PkgConfig::PC_WIRESHARK)
endif()

mark_as_advanced(Wireshark_PLUGIN_DIR)
