package c2detect

import (
	"errors"
	"net/netip"
	"os"
	"testing"
)

// Fixtures of the repository (no shared data needed).
const (
	smallMMDB    = "../../tests/fuzz/corpus/mmdb/valid_v6_28.mmdb"
	corruptMMDB  = "../../tests/fuzz/corpus/mmdb/corrupt_no_marker.mmdb"
	samplePcap   = "../../examples/sample/sample.pcap"
	sampleIOCCSV = "../../examples/sample/iocs.csv"
)

func TestGeoLookup(t *testing.T) {
	g, err := OpenGeoDB(smallMMDB)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	// as `c2d geo lookup` on the same file (tests/extra_geo.cmake)
	r, err := g.Lookup("8.8.8.8")
	if err != nil {
		t.Fatal(err)
	}
	if r != (GeoResult{Found: true, PrefixLen: 24, Country: "US", ASN: 15169}) {
		t.Fatalf("8.8.8.8: %+v", r)
	}
	r, err = g.Lookup("2001:db8::1")
	if err != nil || r != (GeoResult{Found: true, PrefixLen: 32, Country: "DE"}) {
		t.Fatalf("2001:db8::1: %+v %v", r, err)
	}
	r, err = g.LookupAddr(netip.MustParseAddr("9.9.9.9"))
	if err != nil || r.Found {
		t.Fatalf("9.9.9.9: %+v %v", r, err)
	}
	var e *Error
	if _, err = g.Lookup("not-an-ip"); !errors.As(err, &e) || e.Name != "C2D_ERR_INVALID_ARG" {
		t.Fatalf("bad address: %v", err)
	}
	// the same bytes from memory
	data, err := os.ReadFile(smallMMDB)
	if err != nil {
		t.Fatal(err)
	}
	m, err := OpenGeoBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if r, _ := m.Lookup("8.8.8.8"); r.ASN != 15169 {
		t.Fatalf("from memory: %+v", r)
	}
	if _, err := OpenGeoDB(corruptMMDB); !errors.As(err, &e) || e.Name != "C2D_ERR_BAD_MAGIC" {
		t.Fatalf("corrupt: %v", err)
	}
}

func TestIOCStore(t *testing.T) {
	s, err := NewIOCStore()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rep, err := s.LoadBytes([]byte("# trail\nevil.example\n10.0.0.0/8\nbad value\n"),
		&LoadOptions{Format: IOCList, Family: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	if rep != (LoadReport{Format: IOCList, Lines: 4, Loaded: 2, Rejected: 1, Skipped: 1}) {
		t.Fatalf("report %+v", rep)
	}
	rep, err = s.LoadFile(sampleIOCCSV, nil)
	if err != nil || rep.Loaded != 3 || rep.Format != IOCCSV {
		t.Fatalf("sample feed: %+v %v", rep, err)
	}
	var e *Error
	if _, err := s.MatchText("evil.example"); !errors.As(err, &e) || e.Name != "C2D_ERR_STATE" {
		t.Fatalf("match before finalize: %v", err)
	}
	if err := s.Finalize(); err != nil {
		t.Fatal(err)
	}
	if s.Count() != 5 {
		t.Fatalf("count %d", s.Count())
	}
	m, err := s.MatchText("http://a.evil.example/x")
	if err != nil || len(m) != 1 || m[0].Type != "domain" || m[0].Value != "evil.example" ||
		m[0].Family != "demo" {
		t.Fatalf("text match: %+v %v", m, err)
	}
	m, err = s.MatchIP(netip.MustParseAddr("10.1.2.3"), 0)
	if err != nil || len(m) != 1 || m[0].Type != "cidr" || m[0].Value != "10.0.0.0/8" {
		t.Fatalf("ip match: %+v %v", m, err)
	}
	m, err = s.MatchIP(netip.MustParseAddr("203.0.113.50"), 8080)
	if err != nil || len(m) != 1 || m[0].Type != "ip:port" || m[0].Family != "SampleBeacon" ||
		m[0].ThreatType != "botnet_cc" || m[0].Port != 8080 {
		t.Fatalf("ip:port match: %+v %v", m, err)
	}
	if m, err := s.MatchText("good.example"); err != nil || len(m) != 0 {
		t.Fatalf("no match: %+v %v", m, err)
	}
}

func TestIOCLoadErrors(t *testing.T) {
	s, err := NewIOCStore()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cases := []struct {
		data []byte
		name string
	}{
		{[]byte("# only comments\n"), "C2D_ERR_IOC_EMPTY_FEED"},
		{[]byte{0x1f, 0x8b, 0x08, 0x00}, "C2D_ERR_IOC_COMPRESSED"},
		{[]byte{0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00}, "C2D_ERR_IOC_UNKNOWN_FORMAT"},
	}
	for _, c := range cases {
		var e *Error
		rep, err := s.LoadBytes(c.data, nil)
		if !errors.As(err, &e) || e.Name != c.name || rep.Loaded != 0 {
			t.Fatalf("%q: %v %+v, want %s", c.data, err, rep, c.name)
		}
	}
	var e *Error
	if _, err := s.LoadFile("no-such-feed.csv", nil); !errors.As(err, &e) || e.Name != "C2D_ERR_IO" {
		t.Fatalf("missing file: %v", err)
	}
}

func TestSessionsFromCapture(t *testing.T) {
	r, err := OpenSessions(samplePcap, &FlowOptions{LocalNets: []string{"10.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n, tcp := 0, 0
	var beacon Session
	for r.Next() {
		s := r.Session()
		n++
		if s.Proto == "tcp" {
			tcp++
		}
		if s.RespH == netip.MustParseAddr("203.0.113.50") && s.RespP == 8080 && beacon.Proto == "" {
			beacon = s
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	// as `c2d sessions` on the sample (tests/extra_cli.cmake): 222 sessions
	st := r.Stats()
	if n != 222 || st.SessionsEnded != 222 || st.Frames != 593 || st.DNSMessages != 38 {
		t.Fatalf("%d sessions, stats %+v", n, st)
	}
	if beacon.OrigH != netip.MustParseAddr("10.0.0.5") || beacon.ConnState != "SF" ||
		beacon.OrigBytes != 206 || beacon.RespBytes != 107 || !beacon.LocalOrig || beacon.LocalResp {
		t.Fatalf("beacon session %+v", beacon)
	}
}

func TestSessionsDamagedCapture(t *testing.T) {
	data, err := os.ReadFile(samplePcap)
	if err != nil {
		t.Fatal(err)
	}
	r, err := OpenSessionsBytes(data[:5000], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	n := 0
	for r.Next() {
		n++
	}
	var ce *CaptureError
	if !errors.As(r.Err(), &ce) || ce.Err.Name != "C2D_ERR_TRUNCATED" || ce.Offset != 4217 {
		t.Fatalf("err %v", r.Err())
	}
	// as `c2d sessions` on the first 5000 bytes: 19 sessions before the cut
	if n != 19 {
		t.Fatalf("%d sessions before the damage", n)
	}
	if _, err := OpenSessionsBytes([]byte("not a capture at all"), nil); err == nil {
		t.Fatal("not a capture: no error")
	}
}
