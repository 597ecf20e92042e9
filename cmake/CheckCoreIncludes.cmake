# CheckCoreIncludes.cmake — ctest check: plugin/core/ stays pure C11 + GLib.
#
# The core is compiled with only GLib on its include path, so `#include <epan/...>`
# fails to build; this check also catches the spellings that would slip through
# the system include path (<wireshark/epan/...>, <wsutil/...>, <wireshark.h>).
#   -DQVPN_CORE_DIR=<source dir of plugin/core>

cmake_minimum_required(VERSION 3.16)   # script mode: sets the policies (IN_LIST, ...)

file(GLOB _files "${QVPN_CORE_DIR}/*.c" "${QVPN_CORE_DIR}/*.h")
set(_bad "")
foreach(_f IN LISTS _files)
  file(STRINGS "${_f}" _incs REGEX "^[ \t]*#[ \t]*include")
  foreach(_i IN LISTS _incs)
    if(_i MATCHES "(epan/|wsutil/|wiretap/|wireshark|ws_[a-z_]*\\.h)")
      list(APPEND _bad "${_f}: ${_i}")
    endif()
  endforeach()
endforeach()
if(_bad)
  string(REPLACE ";" "\n  " _msg "${_bad}")
  message(FATAL_ERROR "core includes Wireshark headers:\n  ${_msg}")
endif()
