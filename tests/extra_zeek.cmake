# Zeek log reader extra tests: the dump tool shared with the Python twin's
# test, every Zeek log of the shared data read with exact counts, and the
# Python twin compared with the C reader.
add_executable(zeek_dump zeek_dump.c)
target_link_libraries(zeek_dump PRIVATE c2detect_static m)
target_compile_options(zeek_dump PRIVATE ${C2D_WARNINGS})
