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
