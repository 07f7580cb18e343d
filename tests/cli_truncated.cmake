# c2d sessions on a capture whose last record is cut: the sessions of every
# whole record are printed, the summary says where the input broke, stderr
# warns with file, byte offset and status, and the exit code is 3.
# -DC2D=c2d -DTRUNCATE=truncate_copy -DSRC=sample.pcap -DDST=copy -DCUT=bytes
#  -DWANT_OFFSET=n -DWANT_FRAMES=n
execute_process(COMMAND "${TRUNCATE}" "${SRC}" "${DST}" "${CUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "truncate_copy failed: ${rc}")
endif()
execute_process(COMMAND "${C2D}" sessions "${DST}" RESULT_VARIABLE rc
  OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(REMOVE "${DST}")
if(NOT rc EQUAL 3)
  message(FATAL_ERROR "exit code ${rc}, want 3\n${err}")
endif()
set(want_warn "c2d: ${DST}: at byte ${WANT_OFFSET}: input is truncated (C2D_ERR_TRUNCATED)\n")
string(FIND "${err}" "${want_warn}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "no warning '${want_warn}' in:\n${err}")
endif()
set(want_warn "c2d: warning: the results above cover the ${WANT_FRAMES} frames before byte ${WANT_OFFSET}\n")
string(FIND "${err}" "${want_warn}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "no warning '${want_warn}' in:\n${err}")
endif()
string(REGEX MATCHALL "\"type\":\"session\"" sessions "${out}")
list(LENGTH sessions n_sessions)
if(n_sessions LESS 1)
  message(FATAL_ERROR "no sessions printed:\n${out}")
endif()
if(NOT out MATCHES "\"type\":\"summary\",\"frames\":${WANT_FRAMES},[^\n]*\"input_status\":\"C2D_ERR_TRUNCATED\",\"input_offset\":${WANT_OFFSET}}\n$")
  message(FATAL_ERROR "summary line wrong:\n${out}")
endif()
message("ok: ${n_sessions} sessions, warned at byte ${WANT_OFFSET}")
