# geo: cross-checks of the MMDB reader against libmaxminddb (when installed):
# 1 M random IPv4 + 100 k IPv6 lookups on the shared country database, and
# every MaxMind test database with full records. Missing data -> skipped (77).
pkg_check_modules(MAXMINDDB IMPORTED_TARGET libmaxminddb)
if(MAXMINDDB_FOUND)
  add_executable(geo_compare "${CMAKE_CURRENT_SOURCE_DIR}/geo_compare.c")
  target_link_libraries(geo_compare PRIVATE c2detect_static PkgConfig::MAXMINDDB m)
  target_compile_options(geo_compare PRIVATE -Wall -Wextra)
  set(C2D_GEO_DATA "${PROJECT_SOURCE_DIR}/../shared/data/geo")
  add_test(NAME geo_vs_libmaxminddb_random
    COMMAND geo_compare random "${C2D_GEO_DATA}/geo-whois-asn-country.mmdb" 1000000 100000)
  add_test(NAME geo_vs_libmaxminddb_testdbs
    COMMAND geo_compare files "${C2D_GEO_DATA}/maxmind_test_mmdb")
  set_tests_properties(geo_vs_libmaxminddb_random geo_vs_libmaxminddb_testdbs
    PROPERTIES SKIP_RETURN_CODE 77)
else()
  message(STATUS "libmaxminddb not found: geo cross-check tests not built")
endif()

# The c2d program on a database of the fuzz corpus (written by
# bindings/python/c2detect/mmdb_writer.py, so no shared data is needed).
set(C2D_GEO_SMALL "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/mmdb/valid_v6_28.mmdb")
add_test(NAME cli_geo_lookup COMMAND c2d geo lookup "${C2D_GEO_SMALL}" 8.8.8.8 2001:db8::1 9.9.9.9)
set_tests_properties(cli_geo_lookup PROPERTIES PASS_REGULAR_EXPRESSION
  "8\\.8\\.8\\.8\tprefix=24\tcountry=US\tasn=15169\t{\"country\":{\"iso_code\":\"US\"},\"asn\":15169}\n2001:db8::1\tprefix=32\tcountry=DE\t{\"registered_country\":{\"iso_code\":\"DE\"}}\n9\\.9\\.9\\.9\tprefix=[0-9]+\tnot found")
add_test(NAME cli_geo_info COMMAND c2d geo info "${C2D_GEO_SMALL}")
set_tests_properties(cli_geo_info PROPERTIES PASS_REGULAR_EXPRESSION
  "type +c2d-test\nip_version +6\nrecord_size +28\n")
add_test(NAME cli_geo_corrupt COMMAND c2d geo info "${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/mmdb/corrupt_no_marker.mmdb")
set_tests_properties(cli_geo_corrupt PROPERTIES WILL_FAIL TRUE)

# Python binding (ctypes) over databases written by c2detect.mmdb_writer. Not in
# sanitizer builds: an ASan-instrumented library cannot be loaded into Python.
if(TARGET c2detect_shared AND NOT C2D_SANITIZE AND EXISTS /usr/bin/python3)
  add_test(NAME geo_python
    COMMAND /usr/bin/python3 -m pytest -q -p no:cacheprovider
            "${PROJECT_SOURCE_DIR}/bindings/python/tests/test_geo.py")
  set_tests_properties(geo_python PROPERTIES ENVIRONMENT
    "PYTHONPATH=${PROJECT_SOURCE_DIR}/bindings/python;C2D_LIBRARY=$<TARGET_FILE:c2detect_shared>")
endif()
