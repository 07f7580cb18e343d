package c2detect

/*
#include <stdlib.h>
#include <c2detect.h>
*/
import "C"

import (
	"net/netip"
	"runtime"
	"time"
	"unsafe"
)

// IOCFormat is a feed format for the loaders (values as c2d_ioc_format).
type IOCFormat int

// Feed formats; IOCAuto guesses from the first bytes (docs/ioc.md).
const (
	IOCAuto          IOCFormat = C.C2D_IOC_FORMAT_AUTO
	IOCCSV           IOCFormat = C.C2D_IOC_FORMAT_CSV
	IOCThreatFoxJSON IOCFormat = C.C2D_IOC_FORMAT_THREATFOX_JSON
	IOCList          IOCFormat = C.C2D_IOC_FORMAT_LIST
)

// LoadOptions are a loader's defaults for lines that do not carry the field.
// Zero values mean the library's defaults.
type LoadOptions struct {
	Format     IOCFormat
	Family     string // LIST feeds: family of every line
	Source     string // stored with each indicator (default: the format's name)
	ThreatType string
	Confidence uint // 0..100; 0 = 50
}

// LoadReport counts what a load read: every line is loaded, rejected or skipped.
type LoadReport struct {
	Format      IOCFormat
	Lines       uint64
	Loaded      uint64
	Rejected    uint64
	Skipped     uint64
	Unsupported uint64
}

// Indicator is one stored indicator, as a match returns it.
type Indicator struct {
	ID         uint32
	Type       string // "ip", "cidr", "ip:port", "domain", "url", "url-path"
	Value      string // normalised
	Family     string
	ThreatType string
	Source     string
	Tags       string
	Confidence int
	FirstSeen  time.Time // zero when unknown
	LastSeen   time.Time
	Port       int
}

// IOCStore is an indicator store. Load feeds, then Finalize; after that it is
// read-only and safe for concurrent matches from any number of goroutines.
// Loading and Finalize must not run concurrently with anything else on it.
type IOCStore struct {
	h *C.c2d_iocdb
}

// NewIOCStore creates an empty store.
func NewIOCStore() (*IOCStore, error) {
	var h *C.c2d_iocdb
	if err := check(C.c2d_iocdb_new(nil, &h), "ioc store"); err != nil {
		return nil, err
	}
	s := &IOCStore{h: h}
	runtime.SetFinalizer(s, (*IOCStore).Close)
	return s, nil
}

type cOptions struct {
	o       C.c2d_ioc_load_options
	strings []*C.char
}

func (c *cOptions) str(s string) *C.char {
	if s == "" {
		return nil
	}
	cs := C.CString(s)
	c.strings = append(c.strings, cs)
	return cs
}

func (c *cOptions) free() {
	for _, s := range c.strings {
		C.free(unsafe.Pointer(s))
	}
}

func makeOptions(o *LoadOptions) *cOptions {
	c := &cOptions{}
	c.o.size = C.size_t(unsafe.Sizeof(c.o))
	if o != nil {
		c.o.format = C.c2d_ioc_format(o.Format)
		c.o.family = c.str(o.Family)
		c.o.source = c.str(o.Source)
		c.o.threat_type = c.str(o.ThreatType)
		c.o.confidence = C.unsigned(o.Confidence)
	}
	return c
}

func goReport(r *C.c2d_ioc_load_report) LoadReport {
	return LoadReport{Format: IOCFormat(r.format), Lines: uint64(r.lines), Loaded: uint64(r.loaded),
		Rejected: uint64(r.rejected), Skipped: uint64(r.skipped), Unsupported: uint64(r.unsupported)}
}

// LoadFile loads a feed file (c2d_iocdb_load_file; plain text). Malformed lines
// are counted in the report and skipped. A feed that yields no indicator is an
// *Error with C2D_ERR_IOC_EMPTY_FEED, a compressed one C2D_ERR_IOC_COMPRESSED,
// binary data C2D_ERR_IOC_UNKNOWN_FORMAT; the report is filled in every case.
func (s *IOCStore) LoadFile(path string, o *LoadOptions) (LoadReport, error) {
	co := makeOptions(o)
	defer co.free()
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	var r C.c2d_ioc_load_report
	r.size = C.size_t(unsafe.Sizeof(r))
	st := C.c2d_iocdb_load_file(s.h, cs, &co.o, &r)
	runtime.KeepAlive(s)
	return goReport(&r), check(st, path)
}

