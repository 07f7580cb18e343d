# CNN engine extras: the Python exporter/reference against the C engine, and the
# NEON kernel cross-built for aarch64 and run under qemu-aarch64.
find_program(C2D_SYSTEM_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(C2D_SYSTEM_PYTHON3 AND TARGET c2detect_shared AND NOT C2D_SANITIZE)
  # (a sanitised .so cannot be dlopen'ed by an unsanitised python)
  add_test(NAME py_cnn
    COMMAND ${C2D_SYSTEM_PYTHON3} -m pytest -q -p no:cacheprovider
            "${PROJECT_SOURCE_DIR}/bindings/python/tests/test_cnn.py"
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties(py_cnn PROPERTIES ENVIRONMENT
    "PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python;C2D_LIBRARY=$<TARGET_FILE:c2detect_shared>")
endif()
add_test(NAME cnn_neon_qemu
  COMMAND ${CMAKE_COMMAND} "-DSRC=${CMAKE_CURRENT_SOURCE_DIR}/cnn_neon"
          "-DBIN=${CMAKE_CURRENT_BINARY_DIR}/cnn_neon" -P "${CMAKE_CURRENT_SOURCE_DIR}/cnn_neon/run.cmake")
set_tests_properties(cnn_neon_qemu PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)

# The c2d program describes a CNN model.
add_test(NAME cli_model_info_cnn
  COMMAND c2d model info "${CMAKE_CURRENT_SOURCE_DIR}/golden/cnn_golden.c2dm")
set_tests_properties(cli_model_info_cnn PROPERTIES
  PASS_REGULAR_EXPRESSION "kind +cnn.*inputs +20\nclasses +3\n")

# The AVX-512 VNNI kernel's logic on any AVX2 CPU, with its two AVX-512
# intrinsics replaced by C models (tests/cnn_vnni_emu/vnni_emu.c). Kernel code
# the compiler emits for real VNNI still needs a VNNI CPU (test_cnn).
if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64|amd64")
  add_executable(test_cnn_vnni_emulated cnn_vnni_emu/vnni_emu.c)
  target_link_libraries(test_cnn_vnni_emulated PRIVATE c2detect_static m)
  target_include_directories(test_cnn_vnni_emulated PRIVATE
    "${PROJECT_SOURCE_DIR}/lib" "${CMAKE_CURRENT_SOURCE_DIR}")
  target_compile_options(test_cnn_vnni_emulated PRIVATE ${C2D_WARNINGS}
    -Wno-missing-prototypes -Wno-unused-function -mavx2 -mfma)
  add_test(NAME test_cnn_vnni_emulated COMMAND test_cnn_vnni_emulated)
  set_tests_properties(test_cnn_vnni_emulated PROPERTIES SKIP_RETURN_CODE 77)
endif()
