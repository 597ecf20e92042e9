# InstallUser.cmake — `cmake --build build --target install-user`.
#
# Copies the module into the personal plugin folder of whoever runs the build
# (~/.local/lib/wireshark/plugins/<major.minor>/epan).  Run as a script so that
# HOME is read when the target runs, not when the project was configured.
#   -DQVPN_MODULE=<path of qvpn.so>  -DQVPN_WS_MAJOR_MINOR=4.0

cmake_minimum_required(VERSION 3.16)   # script mode: sets the policies (IN_LIST, ...)

if(NOT QVPN_MODULE OR NOT QVPN_WS_MAJOR_MINOR)
  message(FATAL_ERROR "InstallUser.cmake: QVPN_MODULE and QVPN_WS_MAJOR_MINOR are required")
endif()
if(NOT DEFINED ENV{HOME} OR "$ENV{HOME}" STREQUAL "")
  message(FATAL_ERROR "install-user: HOME is not set")
endif()

set(_dest "$ENV{HOME}/.local/lib/wireshark/plugins/${QVPN_WS_MAJOR_MINOR}/epan")
file(MAKE_DIRECTORY "${_dest}")
file(COPY "${QVPN_MODULE}" DESTINATION "${_dest}")
message(STATUS "Installed ${QVPN_MODULE} -> ${_dest}")
message(STATUS "Wireshark ignores personal plugins when run as root; start it as your own user.")
