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
