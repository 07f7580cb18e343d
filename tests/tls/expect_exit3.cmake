# Runs `c2d tls FILE` and requires exit status 3 (input damaged), the handshake
# line on stdout and the warning naming the file and the byte offset on stderr.
execute_process(COMMAND "${C2D}" tls "${FILE}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 3)
  message(FATAL_ERROR "exit status ${rc}, expected 3\n${err}")
endif()
if(NOT out MATCHES "\"ja3_md5\":\"c000e2caf3a25423f9de6c8a4b12a975\"")
  message(FATAL_ERROR "handshake line missing:\n${out}")
endif()
if(NOT err MATCHES "warning: [^\n]*handshake_cut\\.pcap: input damaged at byte offset [0-9]+: [^\n]*C2D_ERR_TRUNCATED")
  message(FATAL_ERROR "warning missing:\n${err}")
endif()
