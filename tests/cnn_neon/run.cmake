# ctest driver: cross-configure tests/cnn_neon for aarch64, build, run under
# qemu-aarch64. Exits with 77 (ctest SKIP) when the cross tools are missing.
#   cmake -DSRC=<repo>/tests/cnn_neon -DBIN=<build dir> -P run.cmake
find_program(CROSS_CC aarch64-linux-gnu-gcc)
find_program(QEMU qemu-aarch64)
if(NOT CROSS_CC OR NOT QEMU)
  message("SKIP: aarch64-linux-gnu-gcc or qemu-aarch64 not installed")
  cmake_language(EXIT 77)
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SRC}" -B "${BIN}"
    -DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=aarch64
    -DCMAKE_C_COMPILER=${CROSS_CC} -DCMAKE_BUILD_TYPE=Release
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "cross configure failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${BIN}" -j 2 RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "cross build failed")
endif()
execute_process(COMMAND ${QEMU} -L /usr/aarch64-linux-gnu "${BIN}/cnn_neon_check" "${SRC}/.."
  RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "NEON checks failed under qemu")
endif()
