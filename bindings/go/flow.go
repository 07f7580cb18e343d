package c2detect

/*
#include <stdlib.h>
#include <string.h>
#include <c2detect.h>

// A capture read through a flow table, with ended sessions queued in C so Go
// never runs inside a library callback. Prefix pointers are cleared: they are
// valid only during the callback.
typedef struct c2dgo_flow {
	c2d_capture *cap;
	c2d_flowtable *ft;
	c2d_session *q;
	size_t n, cap_q;
	uint64_t next_expire;
	c2d_status capture_status; // C2D_OK while reading, then C2D_CAPTURE_END or the error
	uint64_t error_offset;
	int flushed, nomem;
} c2dgo_flow;

static void c2dgo_on_session(void *user, const c2d_session *s) {
	c2dgo_flow *f = (c2dgo_flow *)user;
	if (f->n == f->cap_q) {
		size_t ncap = f->cap_q ? f->cap_q * 2 : 64;
		c2d_session *nq = (c2d_session *)realloc(f->q, ncap * sizeof *nq);
		if (!nq) {
			f->nomem = 1;
			return;
		}
		f->q = nq;
		f->cap_q = ncap;
	}
	f->q[f->n] = *s;
	f->q[f->n].orig_prefix = NULL;
	f->q[f->n].orig_prefix_len = 0;
	f->q[f->n].resp_prefix = NULL;
	f->q[f->n].resp_prefix_len = 0;
	f->n++;
}

static void c2dgo_attach(c2dgo_flow *f) {
	c2d_flowtable_set_session_callback(f->ft, c2dgo_on_session, f);
}

// Read frames until at least one session ended or the capture is done (then
// flush). Returns C2D_ERR_NOMEM when the queue could not grow.
static c2d_status c2dgo_fill(c2dgo_flow *f) {
	c2d_frame fr;
	memset(&fr, 0, sizeof fr);
	fr.size = sizeof fr;
	f->n = 0;
	while (f->n == 0 && !f->flushed) {
		if (f->capture_status == C2D_OK) {
			c2d_status st = c2d_capture_next(f->cap, &fr);
			if (st == C2D_OK) {
				c2d_flowtable_add_frame(f->ft, &fr);
				if (fr.ts_ns >= f->next_expire) {
					c2d_flowtable_expire(f->ft, fr.ts_ns);
					f->next_expire = fr.ts_ns + 1000000000u;
				}
				continue;
			}
			f->capture_status = st;
			f->error_offset = c2d_capture_offset(f->cap);
		}
		c2d_flowtable_flush(f->ft);
		f->flushed = 1;
	}
	return f->nomem ? C2D_ERR_NOMEM : C2D_OK;
}

static const c2d_session *c2dgo_at(const c2dgo_flow *f, size_t i) { return &f->q[i]; }
*/
import "C"

import (
	"fmt"
	"net/netip"
	"runtime"
	"time"
	"unsafe"
)

// FlowOptions configure SessionReader's flow table; zero values are the
// library's defaults (c2d_flow_settings_default).
type FlowOptions struct {
	LocalNets []string // internal networks as CIDR, e.g. "10.0.0.0/8"
	Capacity  uint32   // sessions held at once (default 65536)
}

// Session is one ended TCP or UDP session (c2d_session), classified with the
// default session rules (docs/flow.md).
type Session struct {
	Proto                      string // "tcp" or "udp"
	OrigH, RespH               netip.Addr
	OrigP, RespP               uint16
	Start                      time.Time
	Duration                   float64 // seconds
	OrigPkts, RespPkts         uint64
	OrigBytes, RespBytes       uint64 // transport payload bytes
	OrigDataPkts, RespDataPkts uint64
	ConnState, EndReason       string // Zeek-like names, e.g. "SF", "fin"
	LocalOrig, LocalResp       bool
	Counted                    bool    // at least one payload byte
	AvgPayloadLen              float64 // bytes per payload-carrying packet
	InOutRatio                 float64 // (resp_bytes + 1) / (orig_bytes + 1)
	Class                      string  // "c2_candidate", "download", "upload", "inbound", "other", ...
}

