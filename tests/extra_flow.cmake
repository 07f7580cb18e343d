# c2d sessions end to end on the generated pcapng seed (two interfaces, VLAN,
# IPv6 extension headers, an RST close and an NXDOMAIN answer with compression).
add_test(NAME cli_sessions_dns
  COMMAND c2d sessions "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/pcapng/two_interfaces.pcapng" --dns)
set_tests_properties(cli_sessions_dns PROPERTIES
  PASS_REGULAR_EXPRESSION "\"type\":\"dns\",[^\n]*\"qname\":\"xkqjz7f\\.example\\.com\",\"qtype\":1,\"rcode\":3,\"nxdomain\":true[^\n]*\n[^\n]*\n[^\n]*\n\\{\"type\":\"session\",[^\n]*\"orig_h\":\"10\\.0\\.0\\.5\",\"orig_p\":50000,\"resp_h\":\"203\\.0\\.113\\.9\",\"resp_p\":80,[^\n]*\"conn_state\":\"RSTR\",\"end_reason\":\"rst\"")
add_test(NAME cli_sessions_bad_file
  COMMAND c2d sessions "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/dns/answers.bin")
set_tests_properties(cli_sessions_bad_file PROPERTIES WILL_FAIL TRUE)
add_test(NAME cli_sessions_usage COMMAND c2d sessions)
set_tests_properties(cli_sessions_usage PROPERTIES WILL_FAIL TRUE)

# A capture whose last record is cut (made at test time from examples/sample):
# results for the 170 whole records, a warning with the record's offset, exit 3.
add_executable(truncate_copy truncate_copy.c)
target_compile_options(truncate_copy PRIVATE ${C2D_WARNINGS})
add_test(NAME cli_sessions_truncated
  COMMAND ${CMAKE_COMMAND} "-DC2D=$<TARGET_FILE:c2d>" "-DTRUNCATE=$<TARGET_FILE:truncate_copy>"
          "-DSRC=${PROJECT_SOURCE_DIR}/examples/sample/sample.pcap"
          "-DDST=${CMAKE_CURRENT_BINARY_DIR}/sample_truncated.pcap" -DCUT=10
          -DWANT_OFFSET=112265 -DWANT_FRAMES=592
          -P "${CMAKE_CURRENT_SOURCE_DIR}/cli_truncated.cmake")
add_test(NAME cli_sessions_help COMMAND c2d sessions --help)
set_tests_properties(cli_sessions_help PROPERTIES PASS_REGULAR_EXPRESSION "^usage: c2d sessions \\[--dns\\]")
# the summary line counts what the caps cost: with room for 2 sessions, 220 of the 222 are evicted
add_test(NAME cli_sessions_caps COMMAND c2d sessions "${PROJECT_SOURCE_DIR}/examples/sample/sample.pcap" --capacity 2)
set_tests_properties(cli_sessions_caps PROPERTIES
  PASS_REGULAR_EXPRESSION "\"type\":\"summary\",\"frames\":593,\"packets\":593,\"sessions\":222,\"evicted\":220,\"evicted_capacity\":220,\"evicted_memory\":0,\"dropped_packets\":0,")
add_test(NAME cli_sessions_drop COMMAND c2d sessions "${PROJECT_SOURCE_DIR}/examples/sample/sample.pcap" --capacity 2 --at-cap drop)
set_tests_properties(cli_sessions_drop PROPERTIES
  PASS_REGULAR_EXPRESSION "\"frames\":593,\"packets\":177,\"sessions\":174,\"evicted\":0,\"evicted_capacity\":0,\"evicted_memory\":0,\"dropped_packets\":416,")
add_test(NAME cli_sessions_bad_policy COMMAND c2d sessions "${PROJECT_SOURCE_DIR}/examples/sample/sample.pcap" --at-cap never)
set_tests_properties(cli_sessions_bad_policy PROPERTIES WILL_FAIL TRUE)
