/* Fusion weights and verdict thresholds of the host engine. Written by
 * `python3 -m c2detect.train_hosts` (docs/models/hosts.md says on what data);
 * edit by rerunning the recipe, not by hand. */
#include "hosts/hosts_internal.h"

const double c2d__hosts_weight[C2D_EVIDENCE_KIND_COUNT_] = {
    0.0,   /* (unused) */
    0.60,  /* beacon */
    0.50,  /* fanout */
    0.50,  /* dga_names */
    0.30,  /* nxdomain_burst */
    0.80,  /* ioc */
    0.60,  /* http_c2 */
    0.20,  /* c2_candidate */
    0.10,  /* upload */
    0.10,  /* rare_country */
    0.10,  /* tls_no_sni */
    0.20,  /* tls_cert */
};
const double c2d__hosts_alert_threshold = 0.70;
const double c2d__hosts_suspicious_threshold = 0.40;