// FlowStats are the flow table's counters (c2d_flow_stats).
type FlowStats struct {
	Frames, Packets                   uint64
	Truncated, Malformed, Unsupported uint64
	Fragments, NotTCPUDP              uint64
	SessionsStarted, SessionsEnded    uint64
	DNSMessages, DNSErrors            uint64
}

// CaptureError is a capture that could be read only up to Offset: the
// sessions before it were delivered. Status is the c2d_status.
type CaptureError struct {
	Err    *Error
	Offset uint64
}

func (e *CaptureError) Error() string { return fmt.Sprintf("at byte %d: %v", e.Offset, e.Err) }

// Unwrap gives the *Error, for errors.As.
func (e *CaptureError) Unwrap() error { return e.Err }

// SessionReader reads a pcap or pcapng capture through a flow table and yields
// each session as it ends. One goroutine at a time.
//
//	r, err := c2detect.OpenSessions("trace.pcap", nil)
//	for r.Next() { s := r.Session(); ... }
//	err = r.Err()
type SessionReader struct {
	f     *C.c2dgo_flow
	cbuf  unsafe.Pointer
	rules C.c2d_session_rules
	i     C.size_t
	cur   Session
	err   error
}

// OpenSessions opens a capture file (plain pcap/pcapng; decompress first).
func OpenSessions(path string, o *FlowOptions) (*SessionReader, error) {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	var cap *C.c2d_capture
	if err := check(C.c2d_capture_open_file(cs, nil, &cap), path); err != nil {
		return nil, err
	}
	return newReader(cap, nil, o)
}

// OpenSessionsBytes reads a capture held in memory (copied to C once).
func OpenSessionsBytes(data []byte, o *FlowOptions) (*SessionReader, error) {
	if len(data) == 0 {
		return nil, check(C.C2D_ERR_TRUNCATED, "capture")
	}
	buf := C.CBytes(data)
	var cap *C.c2d_capture
	if err := check(C.c2d_capture_open_memory(buf, C.size_t(len(data)), nil, &cap), "capture"); err != nil {
		C.free(buf)
		return nil, err
	}
	return newReader(cap, buf, o)
}

func newReader(cap *C.c2d_capture, buf unsafe.Pointer, o *FlowOptions) (*SessionReader, error) {
	var set C.c2d_flow_settings
	C.c2d_flow_settings_default(&set)
	if o != nil && o.Capacity != 0 {
		set.capacity = C.uint32_t(o.Capacity)
	}
	f := (*C.c2dgo_flow)(C.calloc(1, C.size_t(unsafe.Sizeof(C.c2dgo_flow{}))))
	if f == nil {
		C.c2d_capture_free(cap)
		C.free(buf)
		return nil, check(C.C2D_ERR_NOMEM, "flow table")
	}
	f.cap = cap
	r := &SessionReader{f: f, cbuf: buf}
	runtime.SetFinalizer(r, (*SessionReader).Close)
	if err := check(C.c2d_flowtable_new(&set, nil, &f.ft), "flow table"); err != nil {
		r.Close()
		return nil, err
	}
	if o != nil {
		for _, n := range o.LocalNets {
			cs := C.CString(n)
			st := C.c2d_flowtable_add_local_net(f.ft, cs)
			C.free(unsafe.Pointer(cs))
			if err := check(st, n); err != nil {
				r.Close()
				return nil, err
			}
		}
	}
	C.c2dgo_attach(f)
	C.c2d_session_rules_default(&r.rules)
	return r, nil
}

func addr(b [16]C.uint8_t, version C.uint8_t) netip.Addr {
	var a [16]byte
	for i := range a {
		a[i] = byte(b[i])
	}
	ip := netip.AddrFrom16(a)
	if version == 4 {
		ip = ip.Unmap()
	}
	return ip
}

