# CheckBuildWithoutWireshark.cmake — ctest check: the project configures, builds and
# passes its unit tests with GLib alone, and builds no plugin module then.
#
# Configures a fresh build folder with Wireshark hidden: pkg-config sees only a private
# folder holding glib-2.0.pc and the .pc files it requires (Requires and
# Requires.private, transitively), nothing else — so wireshark.pc is not found, as on a
# machine without libwireshark-dev.  Then builds it, runs `ctest -L unit` there and
# checks that no qvpn.so was made.
#   -DQVPN_SOURCE_DIR=<repository>  -DQVPN_WORK_DIR=<folder, emptied first>
#   -DQVPN_GENERATOR=<CMake generator>  -DQVPN_C_COMPILER=<compiler>  -DPKG_CONFIG=<pkg-config>
#   -DCTEST=<ctest>
#
# SPDX-License-Identifier: GPL-2.0-or-later

cmake_minimum_required(VERSION 3.16)   # script mode: sets the policies (IN_LIST, ...)

foreach(_v QVPN_SOURCE_DIR QVPN_WORK_DIR QVPN_GENERATOR QVPN_C_COMPILER PKG_CONFIG CTEST)
  if(NOT ${_v})
    message(FATAL_ERROR "CheckBuildWithoutWireshark.cmake: -D${_v}=... is required")
  endif()
endforeach()

set(_pc "${QVPN_WORK_DIR}/pkgconfig")
set(_build "${QVPN_WORK_DIR}/build")
file(REMOVE_RECURSE "${QVPN_WORK_DIR}")
file(MAKE_DIRECTORY "${_pc}" "${_build}")

# Runs a command; on failure stops with its output.  Output in _out.
macro(_run what)
  execute_process(COMMAND ${ARGN} OUTPUT_VARIABLE _out ERROR_VARIABLE _out RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${_rc}):\n${_out}")
  endif()
endmacro()

# --- a pkg-config folder with GLib and what it requires, nothing more ------------------
set(_queue glib-2.0)
set(_copied "")
while(_queue)
  list(POP_FRONT _queue _m)
  if(_m IN_LIST _copied)
    continue()
  endif()
  _run("pkg-config --variable=pcfiledir ${_m}" "${PKG_CONFIG}" --variable=pcfiledir "${_m}")
  string(STRIP "${_out}" _dir)
  file(COPY "${_dir}/${_m}.pc" DESTINATION "${_pc}")
  list(APPEND _copied "${_m}")
  _run("pkg-config --print-requires ${_m}" "${PKG_CONFIG}" --print-requires --print-requires-private "${_m}")
  string(REPLACE "\n" ";" _reqs "${_out}")
  foreach(_r IN LISTS _reqs)
    if(_r MATCHES "^[ \t]*([^ \t<>=]+)")
      list(APPEND _queue "${CMAKE_MATCH_1}")
    endif()
  endforeach()
endwhile()
if(EXISTS "${_pc}/wireshark.pc")
  message(FATAL_ERROR "glib-2.0 requires wireshark.pc?  ${_copied}")
endif()
list(JOIN _copied " " _names)
message(STATUS "pkg-config sees only: ${_names}")

# --- configure, build, unit tests ------------------------------------------------------
_run("configure without Wireshark"
  "${CMAKE_COMMAND}" -E env --unset=PKG_CONFIG_PATH --unset=CMAKE_PREFIX_PATH "PKG_CONFIG_LIBDIR=${_pc}"
  "${CMAKE_COMMAND}" -S "${QVPN_SOURCE_DIR}" -B "${_build}" -G "${QVPN_GENERATOR}"
  "-DCMAKE_C_COMPILER=${QVPN_C_COMPILER}" -DQVPN_WERROR=ON)
if(NOT _out MATCHES "Wireshark development files not found")
  message(FATAL_ERROR "configure did not say that Wireshark is missing:\n${_out}")
endif()
message(STATUS "configured without Wireshark")

cmake_host_system_information(RESULT _jobs QUERY NUMBER_OF_LOGICAL_CORES)
_run("build without Wireshark" "${CMAKE_COMMAND}" --build "${_build}" --parallel ${_jobs})
message(STATUS "built")

file(GLOB_RECURSE _modules "${_build}/*qvpn.so" "${_build}/*qvpn.dll" "${_build}/*qvpn.dylib")
if(_modules)
  message(FATAL_ERROR "a plugin module was built without Wireshark: ${_modules}")
endif()
if(EXISTS "${_build}/plugins")
  message(FATAL_ERROR "${_build}/plugins exists: the module's folder, without Wireshark")
endif()

_run("ctest -L unit without Wireshark"
  "${CMAKE_COMMAND}" -E chdir "${_build}" "${CTEST}" -L unit --output-on-failure)
if(NOT _out MATCHES "100% tests passed, 0 tests failed out of ([0-9]+)" OR CMAKE_MATCH_1 LESS 1)
  message(FATAL_ERROR "ctest -L unit ran no test:\n${_out}")
endif()
message(STATUS "ctest -L unit: ${CMAKE_MATCH_1} tests passed without Wireshark; no qvpn.so built")
