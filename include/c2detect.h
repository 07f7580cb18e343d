/* libc2detect: embeddable detection of malware command-and-control traffic.
 * The umbrella header: include this one. Each module's header documents its
 * calls; common.h holds status codes, versions, the allocator and CPU features. */
#ifndef C2DETECT_H
#define C2DETECT_H

#include "c2detect/common.h"
#include "c2detect/model.h"
#include "c2detect/forest.h"
#include "c2detect/ioc.h"
#include "c2detect/cnn.h"
#include "c2detect/http.h"
#include "c2detect/geo.h"
#include "c2detect/dga.h"
#include "c2detect/dns.h"
#include "c2detect/flow.h"
#include "c2detect/hosts.h"
#include "c2detect/zeek.h"
#include "c2detect/tls.h"

#endif /* C2DETECT_H */