// LoadBytes loads a feed from memory; statuses as LoadFile.
func (s *IOCStore) LoadBytes(data []byte, o *LoadOptions) (LoadReport, error) {
	co := makeOptions(o)
	defer co.free()
	var p unsafe.Pointer
	if len(data) > 0 {
		p = unsafe.Pointer(&data[0])
	}
	var r C.c2d_ioc_load_report
	r.size = C.size_t(unsafe.Sizeof(r))
	st := C.c2d_iocdb_load_memory(s.h, p, C.size_t(len(data)), &co.o, &r)
	runtime.KeepAlive(s)
	return goReport(&r), check(st, "feed")
}

// Finalize builds the indexes; the store is read-only from then on.
func (s *IOCStore) Finalize() error {
	err := check(C.c2d_iocdb_finalize(s.h), "finalize")
	runtime.KeepAlive(s)
	return err
}

// Count is the number of indicators in the store.
func (s *IOCStore) Count() int {
	n := int(C.c2d_iocdb_count(s.h, C.C2D_IOC_UNKNOWN))
	runtime.KeepAlive(s)
	return n
}

const maxMatches = 64

func (s *IOCStore) indicators(ids []C.uint32_t, n C.size_t) []Indicator {
	if int(n) > len(ids) {
		n = C.size_t(len(ids))
	}
	out := make([]Indicator, 0, int(n))
	for _, id := range ids[:n] {
		var in C.c2d_ioc_info
		in.size = C.size_t(unsafe.Sizeof(in))
		if C.c2d_iocdb_get(s.h, id, &in) != C.C2D_OK {
			continue
		}
		ind := Indicator{ID: uint32(id), Type: C.GoString(C.c2d_ioc_type_name(in._type)),
			Value: C.GoString(in.value), Family: C.GoString(in.family),
			ThreatType: C.GoString(in.threat_type), Source: C.GoString(in.source),
			Tags: C.GoString(in.tags), Confidence: int(in.confidence), Port: int(in.port)}
		if in.first_seen != 0 {
			ind.FirstSeen = time.Unix(int64(in.first_seen), 0).UTC()
		}
		if in.last_seen != 0 {
			ind.LastSeen = time.Unix(int64(in.last_seen), 0).UTC()
		}
		out = append(out, ind)
	}
	return out
}

// MatchText matches any observed value ("1.2.3.4:443", "a.evil.example",
// "http://a.evil.example/x", ...), best match first (at most 64). Needs a
// finalised store (else C2D_ERR_STATE).
func (s *IOCStore) MatchText(value string) ([]Indicator, error) {
	var ids [maxMatches]C.uint32_t
	var n C.size_t
	st := C.c2d_iocdb_match_text(s.h, cstr(value), C.size_t(len(value)), &ids[0], maxMatches, &n)
	runtime.KeepAlive(value)
	if err := check(st, value); err != nil {
		return nil, err
	}
	out := s.indicators(ids[:], n)
	runtime.KeepAlive(s)
	return out, nil
}

// MatchIP matches an address and port (0: no port known, so ip:port
// indicators cannot match), best match first (at most 64).
func (s *IOCStore) MatchIP(a netip.Addr, port uint16) ([]Indicator, error) {
	var ids [maxMatches]C.uint32_t
	var n C.size_t
	var st C.c2d_status
	a = a.Unmap()
	if a.Is4() {
		b := a.As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		st = C.c2d_iocdb_match_ipv4(s.h, C.uint32_t(v), C.uint16_t(port), &ids[0], maxMatches, &n)
	} else if a.Is6() {
		b := a.As16()
		st = C.c2d_iocdb_match_ipv6(s.h, (*C.uint8_t)(unsafe.Pointer(&b[0])), C.uint16_t(port),
			&ids[0], maxMatches, &n)
	} else {
		return nil, check(C.C2D_ERR_INVALID_ARG, "address")
	}
	if err := check(st, a.String()); err != nil {
		return nil, err
	}
	out := s.indicators(ids[:], n)
	runtime.KeepAlive(s)
	return out, nil
}

// Close frees the store; calling it twice is harmless. No match may be running.
func (s *IOCStore) Close() {
	if s.h != nil {
		C.c2d_iocdb_free(s.h)
		s.h = nil
	}
}
