# c2d conventions (docs/cli.md): version, --help, exit codes, '-' for stdin,
# gzip inputs, loud errors for unreadable or empty inputs.

# The version is defined once, in include/c2detect/common.h; CMake derives
# PROJECT_VERSION from it and the library reports it at run time.
add_test(NAME cli_version COMMAND c2d version)
set_tests_properties(cli_version PROPERTIES
  PASS_REGULAR_EXPRESSION "^libc2detect ${PROJECT_VERSION} \\(header ${PROJECT_VERSION}\\)\n")

# c2d_cli_test(NAME RC rc ARGS a|b|c [STDOUT re] [STDERR re] [STDIN file]):
# exact exit status; stdout/stderr match the regexes (empty regex: empty stream).
find_package(ZLIB REQUIRED)
add_executable(cli_gzip_fixture "${CMAKE_CURRENT_SOURCE_DIR}/cli/gzip_fixture.c")
target_link_libraries(cli_gzip_fixture PRIVATE ZLIB::ZLIB)
target_compile_options(cli_gzip_fixture PRIVATE ${C2D_WARNINGS})
function(c2d_cli_test name)
  cmake_parse_arguments(T "" "RC;ARGS;STDOUT;STDERR;STDIN" "" ${ARGN})
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:c2d>|${T_ARGS}"
    "-DRC=${T_RC}" "-DSTDOUT=${T_STDOUT}" "-DSTDERR=${T_STDERR}" "-DSTDIN=${T_STDIN}"
    -P "${CMAKE_CURRENT_SOURCE_DIR}/cli/check.cmake")
  set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED cli_fixtures)
endfunction()

# Fixtures: plain files written here, gzip and cut-short copies made by a setup test.
set(F "${CMAKE_CURRENT_BINARY_DIR}/cli_fixtures")
file(MAKE_DIRECTORY "${F}")
file(WRITE "${F}/feed.txt" "# two indicators\nevil.example\n203.0.113.7\n")
file(WRITE "${F}/empty_feed.txt" "# nothing but comments\n# here\n")
file(WRITE "${F}/asn.csv" "1.0.0.0,1.0.0.255,13335,Cloudflare\n8.8.8.0,8.8.8.255,15169,Google LLC\n")
file(WRITE "${F}/no_ranges.csv" "not,an,asn\n")
file(WRITE "${F}/names.txt" "github.com\nkrihpqnrgqls.com\n")
file(WRITE "${F}/allow.txt" "# allowed\nkrihpqnrgqls.com\n")
file(WRITE "${F}/requests.http"
  "GET /a HTTP/1.1\r\nHost: a.example\r\n\r\n"
  "POST /gate.php HTTP/1.1\r\nHost: b.example\r\nContent-Length: 12\r\n\r\nhello\r\n\r\nGET"
  "\r\n<html>\r\n\r\nGET /c HTTP/1.0\nHost: c.example\n\n")
file(WRITE "${F}/not_request.http" "GET /a HTTP/1.1\r\nHost: a.example\r\n\r\n<p>hello world</p>\r\n\r\n")
set(C2D_SAMPLE_PCAP "${PROJECT_SOURCE_DIR}/examples/sample/sample.pcap")
set(fx "$<TARGET_FILE:cli_gzip_fixture>")
add_test(NAME cli_fixtures_make COMMAND sh -c
  "${fx} gz '${F}/feed.txt' '${F}/feed.txt.gz' && ${fx} gz '${F}/asn.csv' '${F}/asn.csv.gz' \
&& ${fx} gz '${F}/names.txt' '${F}/names.txt.gz' && ${fx} gz '${C2D_SAMPLE_PCAP}' '${F}/sample.pcap.gz' \
&& ${fx} head '${F}/feed.txt.gz' '${F}/cut.txt.gz' 30 && ${fx} head '${C2D_SAMPLE_PCAP}' '${F}/cut.pcap' 5000 \
&& ${fx} gz '${F}/requests.http' '${F}/requests.http.gz'")
set_tests_properties(cli_fixtures_make PROPERTIES FIXTURES_SETUP cli_fixtures)

# --help, --version, usage errors
c2d_cli_test(cli_help RC 0 ARGS --help STDOUT "^usage: c2d COMMAND \\[ARGS\\][^\n]*\n.*\n  scan  .*\nexit status: 0 ")
c2d_cli_test(cli_help_word RC 0 ARGS help|ioc STDOUT "^usage: c2d ioc load ")
c2d_cli_test(cli_no_command RC 2 ARGS "" STDERR "^usage: c2d COMMAND")
c2d_cli_test(cli_unknown_command RC 2 ARGS nope STDERR "^c2d: unknown command 'nope'\nusage: c2d COMMAND")
c2d_cli_test(cli_version_flag RC 0 ARGS --version
  STDOUT "^c2d ${PROJECT_VERSION} \\(libc2detect ${PROJECT_VERSION}\\)\n$")
foreach(cmd scan http dga sessions ioc geo model version)
  c2d_cli_test(cli_help_${cmd} RC 0 ARGS ${cmd}|--help STDOUT "^usage: c2d ${cmd} ")
