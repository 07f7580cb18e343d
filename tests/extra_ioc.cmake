# IOC suite: decompress the shared feeds into the build dir (gzip -dc) so the
# loaders read plain text; test_ioc skips the shared-feed case when absent.
set(C2D_IOC_DATA "${PROJECT_SOURCE_DIR}/../shared/data/ioc")
find_program(C2D_GZIP gzip)
if(C2D_GZIP AND EXISTS "${C2D_IOC_DATA}/maltrail_static_malware_trails.csv.gz")
  set(C2D_IOC_MAL "${CMAKE_CURRENT_BINARY_DIR}/maltrail_static_malware_trails.csv")
  set(C2D_IOC_TF "${CMAKE_CURRENT_BINARY_DIR}/threatfox_ipport.csv")
  add_test(NAME ioc_feeds_decompress
    COMMAND sh -c "${C2D_GZIP} -dc '${C2D_IOC_DATA}/maltrail_static_malware_trails.csv.gz' > '${C2D_IOC_MAL}' && ${C2D_GZIP} -dc '${C2D_IOC_DATA}/threatfox_ipport_before_2026-06-01.csv.gz' > '${C2D_IOC_TF}'")
  set_tests_properties(ioc_feeds_decompress PROPERTIES FIXTURES_SETUP ioc_feeds)
  set_tests_properties(test_ioc PROPERTIES FIXTURES_REQUIRED ioc_feeds
    ENVIRONMENT "CMOCKA_MESSAGE_OUTPUT=stdout;C2D_IOC_MALTRAIL_CSV=${C2D_IOC_MAL};C2D_IOC_THREATFOX_CSV=${C2D_IOC_TF}")
endif()
# c2d ioc: counts and a match on a tiny list
file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/ioc_cli_list.txt" "# test trail\nevil.example\n10.0.0.0/8\nbad value\n")
add_test(NAME cli_ioc_load COMMAND c2d ioc load --family demo "${CMAKE_CURRENT_BINARY_DIR}/ioc_cli_list.txt")
set_tests_properties(cli_ioc_load PROPERTIES
  PASS_REGULAR_EXPRESSION "loaded 2, rejected 1.*rejected lines: 4\n.*domain +1\n.*demo +2")
add_test(NAME cli_ioc_match COMMAND c2d ioc match --feed "${CMAKE_CURRENT_BINARY_DIR}/ioc_cli_list.txt" a.evil.example 10.2.3.4:80)
set_tests_properties(cli_ioc_match PROPERTIES
  PASS_REGULAR_EXPRESSION "a.evil.example: 1 match\n  domain  evil.example family=ioc_cli_list.*10.2.3.4:80: 1 match\n  cidr    10.0.0.0/8")
# c2d ioc match --geo: country and ASN of a matched IP from the shared MMDB
set(C2D_GEO_MMDB "${PROJECT_SOURCE_DIR}/../shared/data/geo/geo-whois-asn-country.mmdb")
if(EXISTS "${C2D_GEO_MMDB}")
  add_test(NAME cli_ioc_match_geo COMMAND c2d ioc match --feed "${CMAKE_CURRENT_BINARY_DIR}/ioc_cli_list.txt"
           --geo "${C2D_GEO_MMDB}" 10.2.3.4:80 8.8.8.8)
  set_tests_properties(cli_ioc_match_geo PROPERTIES
    PASS_REGULAR_EXPRESSION "10.2.3.4:80: 1 match\n  cidr    10.0.0.0/8[^\n]*\n.*8.8.8.8: 0 matches\n  geo     country=US")
endif()
# c2d ioc family: the built-in ioc-family model on a feature row from given country/ASN
add_test(NAME cli_ioc_family COMMAND c2d ioc family 176.97.124.68 443 --country UA --asn 6698)
set_tests_properties(cli_ioc_family PROPERTIES
  PASS_REGULAR_EXPRESSION "^Unknown malware +0\\.215\nCobalt Strike +0\\.208\n")
