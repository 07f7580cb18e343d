package c2detect

/*
#include <stdlib.h>
#include <c2detect.h>
*/
import "C"

import (
	"net/netip"
	"runtime"
	"unsafe"
)

// GeoDB is an opened MaxMind DB (MMDB) file: country, ASN and organisation
// lookups by the library's own reader. Safe for concurrent use once opened.
type GeoDB struct {
	h    *C.c2d_geodb
	cbuf unsafe.Pointer // C copy of the bytes OpenGeoBytes opened in place
}

// GeoResult is what a lookup found. Found is false when the address's network
// has no data; Country ("" when absent) is the ISO 3166 alpha-2 code; ASN 0
// and Org "" mean the database has no such field.
type GeoResult struct {
	Found     bool
	PrefixLen int
	Country   string
	ASN       uint32
	Org       string
}

func wrapGeo(h *C.c2d_geodb, buf unsafe.Pointer) *GeoDB {
	g := &GeoDB{h: h, cbuf: buf}
	runtime.SetFinalizer(g, (*GeoDB).Close)
	return g
}

// OpenGeoDB opens and validates an MMDB file (c2d_geodb_open_file). The file
// must be uncompressed; decompress .gz files first (or use OpenGeoBytes).
func OpenGeoDB(path string) (*GeoDB, error) {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	var h *C.c2d_geodb
	if err := check(C.c2d_geodb_open_file(cs, nil, &h), path); err != nil {
		return nil, err
	}
	return wrapGeo(h, nil), nil
}

// OpenGeoBytes opens an MMDB held in memory. The bytes are copied to C memory
// once and used in place until Close.
func OpenGeoBytes(data []byte) (*GeoDB, error) {
	if len(data) == 0 {
		return nil, check(C.C2D_ERR_TRUNCATED, "mmdb")
	}
	buf := C.CBytes(data)
	var h *C.c2d_geodb
	if err := check(C.c2d_geodb_open_memory(buf, C.size_t(len(data)), nil, &h), "mmdb"); err != nil {
		C.free(buf)
		return nil, err
	}
	return wrapGeo(h, buf), nil
}

// Lookup parses ip ("8.8.8.8", "2001:db8::1") and looks it up. A malformed
// address is an *Error with status C2D_ERR_INVALID_ARG; an IPv6 address in an
// IPv4-only database one with C2D_ERR_MMDB_IPV6_IN_IPV4.
func (g *GeoDB) Lookup(ip string) (GeoResult, error) {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return GeoResult{}, check(C.C2D_ERR_INVALID_ARG, ip)
	}
	return g.LookupAddr(a)
}

// LookupAddr looks up an address (IPv4-mapped IPv6 addresses as IPv4).
func (g *GeoDB) LookupAddr(a netip.Addr) (GeoResult, error) {
	var r C.c2d_geo_result
	r.size = C.size_t(unsafe.Sizeof(r))
	a = a.Unmap()
	var st C.c2d_status
	if a.Is4() {
		b := a.As4()
		v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
		st = C.c2d_geodb_lookup_ipv4(g.h, C.uint32_t(v), &r)
	} else if a.Is6() {
		b := a.As16()
		st = C.c2d_geodb_lookup_ipv6(g.h, (*C.uint8_t)(unsafe.Pointer(&b[0])), &r)
	} else {
		return GeoResult{}, check(C.C2D_ERR_INVALID_ARG, "address")
	}
	if err := check(st, a.String()); err != nil {
		return GeoResult{}, err
	}
	res := GeoResult{Found: r.found != 0, PrefixLen: int(r.prefix_len)}
	if res.Found {
		var iso [3]C.char
		if C.c2d_geodb_country(g.h, &r, &iso[0]) == C.C2D_OK {
			res.Country = C.GoString(&iso[0])
		}
		var asn C.uint32_t
		if C.c2d_geodb_asn(g.h, &r, &asn) == C.C2D_OK {
			res.ASN = uint32(asn)
		}
		var org [256]C.char
		if C.c2d_geodb_as_org(g.h, &r, &org[0], C.size_t(len(org)), nil) == C.C2D_OK {
			res.Org = C.GoString(&org[0])
		}
	}
	runtime.KeepAlive(g)
	return res, nil
}

// Close frees the database; calling it twice is harmless.
func (g *GeoDB) Close() {
	if g.h != nil {
		C.c2d_geodb_free(g.h)
		g.h = nil
	}
	if g.cbuf != nil {
		C.free(g.cbuf)
		g.cbuf = nil
	}
}
