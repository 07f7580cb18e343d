package c2detect

/*
#include <stdlib.h>
#include <string.h>
#include <c2detect.h>

// The input structs hold pointers; Go memory handed to C must not, so the
// pointers are set here, on copies in C memory (the stack of the call).
static c2d_status c2dgo_hosts_session(c2d_hosts *h, const c2d_session *s, const void *op, uint32_t ol,
                                      const void *rp, uint32_t rl) {
	c2d_session c = *s;
	c.orig_prefix = (const uint8_t *)op;
	c.orig_prefix_len = ol;
	c.resp_prefix = (const uint8_t *)rp;
	c.resp_prefix_len = rl;
	return c2d_hosts_add_session(h, &c);
}

static c2d_status c2dgo_hosts_dns(c2d_hosts *h, const c2d_dns_event *ev, const c2d_dns_message *m) {
	c2d_dns_event c = *ev;
	c.message = m;
	return c2d_hosts_add_dns(h, &c);
}

static c2d_status c2dgo_hosts_http(c2d_hosts *h, const c2d_http_event *ev, const void *header, size_t hl,
                                   const void *host, size_t host_len, const void *uri, size_t uri_len) {
	c2d_http_event c = *ev;
	c.header = header;
	c.header_len = hl;
	c.host = (const char *)host;
	c.host_len = host_len;
	c.uri = (const char *)uri;
	c.uri_len = uri_len;
	return c2d_hosts_add_http(h, &c);
}
*/
import "C"

