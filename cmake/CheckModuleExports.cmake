# CheckModuleExports.cmake — ctest check: the module exports only the plugin_* symbols
# the Wireshark loader looks up (plugin_version, plugin_want_major/minor,
# plugin_register, and plugin_describe on 4.4+).
#   -DQVPN_MODULE=<path of qvpn.so>  -DNM=<nm executable>

cmake_minimum_required(VERSION 3.16)   # script mode: sets the policies (IN_LIST, ...)

execute_process(COMMAND "${NM}" -D --defined-only "${QVPN_MODULE}"
  OUTPUT_VARIABLE _out RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${QVPN_MODULE}")
endif()

string(REPLACE "\n" ";" _lines "${_out}")
set(_bad "")
set(_seen "")
foreach(_l IN LISTS _lines)
  if(_l MATCHES "^[0-9a-fA-F]* *[A-Za-z] +([^ ]+)$")
    set(_sym "${CMAKE_MATCH_1}")
    if(_sym MATCHES "^(_init|_fini|__bss_start|_edata|_end)$")
      continue()
    endif()
    if(_sym MATCHES "^plugin_(version|want_major|want_minor|register|describe)$")
      list(APPEND _seen "${_sym}")
    else()
      list(APPEND _bad "${_sym}")
    endif()
  endif()
endforeach()

foreach(_req plugin_version plugin_want_major plugin_want_minor plugin_register)
  if(NOT _req IN_LIST _seen)
    message(FATAL_ERROR "${QVPN_MODULE} does not export ${_req}")
  endif()
endforeach()
if(_bad)
  message(FATAL_ERROR "${QVPN_MODULE} exports symbols beyond plugin_*: ${_bad}")
endif()
message(STATUS "exports ok: ${_seen}")
