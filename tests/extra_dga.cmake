# DGA module extra tests: the c2d dga command, the Python feature and token twins vs C.

# The default detector is the ensemble: github.com is cleared by its forest gate
# (score 0, the CNN does not run), --threshold 0.5 (below the tuned one) runs both.
add_test(NAME cli_dga COMMAND c2d dga --json krihpqnrgqls.com github.com)
set_tests_properties(cli_dga PROPERTIES PASS_REGULAR_EXPRESSION
  "\\{\"name\":\"krihpqnrgqls.com\",\"score\":[0-9.]+,\"dga\":true\\}\n\\{\"name\":\"github.com\",\"score\":0.000000,\"dga\":false\\}")
add_test(NAME cli_dga_threshold COMMAND c2d dga --threshold 0.5 github.com)
set_tests_properties(cli_dga_threshold PROPERTIES PASS_REGULAR_EXPRESSION
  "^github.com\t0\\.0*[1-9][0-9]*\tbenign\n$")
add_test(NAME cli_dga_invalid COMMAND c2d dga "bad..name")
set_tests_properties(cli_dga_invalid PROPERTIES WILL_FAIL TRUE)

# ctypes cannot load a sanitizer-instrumented library into a plain python3.
find_program(C2D_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(C2D_PYTHON3 AND TARGET c2detect_shared AND NOT C2D_SANITIZE)
  execute_process(COMMAND ${C2D_PYTHON3} -c "import pytest"
                  RESULT_VARIABLE c2d_no_pytest OUTPUT_QUIET ERROR_QUIET)
  if(c2d_no_pytest EQUAL 0)
    add_test(NAME python_dga
      COMMAND ${C2D_PYTHON3} -m pytest -q -p no:cacheprovider
              "${PROJECT_SOURCE_DIR}/bindings/python/tests/test_dga.py"
              "${PROJECT_SOURCE_DIR}/bindings/python/tests/test_dga_chars.py"
              "${PROJECT_SOURCE_DIR}/bindings/python/tests/test_dga_ensemble.py")
    set_tests_properties(python_dga PROPERTIES ENVIRONMENT
      "PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python;C2D_LIBRARY=$<TARGET_FILE:c2detect_shared>")
  endif()
endif()

# --model picks either built-in by name (the CNN and the forest agree on these two).
foreach(m dga-cnn dga-fanci)
  add_test(NAME cli_dga_model_${m} COMMAND c2d dga --model ${m} --json krihpqnrgqls.com github.com)
  set_tests_properties(cli_dga_model_${m} PROPERTIES PASS_REGULAR_EXPRESSION
    "\\{\"name\":\"krihpqnrgqls.com\",\"score\":[0-9.]+,\"dga\":true\\}\n\\{\"name\":\"github.com\",\"score\":[0-9.]+,\"dga\":false\\}")
endforeach()
add_test(NAME cli_dga_model_unknown COMMAND c2d dga --model no-such-model a.com)
set_tests_properties(cli_dga_model_unknown PROPERTIES WILL_FAIL TRUE)