// Next advances to the next ended session; false at the end or on an error
// (see Err).
func (r *SessionReader) Next() bool {
	if r.f == nil || r.err != nil {
		return false
	}
	if r.i >= r.f.n {
		if r.f.flushed != 0 {
			r.finish()
			return false
		}
		if err := check(C.c2dgo_fill(r.f), "sessions"); err != nil {
			r.err = err
			return false
		}
		r.i = 0
		if r.f.n == 0 {
			r.finish()
			return false
		}
	}
	s := C.c2dgo_at(r.f, r.i)
	r.i++
	var cls C.c2d_session_class
	C.c2d_session_classify(s, &r.rules, &cls)
	proto := "udp"
	if s.proto == 6 {
		proto = "tcp"
	}
	r.cur = Session{Proto: proto, OrigH: addr(s.orig_h, s.ip_version), RespH: addr(s.resp_h, s.ip_version),
		OrigP: uint16(s.orig_p), RespP: uint16(s.resp_p),
		Start:    time.Unix(0, int64(s.ts_ns)).UTC(),
		Duration: float64(s.duration), OrigPkts: uint64(s.orig_pkts), RespPkts: uint64(s.resp_pkts),
		OrigBytes: uint64(s.orig_bytes), RespBytes: uint64(s.resp_bytes),
		OrigDataPkts: uint64(s.orig_data_pkts), RespDataPkts: uint64(s.resp_data_pkts),
		ConnState: C.GoString(C.c2d_conn_state_name(s.conn_state)),
		EndReason: C.GoString(C.c2d_end_reason_name(s.end_reason)),
		LocalOrig: s.local_orig != 0, LocalResp: s.local_resp != 0, Counted: s.counted != 0,
		AvgPayloadLen: float64(s.avg_payload_len), InOutRatio: float64(s.in_out_ratio),
		Class: C.GoString(C.c2d_session_class_name(cls))}
	return true
}

func (r *SessionReader) finish() {
	if st := r.f.capture_status; st != C.C2D_CAPTURE_END && st != C.C2D_OK {
		r.err = &CaptureError{Err: check(st, "capture").(*Error), Offset: uint64(r.f.error_offset)}
	}
}

// Session is the session Next advanced to.
func (r *SessionReader) Session() Session { return r.cur }

// Err is nil after a clean end of the capture; a *CaptureError when the
// capture is damaged (the sessions read before were delivered).
func (r *SessionReader) Err() error { return r.err }

// Stats returns the flow table's counters so far.
func (r *SessionReader) Stats() FlowStats {
	if r.f == nil || r.f.ft == nil {
		return FlowStats{}
	}
	var s C.c2d_flow_stats
	s.size = C.size_t(unsafe.Sizeof(s))
	C.c2d_flowtable_stats(r.f.ft, &s)
	return FlowStats{Frames: uint64(s.frames), Packets: uint64(s.packets), Truncated: uint64(s.truncated),
		Malformed: uint64(s.malformed), Unsupported: uint64(s.unsupported), Fragments: uint64(s.fragments),
		NotTCPUDP: uint64(s.not_tcp_udp), SessionsStarted: uint64(s.sessions_started),
		SessionsEnded: uint64(s.sessions_ended), DNSMessages: uint64(s.dns_messages),
		DNSErrors: uint64(s.dns_errors)}
}

// Close frees the reader; calling it twice is harmless.
func (r *SessionReader) Close() {
	if r.f != nil {
		C.c2d_flowtable_free(r.f.ft)
		C.c2d_capture_free(r.f.cap)
		C.free(unsafe.Pointer(r.f.q))
		C.free(unsafe.Pointer(r.f))
		r.f = nil
	}
	if r.cbuf != nil {
		C.free(r.cbuf)
		r.cbuf = nil
	}
}