endforeach()
c2d_cli_test(cli_help_after_args RC 0 ARGS ioc|match|--feed|x|-h STDOUT "^usage: c2d ioc load ")
c2d_cli_test(cli_http_bad_option RC 2 ARGS http|--nope STDERR "^usage: c2d http ")
c2d_cli_test(cli_ioc_usage RC 2 ARGS ioc|frobnicate STDERR "^usage: c2d ioc load ")
c2d_cli_test(cli_sessions_no_file RC 2 ARGS sessions STDERR "^usage: c2d sessions ")

# IOC feeds: gzip, stdin, and loud errors (exit 1, the file named)
c2d_cli_test(cli_ioc_load_gz RC 0 ARGS ioc|load|${F}/feed.txt.gz
  STDOUT "^${F}/feed.txt.gz: format list, lines 3, loaded 2, rejected 0, skipped 1 \\(unsupported types 0\\)\n")
c2d_cli_test(cli_ioc_load_stdin RC 0 ARGS ioc|load|- STDIN "${F}/feed.txt.gz"
  STDOUT "^stdin: format list, lines 3, loaded 2, rejected 0, skipped 1 ")
c2d_cli_test(cli_ioc_load_empty RC 1 ARGS ioc|load|${F}/empty_feed.txt
  STDERR "^c2d: ${F}/empty_feed.txt: feed yielded no indicators \\(C2D_ERR_IOC_EMPTY_FEED\\): 2 lines, 0 rejected, 2 skipped\n$")
c2d_cli_test(cli_ioc_load_binary RC 1 ARGS ioc|load|${C2D_SAMPLE_PCAP}
  STDERR "^c2d: ${C2D_SAMPLE_PCAP}: feed format not recognised \\(binary data\\) \\(C2D_ERR_IOC_UNKNOWN_FORMAT\\)\n$")
c2d_cli_test(cli_ioc_load_missing RC 1 ARGS ioc|load|${F}/no-such-feed.csv
  STDERR "^c2d: ${F}/no-such-feed.csv: cannot open: No such file or directory\n$")
c2d_cli_test(cli_ioc_load_cut_gz RC 1 ARGS ioc|load|${F}/cut.txt.gz
  STDERR "^c2d: ${F}/cut.txt.gz: gzip data damaged at byte 30: unexpected end of file\n$")
c2d_cli_test(cli_ioc_match_gz RC 0 ARGS ioc|match|--feed|${F}/feed.txt.gz|--asn|${F}/asn.csv.gz|www.evil.example|8.8.8.8
  STDOUT "^www.evil.example: 1 match\n  domain  evil.example family=feed [^\n]*\n8.8.8.8: 0 matches\n  geo     country=- asn=15169 org=Google LLC\n$")
c2d_cli_test(cli_ioc_match_missing_feed RC 1 ARGS ioc|match|--feed|${F}/feed.txt|--feed|${F}/nope.txt|evil.example
  STDERR "^c2d: ${F}/nope.txt: cannot open: No such file or directory\n$")
c2d_cli_test(cli_ioc_match_missing_geo RC 1 ARGS ioc|match|--feed|${F}/feed.txt|--geo|${F}/nope.mmdb|evil.example
  STDERR "^c2d: ${F}/nope.mmdb: cannot open: No such file or directory\n$")
c2d_cli_test(cli_ioc_match_bad_geo RC 1 ARGS ioc|match|--feed|${F}/feed.txt|--geo|${F}/feed.txt|evil.example
  STDERR "^c2d: ${F}/feed.txt: [^\n]*\\(C2D_ERR_BAD_MAGIC\\)\n$")
c2d_cli_test(cli_ioc_family_no_ranges RC 1 ARGS ioc|family|1.0.0.1|443|--asn-csv|${F}/no_ranges.csv
  STDERR "^c2d: ${F}/no_ranges.csv: ASN table has no ranges \\(1 lines, 1 malformed\\)\n$")

# geo: the ASN table compressed, and unreadable files
c2d_cli_test(cli_geo_asn_gz RC 0 ARGS geo|asn|${F}/asn.csv.gz|1.0.0.9|9.9.9.9
  STDOUT "^# 2 lines, 2 ranges, 0 malformed, 0 overlapping\n1.0.0.9\tasn=13335\torg=Cloudflare\n9.9.9.9\tnot found\n$")
c2d_cli_test(cli_geo_info_missing RC 1 ARGS geo|info|${F}/nope.mmdb
  STDERR "^c2d: ${F}/nope.mmdb: cannot open: No such file or directory\n$")
set(C2D_SHARED_ASN_GZ "${PROJECT_SOURCE_DIR}/../shared/data/geo/asn-ipv4.csv.gz")
if(EXISTS "${C2D_SHARED_ASN_GZ}")
  c2d_cli_test(cli_geo_asn_shared_gz RC 0 ARGS geo|asn|${C2D_SHARED_ASN_GZ}|8.8.8.8
    STDOUT "^# [0-9]+ lines, [0-9]+ ranges, 0 malformed, [0-9]+ overlapping[^\n]*\n8.8.8.8\tasn=15169\torg=[^\n]+\n$")
