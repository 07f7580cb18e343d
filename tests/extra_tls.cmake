# TLS extras: JA3/JA3S of `c2d tls` equal tshark's for every handshake in every
# capture of the shared data (skipped when tshark or the data is absent).
set(C2D_TLS_DATA_DIR "${PROJECT_SOURCE_DIR}/../shared/data" CACHE PATH
    "shared data directory the TLS comparison reads (pcap/, http/, tls/, flows/)")
find_program(C2D_TLS_PYTHON3 python3)
if(C2D_TLS_PYTHON3)
  add_test(NAME tls_tshark_ja3
    COMMAND ${C2D_TLS_PYTHON3} "${CMAKE_CURRENT_SOURCE_DIR}/tls/tshark_compare.py" $<TARGET_FILE:c2d>
            "${C2D_TLS_DATA_DIR}")
  set_tests_properties(tls_tshark_ja3 PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)
endif()
add_test(NAME cli_tls_usage COMMAND c2d tls)
set_tests_properties(cli_tls_usage PROPERTIES WILL_FAIL TRUE)
add_test(NAME cli_tls_help COMMAND c2d tls --help)
set_tests_properties(cli_tls_help PROPERTIES PASS_REGULAR_EXPRESSION "usage: c2d tls")
# test_tls reads the SSLBL copies from the same data directory
set_tests_properties(test_tls PROPERTIES ENVIRONMENT
  "CMOCKA_MESSAGE_OUTPUT=stdout;C2D_SHARED_DATA=${C2D_TLS_DATA_DIR}")
