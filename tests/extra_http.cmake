# HTTP extras: the Python tokenizer twin against the C tokenizer (edge cases, random
# mutations, every header of the shared data, generated headers), and c2d http.
find_program(C2D_SYSTEM_PYTHON3 python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(C2D_SYSTEM_PYTHON3 AND TARGET c2detect_shared AND NOT C2D_SANITIZE)
  # (a sanitised .so cannot be dlopen'ed by an unsanitised python)
  add_test(NAME py_http_tokens
    COMMAND ${C2D_SYSTEM_PYTHON3} -m pytest -q -p no:cacheprovider
            "${PROJECT_SOURCE_DIR}/bindings/python/tests/test_http_tokens.py"
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}")
  set_tests_properties(py_http_tokens PROPERTIES TIMEOUT 600 ENVIRONMENT
    "PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python;C2D_LIBRARY=$<TARGET_FILE:c2detect_shared>")
endif()
add_test(NAME cli_http_tokens COMMAND c2d http --tokens "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/http/seed_post_body")
set_tests_properties(cli_http_tokens PROPERTIES
  PASS_REGULAR_EXPRESSION "BOS POST HTTP/1.1 T_ORIGIN SEG w:a SEG h:[0-9]+ SEG w:c SEG_EMPTY name:dnt s:dig:1 SEP")
add_test(NAME cli_http_score COMMAND c2d http "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/http/seed_get_browser")
set_tests_properties(cli_http_score PROPERTIES PASS_REGULAR_EXPRESSION "seed_get_browser#1\t0\\.[0-9]+\tok")
