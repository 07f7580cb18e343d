# Zeek log reader extra tests: the dump tool shared with the Python twin's
# test, every Zeek log of the shared data read with exact counts, and the
# Python twin compared with the C reader.
add_executable(zeek_dump zeek_dump.c)
target_link_libraries(zeek_dump PRIVATE c2detect_static m)
target_compile_options(zeek_dump PRIVATE ${C2D_WARNINGS})

# Every Zeek log of the shared data (gzip/tar streams into the reader) with
# exact record counts; exits 77 (skipped) without the data or gzip/tar.
add_test(NAME zeek_shared_data COMMAND test_zeek --shared-data)
set_tests_properties(zeek_shared_data PROPERTIES SKIP_RETURN_CODE 77)

# The Python twin (c2detect.zeek) against the C reader through zeek_dump:
# identical text for every record, reject and counter.
find_program(C2D_ZEEK_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(C2D_ZEEK_PYTHON3)
  execute_process(COMMAND ${C2D_ZEEK_PYTHON3} -c "import pytest"
                  RESULT_VARIABLE c2d_zeek_no_pytest OUTPUT_QUIET ERROR_QUIET)
  if(c2d_zeek_no_pytest EQUAL 0)
    add_test(NAME python_zeek
      COMMAND ${C2D_ZEEK_PYTHON3} -m pytest -q -p no:cacheprovider
              "${PROJECT_SOURCE_DIR}/bindings/python/tests/test_zeek.py")
    set_tests_properties(python_zeek PROPERTIES ENVIRONMENT
      "PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python;C2D_ZEEK_DUMP=$<TARGET_FILE:zeek_dump>")
  endif()
endif()
