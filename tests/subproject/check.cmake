# Configure, build and install tests/subproject (libc2detect as a subproject),
# then require that the install holds the parent's program and nothing else.
# -DSOURCE=<libc2detect> -DWORK=<scratch dir> -DVERSION=<expected version>
file(REMOVE_RECURSE "${WORK}")
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE}/tests/subproject" -B "${WORK}/build"
  "-DC2D_SOURCE=${SOURCE}" -DCMAKE_BUILD_TYPE= RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configure failed (${rc})")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK}/build" -j2 --target parent_app
  RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "build failed (${rc})")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${WORK}/build" --prefix "${WORK}/prefix"
  RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "install failed (${rc})")
endif()
file(GLOB_RECURSE installed RELATIVE "${WORK}/prefix" "${WORK}/prefix/*")
if(NOT installed STREQUAL "bin/parent_app")
  message(FATAL_ERROR "the parent's install holds: ${installed} (want only bin/parent_app)")
endif()
execute_process(COMMAND "${WORK}/prefix/bin/parent_app" OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(rc OR NOT out STREQUAL "parent uses libc2detect ${VERSION}\n")
  message(FATAL_ERROR "parent_app: exit ${rc}, output '${out}'")
endif()
