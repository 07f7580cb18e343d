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
