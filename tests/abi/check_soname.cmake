# The shared library's SONAME is libc2detect.so.<major ABI>.
execute_process(COMMAND objdump -p "${LIB}" OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "SONAME +libc2detect\\.so\\.0\n")
  message(FATAL_ERROR "SONAME is not libc2detect.so.0:\n${out}")
endif()
