# c2d scan --zeek on the labelled njRAT conn.log of ../shared/data (reported as skipped
# by ctest when the data is absent): host 192.168.1.115 has exactly one beacon, to the
# labelled C2 41.108.179.197:1177, all of whose 237 conn rows carried no payload.
set(src "${DATA}/flows/stratosphere_001_njrat_CTU-230-1_conn.labeled.log.gz")
if(NOT EXISTS "${src}")
  message("SKIP: ${src} not present") # SKIP_REGULAR_EXPRESSION makes ctest count it skipped
  return()
endif()
file(MAKE_DIRECTORY "${DIR}")
file(COPY_FILE "${src}" "${DIR}/conn.log.gz")
execute_process(COMMAND "${C2D}" scan --zeek "${DIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "exit code ${rc}\n${err}")
endif()
if(NOT out MATCHES "^\\{\"host\":\"192\\.168\\.1\\.115\",[^\n]*\"evidence\":\\[\\{\"kind\":\"beacon\",\"weight\":[0-9.]+,\"score\":0\\.9[0-9]+,\"dst\":\"41\\.108\\.179\\.197:1177\",\"count\":237,\"attempts\":25,\"no_payload\":237,\"interval_s\":23\\.[0-9]+,")
  message(FATAL_ERROR "no njRAT beacon:\n${out}\n${err}")
endif()
if(NOT err MATCHES "conn 992 records \\(0 rejected, 323 not events\\)")
  message(FATAL_ERROR "summary:\n${err}")
endif()
