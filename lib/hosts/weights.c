/* Fusion weights and verdict thresholds of the host engine. Written by
 * `python3 -m c2detect.train.hosts` (docs/models/hosts.md says on what data);
 * edit by rerunning the recipe, not by hand. */
#include "hosts/hosts_internal.h"

const double c2d__hosts_weight[C2D_EVIDENCE_KIND_COUNT_] = {
    0.0,   /* (unused) */
    0.679, /* beacon */
    0.500, /* fanout */
    0.500, /* dga_names */
    0.969, /* nxdomain_burst */
    0.858, /* ioc */
    0.990, /* http_c2 */
    0.000, /* c2_candidate */
    0.000, /* upload */
    0.500, /* rare_country */
    0.977, /* tls_no_sni */
    0.514, /* tls_cert */
    0.500, /* new_domain */
};
const double c2d__hosts_alert_threshold = 0.674;
const double c2d__hosts_suspicious_threshold = 0.437;
