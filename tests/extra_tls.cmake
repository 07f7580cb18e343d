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
# c2d tls and c2d sessions on the generated session (tests/fuzz/make_tls_corpus.py):
# the ClientHello arrives in two segments, the server flight in one.
add_test(NAME cli_tls_handshake COMMAND c2d tls "${CMAKE_CURRENT_SOURCE_DIR}/tls/handshake.pcap")
set_tests_properties(cli_tls_handshake PROPERTIES PASS_REGULAR_EXPRESSION
  "\"client\":\"10\\.0\\.0\\.5:49152\",\"server\":\"203\\.0\\.113\\.7:443\",\"client_status\":\"C2D_OK\",\"server_status\":\"C2D_OK\",\"version\":\"TLSv1\\.2\",\"sni\":\"example\\.com\",\"alpn\":\"h2\",[^\n]*\"ja3_md5\":\"c000e2caf3a25423f9de6c8a4b12a975\",\"ja3s\":\"771,49199,65281-0-11-16-23\",\"ja3s_md5\":\"5d79edf64e03689ff559a54e9d9487bc\",\"ja4\":\"t13d1516h2_8daaf6152771_e5627efa2ab1\",\"certs\":2,\"cert_sha1\":\"9db59949368d2aa3fb76de637885cb2f9c3b8410\",[^\n]*\"subject_cn\":\"c2\\.example\\.net\",\"issuer_cn\":\"Test Root CA\",\"self_signed\":false}")
add_test(NAME cli_sessions_tls COMMAND c2d sessions "${CMAKE_CURRENT_SOURCE_DIR}/tls/handshake.pcap")
set_tests_properties(cli_sessions_tls PROPERTIES PASS_REGULAR_EXPRESSION
  "\"resp_p\":443,[^\n]*\"class\":\"[a-z_0-9]+\",\"sni\":\"example\\.com\",\"ja3\":\"c000e2caf3a25423f9de6c8a4b12a975\",\"ja3s\":\"5d79edf64e03689ff559a54e9d9487bc\",\"ja4\":\"t13d1516h2_8daaf6152771_e5627efa2ab1\",\"cert_sha1\":\"9db59949368d2aa3fb76de637885cb2f9c3b8410\"}")
# a capture cut inside a frame: results printed, a warning with the offset, exit 3
add_test(NAME cli_tls_damaged COMMAND ${CMAKE_COMMAND} -DC2D=$<TARGET_FILE:c2d>
  "-DFILE=${CMAKE_CURRENT_SOURCE_DIR}/tls/handshake_cut.pcap" -P "${CMAKE_CURRENT_SOURCE_DIR}/tls/expect_exit3.cmake")
