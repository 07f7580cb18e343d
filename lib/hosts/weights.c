/* Fusion weights and verdict thresholds of the host engine. Written by
 * `python3 -m c2detect.train_hosts` (docs/models/hosts.md says on what data);
 * edit by rerunning the recipe, not by hand. */
#include "hosts/hosts_internal.h"

const double c2d__hosts_weight[C2D_EVIDENCE_KIND_COUNT_] = {
    0.0,   /* (unused) */
    0.650, /* beacon */
    0.000, /* fanout */
    0.000, /* dga_names */
    0.953, /* nxdomain_burst */
    0.853, /* ioc */
    0.990, /* http_c2 */
    0.313, /* c2_candidate */
    0.551, /* upload */
    0.000, /* rare_country */
    0.878, /* tls_no_sni */
    0.031, /* tls_cert */
};
const double c2d__hosts_alert_threshold = 0.905;
const double c2d__hosts_suspicious_threshold = 0.552;