endif()

# captures: gzip and stdin give the same sessions; a cut-short capture prints what
# it read and exits 3 with the offset
c2d_cli_test(cli_sessions_gz RC 0 ARGS sessions|${F}/sample.pcap.gz
  STDOUT "^\\{\"type\":\"session\"" STDERR "^c2d: 593 frames, 593 packets in sessions, 222 sessions, 0 truncated, ")
c2d_cli_test(cli_sessions_stdin RC 0 ARGS sessions|- STDIN "${C2D_SAMPLE_PCAP}"
  STDOUT "^\\{\"type\":\"session\"" STDERR "^c2d: 593 frames, 593 packets in sessions, 222 sessions, 0 truncated, ")
c2d_cli_test(cli_sessions_cut RC 3 ARGS sessions|${F}/cut.pcap STDOUT "^\\{\"type\":\"session\""
  STDERR "^c2d: ${F}/cut.pcap: at byte [0-9]+: input is truncated \\(C2D_ERR_TRUNCATED\\)\nc2d: [0-9]+ frames")
c2d_cli_test(cli_sessions_missing RC 1 ARGS sessions|${F}/nope.pcap
  STDERR "^c2d: ${F}/nope.pcap: cannot open: No such file or directory\n$")

# http: every request of a file (Content-Length bodies skipped, so the body's empty
# line and "GET" start no request), stdin, and blocks that are no request (exit 3)
c2d_cli_test(cli_http_many RC 3 ARGS http|${F}/requests.http.gz
  STDOUT "^# request\tscore\tverdict \\(threshold [0-9.]+\\)\n${F}/requests.http.gz#1\t[0-9.]+\t(ok|C2)\n${F}/requests.http.gz#2\t[0-9.]+\t(ok|C2)\n${F}/requests.http.gz#3\t-\tC2D_ERR_HTTP_NOT_REQUEST\n${F}/requests.http.gz#4\t[0-9.]+\t(ok|C2)\n$"
  STDERR "^c2d: ${F}/requests.http.gz: at byte 114: not an HTTP request line \\(C2D_ERR_HTTP_NOT_REQUEST\\)\n$")
c2d_cli_test(cli_http_stdin RC 3 ARGS http STDIN "${F}/not_request.http"
  STDOUT "^# request[^\n]*\nstdin#1\t[0-9.]+\t(ok|C2)\nstdin#2\t-\tC2D_ERR_HTTP_NOT_REQUEST\n$"
  STDERR "^c2d: stdin: at byte 36: not an HTTP request line \\(C2D_ERR_HTTP_NOT_REQUEST\\)\n$")
c2d_cli_test(cli_http_missing RC 1 ARGS http|${F}/nope.http
  STDERR "^c2d: ${F}/nope.http: cannot open: No such file or directory\n$")

# dga: names from gzip stdin, allow-lists, malformed names (exit 3)
c2d_cli_test(cli_dga_stdin_gz RC 0 ARGS dga STDIN "${F}/names.txt.gz"
  STDOUT "^github.com\t[0-9.]+\tbenign\nkrihpqnrgqls.com\t[0-9.]+\tdga\n$")
c2d_cli_test(cli_dga_allow RC 0 ARGS dga|--allow|${F}/allow.txt|krihpqnrgqls.com
  STDOUT "^krihpqnrgqls.com\t[0-9.]+\tbenign\n$")
c2d_cli_test(cli_dga_allow_missing RC 1 ARGS dga|--allow|${F}/nope.txt|a.com
  STDERR "^c2d: ${F}/nope.txt: cannot open: No such file or directory\n$")
c2d_cli_test(cli_dga_bad_name RC 3 ARGS dga|bad..name|github.com
  STDOUT "^bad..name\t-\tinvalid \\(C2D_ERR_NAME_EMPTY_LABEL\\)\ngithub.com\t"
  STDERR "^c2d: argument 'bad..name': [^\n]* \\(C2D_ERR_NAME_EMPTY_LABEL\\)\n$")

# model: a model file from stdin
c2d_cli_test(cli_model_info_stdin RC 0 ARGS model|info|- STDIN "${CMAKE_CURRENT_SOURCE_DIR}/golden/cnn_golden.c2dm"
  STDOUT "\nkind +cnn\n")

# libc2detect as a subproject (add_subdirectory / FetchContent) has no side effects
# on its parent: tests/subproject/CMakeLists.txt lists the checks.
add_test(NAME cmake_subproject COMMAND ${CMAKE_COMMAND} "-DSOURCE=${PROJECT_SOURCE_DIR}"
  "-DWORK=${CMAKE_CURRENT_BINARY_DIR}/subproject" "-DVERSION=${PROJECT_VERSION}"
  -P "${CMAKE_CURRENT_SOURCE_DIR}/subproject/check.cmake")
set_tests_properties(cmake_subproject PROPERTIES TIMEOUT 900)