import (
	"math"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

// HostsConfig configures a host engine (c2d_hosts_config, include/c2detect/hosts.h);
// zero values are the library's defaults (so a threshold cannot be set to 0).
// The borrowed DGA, HTTP, IOC and Geo handles are kept alive by the engine and
// must not be closed before it.
type HostsConfig struct {
	MaxHosts              uint32        // internal hosts tracked at once (default 65536)
	MaxPairsPerHost       uint32        // (host, destination) pairs per host (default 512)
	MemoryBudget          uint64        // bytes the engine may hold (default 256 MiB, min 1 MiB)
	Window                time.Duration // analysis window (default 24 h)
	BeaconMinAttempts     uint32        // attempts before a pair is scored (default 8)
	BeaconMerge           time.Duration // attempts this close are one (default 1 s)
	BeaconThreshold       float64       // pair score that is evidence (default 0.80)
	FanoutMinDestinations uint32        // default 64
	FanoutWindow          time.Duration // default 300 s
	DGAMinNames           uint32        // default 3
	NXDomainMin           uint32        // default 20
	NXDomainWindow        time.Duration // default 600 s
	AlertThreshold        float64       // default: the fitted value
	SuspiciousThreshold   float64       // default: the fitted value
	DGA                   *DGAEnsemble  // nil: the built-in ensemble unless NoBuiltinModels
	HTTP                  *Model        // nil: the built-in "http" model unless NoBuiltinModels
	IOC                   *IOCStore     // a finalised store, or nil (no IOC evidence)
	Geo                   *GeoDB        // MMDB with countries, or nil (no rare_country evidence)
	NoBuiltinModels       bool          // true: a nil DGA or HTTP model disables its detector
}

// Hosts is a host engine: evidence about each internal host gathered over time
// from sessions, DNS responses and HTTP requests, fused into a score and a
// verdict (docs/hosts.md). It belongs to one goroutine at a time.
type Hosts struct {
	h    *C.c2d_hosts
	keep []interface{} // borrowed handles the engine uses
	// answers past the 16 a DNS message holds (counted, as the DNS parser does)
	dnsAnswersOverCap uint64
}

// HostsStats are the engine's counters (c2d_hosts_stats) and the binding's own.
type HostsStats struct {
	Sessions, DNSEvents, HTTPEvents uint64 // inputs accepted
	NotLocal                        uint64 // inputs with no local side (ignored)
	HTTPNotRequest                  uint64 // AddHTTP bytes that were not a request line
	HostsCreated, HostsTracked      uint64
	HostsEvicted, HostsAgedOut      uint64
	PairsCreated, PairsTracked      uint64
	PairsEvictedCap                 uint64
	PairsEvictedBudget              uint64
	PairsWithHost, PairsAgedOut     uint64
	PairsRefused, InputsRefused     uint64
	NamesDropped, IOCHitsDropped    uint64
	AllowedEvidence                 uint64 // items left out by the allow-list at the last Report
	MemoryBytes, MemoryBudget       uint64
	DNSAnswersOverCap               uint64 // AddDNS answers past 16 (not given to the engine)
}

// DNSEvent is a DNS response seen by a client (c2d_dns_event with its message).
type DNSEvent struct {
	Time           time.Time
	Client, Server netip.Addr // Server may be the zero Addr
	ClientPort     uint16
	TCP            bool         // false: UDP
	Name           string       // the query name
	Rcode          uint8        // 0 NOERROR, 3 NXDOMAIN, ...
	Answers        []netip.Addr // A/AAAA answers; those past 16 are counted, not kept
	Query          bool         // a query without its response (counts as nothing)
}

// HTTPEvent is one HTTP request (c2d_http_event). Give the raw header block
// when there is one (it is scored by the HTTP model only when it begins with a
// valid request line); else Host and URI, as in a Zeek http.log (IOC
// matching only).
type HTTPEvent struct {
	Time           time.Time
	Client, Server netip.Addr
	Port           uint16
	Header         []byte
	Host, URI      string
}

// Evidence is one evidence item (c2d_evidence): what, where, when and why.
// Strings are "" and times zero when not applicable.
type Evidence struct {
	Kind          string         // "beacon", "fanout", "dga_names", "nxdomain_burst", "ioc", "http_c2", ...
	Weight, Score float64        // its part of the host score; the detector's strength in [0, 1]
	Dst           netip.AddrPort // valid when the item names a destination (Dst.String() is "ip:port")
	Port          uint16         // the destination port (also for items without an address)
	Name          string         // DNS name, Host or SNI
	Count         uint64         // attempts, names, sessions, requests or hits
	First, Last   time.Time
	// beacon
	Interval, IntervalMAD                                float64 // seconds: median interval and its MAD
	SkewScore, DispersionScore, SizeScore, CoverageScore float64
	AttemptsNoPayload                                    uint64
	// ioc
	Via, Indicator, Family, Source string
	// dga_names, nxdomain_burst, fanout, http_c2, rare_country
	Examples string
	Distinct uint64
}

// HostReport is one ranked host (c2d_host_report) with its evidence,
// strongest first.
type HostReport struct {
	Addr                                 netip.Addr
	Score                                float64 // [0, 1]
	Verdict                              string  // "ok", "suspicious" or "alert"
	First, Last                          time.Time
	Sessions, DNSResponses, HTTPRequests uint64
	Pairs                                uint32
	PairsEvicted                         uint64
	Evidence                             []Evidence
}

func invalid(what string) error { return check(C.C2D_ERR_INVALID_ARG, what) }

func durationNs(d time.Duration, what string) (C.uint64_t, error) {
	if d < 0 {
		return 0, invalid(what)
	}
	return C.uint64_t(d), nil
}

// NewHosts creates an engine; cfg nil means the defaults with the built-in
// DGA and HTTP models.
func NewHosts(cfg *HostsConfig) (*Hosts, error) {
	var c C.c2d_hosts_config
	C.c2d_hosts_config_default(&c)
	e := &Hosts{}
	if cfg != nil {
		set32 := func(dst *C.uint32_t, v uint32) {
			if v != 0 {
				*dst = C.uint32_t(v)
			}
		}
		set32(&c.max_hosts, cfg.MaxHosts)
		set32(&c.max_pairs_per_host, cfg.MaxPairsPerHost)
		set32(&c.beacon_min_attempts, cfg.BeaconMinAttempts)
		set32(&c.fanout_min_destinations, cfg.FanoutMinDestinations)
		set32(&c.dga_min_names, cfg.DGAMinNames)
		set32(&c.nxdomain_min, cfg.NXDomainMin)
		if cfg.MemoryBudget != 0 {
			if uint64(C.size_t(cfg.MemoryBudget)) != cfg.MemoryBudget {
				return nil, check(C.C2D_ERR_LIMIT, "memory budget")
			}
			c.memory_budget = C.size_t(cfg.MemoryBudget)
		}
		for _, d := range []struct {
			dst  *C.uint64_t
			v    time.Duration
			name string
		}{{&c.window_ns, cfg.Window, "window"}, {&c.beacon_merge_ns, cfg.BeaconMerge, "beacon merge"},
			{&c.fanout_window_ns, cfg.FanoutWindow, "fanout window"},
			{&c.nxdomain_window_ns, cfg.NXDomainWindow, "nxdomain window"}} {
			ns, err := durationNs(d.v, d.name)
			if err != nil {
				return nil, err
			}
			if ns != 0 {
				*d.dst = ns
			}
		}
		for _, t := range []struct {
			dst *C.double
			v   float64
		}{{&c.beacon_threshold, cfg.BeaconThreshold}, {&c.alert_threshold, cfg.AlertThreshold},
			{&c.suspicious_threshold, cfg.SuspiciousThreshold}} {
			if t.v != 0 {
				*t.dst = C.double(t.v) // the library checks the range (and NaN)
			}
		}
		if cfg.DGA != nil {
			c.dga = cfg.DGA.h
			e.keep = append(e.keep, cfg.DGA)
		}
		if cfg.HTTP != nil {
			c.http = cfg.HTTP.h
			e.keep = append(e.keep, cfg.HTTP)
		}
		if cfg.IOC != nil {
			c.ioc = cfg.IOC.h
			e.keep = append(e.keep, cfg.IOC)
		}
		if cfg.Geo != nil {
			c.geo = cfg.Geo.h
			e.keep = append(e.keep, cfg.Geo)
		}
		if cfg.NoBuiltinModels {
			c.builtin_models = 0
		}
	}
	if err := check(C.c2d_hosts_new(&c, nil, &e.h), "host engine"); err != nil {
		return nil, err
	}
	runtime.SetFinalizer(e, (*Hosts).Close)
	return e, nil
}

// Close frees the engine; calling it twice is harmless. Later calls return an
// *Error with C2D_ERR_INVALID_ARG.
func (e *Hosts) Close() {
	if e.h != nil {
		C.c2d_hosts_free(e.h)
		e.h = nil
	}
	e.keep = nil
}

func (e *Hosts) closed() error {
	if e == nil || e.h == nil {
		return invalid("closed host engine")
	}
	return nil
}

// AddLocalNet adds an internal network in CIDR form ("10.0.0.0/8"); while none
// is added the private ranges are local (hosts.h lists them).
func (e *Hosts) AddLocalNet(cidr string) error {
	if err := e.closed(); err != nil {
		return err
	}
	cs := C.CString(cidr)
	defer C.free(unsafe.Pointer(cs))
	err := check(C.c2d_hosts_add_local_net(e.h, cs), cidr)
	runtime.KeepAlive(e)
	return err
}

// Allow allow-lists a destination: an address, a CIDR range, a domain (and
// every name below it) or "*.domain". Applied at Report.
func (e *Hosts) Allow(pattern string) error {
	if err := e.closed(); err != nil {
		return err
	}
	cs := C.CString(pattern)
	defer C.free(unsafe.Pointer(cs))
	err := check(C.c2d_hosts_allow(e.h, cs), pattern)
	runtime.KeepAlive(e)
	return err
}

func addr16(a netip.Addr, what string) ([16]C.uint8_t, error) {
	var out [16]C.uint8_t
	if !a.IsValid() {
		return out, invalid(what)
	}
	b := a.As16() // IPv4 comes out mapped, as the library stores it
	for i := range b {
		out[i] = C.uint8_t(b[i])
	}
	return out, nil
}

func timeNs(t time.Time, what string) (uint64, error) {
	ns := t.UnixNano()
	if t.IsZero() || ns < 0 || t.Year() > 2262 {
		return 0, invalid(what)
	}
	return uint64(ns), nil
}

var connStates = map[string]C.c2d_conn_state{"S0": C.C2D_CONN_S0, "S1": C.C2D_CONN_S1, "SF": C.C2D_CONN_SF,
	"REJ": C.C2D_CONN_REJ, "S2": C.C2D_CONN_S2, "S3": C.C2D_CONN_S3, "RSTO": C.C2D_CONN_RSTO,
	"RSTR": C.C2D_CONN_RSTR, "RSTOS0": C.C2D_CONN_RSTOS0, "RSTRH": C.C2D_CONN_RSTRH, "SH": C.C2D_CONN_SH,
	"SHR": C.C2D_CONN_SHR, "OTH": C.C2D_CONN_OTH}

var endReasons = map[string]C.c2d_end_reason{"idle": C.C2D_END_IDLE, "fin": C.C2D_END_FIN,
	"rst": C.C2D_END_RST, "evicted": C.C2D_END_EVICTED, "flush": C.C2D_END_FLUSH}

func dataPkts(nbytes, pkts, given uint64) uint64 {
	if given != 0 || nbytes == 0 {
		return given
	}
	if pkts == 0 {
		return 1
	}
	return pkts
}

// AddSession adds one ended session or attempt (attempts without payload,
// such as S0 or REJ, are what a dead C2 server produces). Start, the
// addresses, ports and Proto ("tcp" or "udp") are required; ConnState ""
// means "OTH", EndReason "" follows ConnState as the Zeek reader does. Data
// packets left 0 are all packets of a direction that carried bytes; Counted,
// AvgPayloadLen and InOutRatio are computed from the bytes as the flow table
// does; LocalOrig/LocalResp are passed as given (the engine picks the
// internal side by its own local networks). Class is ignored.
func (e *Hosts) AddSession(s Session) error { return e.AddSessionPayload(s, nil, nil) }

// AddSessionPayload is AddSession with the first payload bytes of each
// direction: an HTTP request (scored as AddHTTP would), or a TLS ClientHello
// and the server's reply (SNI, JA3/JA4, certificate; docs/hosts.md).
func (e *Hosts) AddSessionPayload(s Session, origPrefix, respPrefix []byte) error {
	if err := e.closed(); err != nil {
		return err
	}
	var c C.c2d_session
	c.size = C.size_t(unsafe.Sizeof(c))
	switch s.Proto {
	case "tcp":
		c.proto = 6
	case "udp":
		c.proto = 17
	default:
		return invalid("session proto " + strconv.Quote(s.Proto))
	}
	oh, err := addr16(s.OrigH, "session orig_h")
	if err != nil {
		return err
	}
	rh, err := addr16(s.RespH, "session resp_h")
	if err != nil {
		return err
	}
	ts, err := timeNs(s.Start, "session start")
	if err != nil {
		return err
	}
	if s.Duration < 0 || math.IsNaN(s.Duration) || s.Duration*1e9 > float64(math.MaxUint64-ts) {
		return invalid("session duration")
	}
	last := ts + uint64(math.Round(s.Duration*1e9))
	c.ip_version = 6
	if s.OrigH.Unmap().Is4() {
		c.ip_version = 4
	}
	c.orig_h, c.resp_h = oh, rh
	c.orig_p, c.resp_p = C.uint16_t(s.OrigP), C.uint16_t(s.RespP)
	c.ts_ns, c.last_ns = C.uint64_t(ts), C.uint64_t(last)
	c.duration = C.double(float64(last-ts) / 1e9)
	c.orig_pkts, c.resp_pkts = C.uint64_t(s.OrigPkts), C.uint64_t(s.RespPkts)
	c.orig_bytes, c.resp_bytes = C.uint64_t(s.OrigBytes), C.uint64_t(s.RespBytes)
	odp := dataPkts(s.OrigBytes, s.OrigPkts, s.OrigDataPkts)
	rdp := dataPkts(s.RespBytes, s.RespPkts, s.RespDataPkts)
	c.orig_data_pkts, c.resp_data_pkts = C.uint64_t(odp), C.uint64_t(rdp)
	if odp != 0 {
		c.orig_mean_payload = C.double(float64(s.OrigBytes) / float64(odp))
	}
	if rdp != 0 {
		c.resp_mean_payload = C.double(float64(s.RespBytes) / float64(rdp))
	}
	state := s.ConnState
	if state == "" {
		state = "OTH"
	}
	cs, ok := connStates[state]
	if !ok {
		return invalid("session conn_state " + strconv.Quote(s.ConnState))
	}
	c.conn_state = cs
	switch {
	case s.EndReason != "":
		r, ok := endReasons[s.EndReason]
		if !ok {
			return invalid("session end_reason " + strconv.Quote(s.EndReason))
		}
		c.end_reason = r
	case state == "SF":
		c.end_reason = C.C2D_END_FIN
	case state == "REJ" || strings.HasPrefix(state, "RST"):
		c.end_reason = C.C2D_END_RST
	default:
		c.end_reason = C.C2D_END_IDLE
	}
	if s.LocalOrig {
		c.local_orig = 1
	}
	if s.LocalResp {
		c.local_resp = 1
	}
	total, dp := s.OrigBytes+s.RespBytes, odp+rdp
	if total < s.OrigBytes {
		total = math.MaxUint64
	}
	if total >= 1 {
		c.counted = 1
	}
	if dp != 0 {
		c.avg_payload_len = C.double(float64(total) / float64(dp))
	}
	c.in_out_ratio = C.double((float64(s.RespBytes) + 1) / (float64(s.OrigBytes) + 1))
	if uint64(len(origPrefix)) > math.MaxUint32 || uint64(len(respPrefix)) > math.MaxUint32 {
		return invalid("session prefix")
	}
	var op, rp unsafe.Pointer
	if len(origPrefix) > 0 {
		op = unsafe.Pointer(&origPrefix[0])
	}
	if len(respPrefix) > 0 {
		rp = unsafe.Pointer(&respPrefix[0])
	}
	st := C.c2dgo_hosts_session(e.h, &c, op, C.uint32_t(len(origPrefix)), rp, C.uint32_t(len(respPrefix)))
	runtime.KeepAlive(e)
	return check(st, "session")
}

// dnsName writes a name in the form of c2d_dns_message.qname: lower case, no
// trailing dot, bytes outside '!'..'~' and the backslash as \DDD.
func dnsName(m *C.c2d_dns_message, name string) error {
	name = strings.TrimSuffix(name, ".")
	n := 0
	put := func(b byte) bool {
		if n >= C.C2D_DNS_NAME_BUF-1 {
			return false
		}
		m.qname[n] = C.char(b)
		n++
		return true
	}
	for i := 0; i < len(name); i++ {
		b := name[i]
		if b >= 'A' && b <= 'Z' {
			b += 32
		}
		if b < 0x21 || b > 0x7e || b == '\\' {
			esc := []byte{'\\', '0' + b/100, '0' + b/10%10, '0' + b%10}
			for _, x := range esc {
				if !put(x) {
					return invalid("dns name too long")
				}
			}
		} else if !put(b) {
			return invalid("dns name too long")
		}
	}
	m.qname_len = C.uint32_t(n)
	return nil
}

// AddDNS adds a DNS response seen by a client.
func (e *Hosts) AddDNS(ev DNSEvent) error {
	if err := e.closed(); err != nil {
		return err
	}
	var c C.c2d_dns_event
	c.size = C.size_t(unsafe.Sizeof(c))
	ts, err := timeNs(ev.Time, "dns time")
	if err != nil {
		return err
	}
	c.ts_ns = C.uint64_t(ts)
	if c.client_addr, err = addr16(ev.Client, "dns client"); err != nil {
		return err
	}
	if ev.Server.IsValid() {
		c.server_addr, _ = addr16(ev.Server, "dns server")
	}
	c.ip_version = 6
	if ev.Client.Unmap().Is4() {
		c.ip_version = 4
	}
	c.transport = 17
	if ev.TCP {
		c.transport = 6
	}
	c.client_port = C.uint16_t(ev.ClientPort)
	if ev.Rcode > 15 {
		return invalid("dns rcode")
	}
	m := (*C.c2d_dns_message)(C.calloc(1, C.size_t(unsafe.Sizeof(C.c2d_dns_message{}))))
	if m == nil {
		return check(C.C2D_ERR_NOMEM, "dns")
	}
	defer C.free(unsafe.Pointer(m))
	m.size = C.size_t(unsafe.Sizeof(*m))
	if err := dnsName(m, ev.Name); err != nil {
		return err
	}
	if !ev.Query {
		m.is_response = 1
		m.flags = 0x8000
	}
	m.rcode = C.uint8_t(ev.Rcode)
	m.flags |= C.uint16_t(ev.Rcode)
	m.qdcount, m.qtype, m.qclass = 1, 1, 1
	n, over := 0, uint64(0)
	for _, a := range ev.Answers {
		b, err := addr16(a, "dns answer")
		if err != nil {
			return err
		}
		if n == C.C2D_DNS_MAX_ADDRS {
			over++
			continue
		}
		m.addrs[n].ip_version = 6
		if a.Unmap().Is4() {
			m.addrs[n].ip_version = 4
		}
		m.addrs[n].addr = b
		n++
	}
	m.n_addrs = C.uint32_t(n)
	m.ancount = C.uint16_t(len(ev.Answers))
	if len(ev.Answers) > 0xffff {
		m.ancount = 0xffff
	}
	st := C.c2dgo_hosts_dns(e.h, &c, m)
	runtime.KeepAlive(e)
	if err := check(st, "dns"); err != nil {
		return err
	}
	e.dnsAnswersOverCap += over
	return nil
}

// AddHTTP adds one HTTP request.
func (e *Hosts) AddHTTP(ev HTTPEvent) error {
	if err := e.closed(); err != nil {
		return err
	}
	var c C.c2d_http_event
	c.size = C.size_t(unsafe.Sizeof(c))
	ts, err := timeNs(ev.Time, "http time")
	if err != nil {
		return err
	}
	c.ts_ns = C.uint64_t(ts)
	if c.client_addr, err = addr16(ev.Client, "http client"); err != nil {
		return err
	}
	if c.server_addr, err = addr16(ev.Server, "http server"); err != nil {
		return err
	}
	c.server_port = C.uint16_t(ev.Port)
	ptr := func(b []byte) unsafe.Pointer {
		if len(b) == 0 {
			return nil
		}
		return unsafe.Pointer(&b[0])
	}
	host, uri := []byte(ev.Host), []byte(ev.URI) // copies: no unsafe.StringData before Go 1.20
	st := C.c2dgo_hosts_http(e.h, &c, ptr(ev.Header), C.size_t(len(ev.Header)), ptr(host), C.size_t(len(host)),
		ptr(uri), C.size_t(len(uri)))
	runtime.KeepAlive(e)
	return check(st, "http")
}

func goAddr(b [16]C.uint8_t) netip.Addr {
	var a [16]byte
	for i := range a {
		a[i] = byte(b[i])
	}
	return netip.AddrFrom16(a).Unmap() // as c2d_addr_format writes mapped addresses
}

func goTime(ns C.uint64_t) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(ns)).UTC()
}

var verdicts = [...]string{"ok", "suspicious", "alert"}

// Report ranks the hosts (c2d_hosts_rank) and returns those whose verdict is
// above ok (every tracked host with includeOK), most suspicious first.
func (e *Hosts) Report(includeOK bool) ([]HostReport, error) {
	if err := e.closed(); err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(e)
	inc := C.int(0)
	if includeOK {
		inc = 1
	}
	var n C.size_t
	if err := check(C.c2d_hosts_rank(e.h, inc, &n), "ranking hosts"); err != nil {
		return nil, err
	}
	out := make([]HostReport, 0, int(n))
	for i := C.size_t(0); i < n; i++ {
		var r C.c2d_host_report
		r.size = C.size_t(unsafe.Sizeof(r))
		if err := check(C.c2d_hosts_host(e.h, i, &r), "host"); err != nil {
			return nil, err
		}
		v := strconv.Itoa(int(r.verdict))
		if r.verdict >= 0 && int(r.verdict) < len(verdicts) {
			v = verdicts[r.verdict]
		}
		hr := HostReport{Addr: goAddr(r.addr), Score: float64(r.score), Verdict: v,
			First: goTime(r.first_ns), Last: goTime(r.last_ns), Sessions: uint64(r.sessions),
			DNSResponses: uint64(r.dns_responses), HTTPRequests: uint64(r.http_requests),
			Pairs: uint32(r.pairs), PairsEvicted: uint64(r.pairs_evicted),
			Evidence: make([]Evidence, 0, int(r.n_evidence))}
		for k := C.size_t(0); k < C.size_t(r.n_evidence); k++ {
			var x C.c2d_evidence
			x.size = C.size_t(unsafe.Sizeof(x))
			if err := check(C.c2d_hosts_evidence(e.h, i, k, &x), "evidence"); err != nil {
				return nil, err
			}
			ev := Evidence{Kind: C.GoString(C.c2d_evidence_kind_name(x.kind)), Weight: float64(x.weight),
				Score: float64(x.score), Port: uint16(x.dst_port), Name: C.GoString(x.name),
				Count: uint64(x.count), First: goTime(x.first_ns), Last: goTime(x.last_ns),
				Interval: float64(x.interval_s), IntervalMAD: float64(x.interval_mad_s),
				SkewScore: float64(x.skew_score), DispersionScore: float64(x.dispersion_score),
				SizeScore: float64(x.size_score), CoverageScore: float64(x.coverage_score),
				AttemptsNoPayload: uint64(x.attempts_no_payload), Via: C.GoString(x.via),
				Indicator: C.GoString(x.indicator), Family: C.GoString(x.family),
				Source: C.GoString(x.source), Examples: C.GoString(x.examples), Distinct: uint64(x.distinct)}
			if x.has_dst != 0 {
				ev.Dst = netip.AddrPortFrom(goAddr(x.dst_addr), uint16(x.dst_port))
			}
			hr.Evidence = append(hr.Evidence, ev)
		}
		out = append(out, hr)
	}
	return out, nil
}

// Stats returns the engine's counters.
func (e *Hosts) Stats() (HostsStats, error) {
	if err := e.closed(); err != nil {
		return HostsStats{}, err
	}
	var s C.c2d_hosts_stats
	s.size = C.size_t(unsafe.Sizeof(s))
	err := check(C.c2d_hosts_stats_get(e.h, &s), "stats")
	runtime.KeepAlive(e)
	if err != nil {
		return HostsStats{}, err
	}
	return HostsStats{Sessions: uint64(s.sessions), DNSEvents: uint64(s.dns_events),
		HTTPEvents: uint64(s.http_events), NotLocal: uint64(s.not_local),
		HTTPNotRequest: uint64(s.http_not_request), HostsCreated: uint64(s.hosts_created),
		HostsTracked: uint64(s.hosts_tracked), HostsEvicted: uint64(s.hosts_evicted),
		HostsAgedOut: uint64(s.hosts_aged_out), PairsCreated: uint64(s.pairs_created),
		PairsTracked: uint64(s.pairs_tracked), PairsEvictedCap: uint64(s.pairs_evicted_cap),
		PairsEvictedBudget: uint64(s.pairs_evicted_budget), PairsWithHost: uint64(s.pairs_with_host),
		PairsAgedOut: uint64(s.pairs_aged_out), PairsRefused: uint64(s.pairs_refused),
		InputsRefused: uint64(s.inputs_refused), NamesDropped: uint64(s.names_dropped),
		IOCHitsDropped: uint64(s.ioc_hits_dropped), AllowedEvidence: uint64(s.allowed_evidence),
		MemoryBytes: uint64(s.memory_bytes), MemoryBudget: uint64(s.memory_budget),
		DNSAnswersOverCap: e.dnsAnswersOverCap}, nil
}
