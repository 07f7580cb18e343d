package c2detect

import (
	"errors"
	"math"
	"net/netip"
	"testing"
	"time"
)

var hostsT0 = time.Unix(1790000000, 0).UTC()

const (
	salityHeader = "GET /sobaka1.gif?12db3cf=98861835 HTTP/1.1\r\n" +
		"User-Agent: Mozilla/4.0 (compatible; MSIE 7.0b; Windows NT 6.0)\r\n" +
		"Host: padrup.com\r\n" +
		"Cache-Control: no-cache\r\n" +
		"Cookie: jsessionid=85b50d8fab658ecb9f79aa4de6039c87\r\n\r\n"
	ircBytes = "NICK bot123\r\nUSER bot 0 * :bot\r\nJOIN #c2\r\n"
)

func sec(s float64) time.Time { return hostsT0.Add(time.Duration(s * float64(time.Second))) }

// A dead C2 server retried every 3 s: 30 refused attempts without payload.
func refusedBeacon(t *testing.T, h *Hosts, src string) {
	t.Helper()
	for i := 0; i < 30; i++ {
		s := Session{Proto: "tcp", OrigH: netip.MustParseAddr(src), OrigP: uint16(40000 + i),
			RespH: netip.MustParseAddr("203.0.113.5"), RespP: 8080, Start: sec(3 * float64(i)),
			OrigPkts: 1, RespPkts: 1, ConnState: "REJ", LocalOrig: true}
		if err := h.AddSession(s); err != nil {
			t.Fatal(err)
		}
	}
}

func newHosts(t *testing.T, cfg *HostsConfig) *Hosts {
	t.Helper()
	h, err := NewHosts(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func kinds(ev []Evidence) []string {
	var k []string
	for _, e := range ev {
		k = append(k, e.Kind)
	}
	return k
}

func TestHostsRefusedBeacon(t *testing.T) {
	h := newHosts(t, &HostsConfig{NoBuiltinModels: true})
	defer h.Close()
	refusedBeacon(t, h, "192.168.1.20")
	rep, err := h.Report(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep) != 1 {
		t.Fatalf("%d hosts: %+v", len(rep), rep)
	}
	r := rep[0]
	if r.Addr.String() != "192.168.1.20" || r.Verdict != "alert" || r.Sessions != 30 || r.Pairs != 1 ||
		!r.First.Equal(hostsT0) || !r.Last.Equal(sec(87)) {
		t.Fatalf("host %+v", r)
	}
	if len(r.Evidence) != 1 {
		t.Fatalf("evidence %v", kinds(r.Evidence))
	}
	e := r.Evidence[0]
	if e.Kind != "beacon" || e.Dst.String() != "203.0.113.5:8080" || e.Port != 8080 || e.Name != "" ||
		e.Count != 30 || e.Distinct != 30 || e.AttemptsNoPayload != 30 {
		t.Fatalf("beacon %+v", e)
	}
	if e.Interval != 3.0 || e.IntervalMAD != 0 || e.Score != 1.0 || e.SkewScore != 1 || e.DispersionScore != 1 ||
		e.SizeScore != 1 || e.CoverageScore != 1 {
		t.Fatalf("beacon parts %+v", e)
	}
	if r.Score != e.Weight || !(r.Score > 0.5 && r.Score < 1) {
		t.Fatalf("host score %v, beacon weight %v", r.Score, e.Weight)
	}
	if !e.First.Equal(hostsT0) || !e.Last.Equal(sec(87)) {
		t.Fatalf("beacon times %v %v", e.First, e.Last)
	}
	st, err := h.Stats()
	if err != nil || st.Sessions != 30 || st.HostsTracked != 1 || st.PairsTracked != 1 || st.NotLocal != 0 {
		t.Fatalf("stats %+v %v", st, err)
	}
}

func TestHostsHTTPOnlyFromRequestLines(t *testing.T) {
	h := newHosts(t, nil) // the built-in models
	defer h.Close()
	cli, srv := netip.MustParseAddr("10.0.0.12"), netip.MustParseAddr("198.51.100.40")
	if err := h.AddHTTP(HTTPEvent{Time: hostsT0, Client: cli, Server: srv, Port: 6667, Header: []byte(ircBytes)}); err != nil {
		t.Fatal(err)
	}
	s := Session{Proto: "tcp", OrigH: cli, OrigP: 51000, RespH: srv, RespP: 6667, Start: sec(1),
		OrigBytes: uint64(len(ircBytes)), RespBytes: 60, OrigPkts: 3, RespPkts: 3, ConnState: "SF"}
	if err := h.AddSessionPayload(s, []byte(ircBytes), nil); err != nil {
		t.Fatal(err)
	}
	rep, err := h.Report(true)
	if err != nil || len(rep) != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	for _, e := range rep[0].Evidence {
		if e.Kind == "http_c2" {
			t.Fatalf("http_c2 from bytes that are not HTTP: %+v", e)
		}
	}
	if rep[0].Verdict != "ok" || rep[0].HTTPRequests != 1 {
		t.Fatalf("%+v", rep[0])
	}
	if st, _ := h.Stats(); st.HTTPNotRequest != 1 || st.HTTPEvents != 1 {
		t.Fatalf("stats %+v", st)
	}
	// a Sality request is HTTP C2 evidence, given alone or as a session's first bytes
	if err := h.AddHTTP(HTTPEvent{Time: sec(3), Client: cli, Server: srv, Port: 80, Header: []byte(salityHeader)}); err != nil {
		t.Fatal(err)
	}
	s2 := Session{Proto: "tcp", OrigH: cli, OrigP: 52000, RespH: srv, RespP: 80, Start: sec(4),
		OrigBytes: uint64(len(salityHeader)), RespBytes: 300, OrigPkts: 4, RespPkts: 3, ConnState: "SF"}
	if err := h.AddSessionPayload(s2, []byte(salityHeader), nil); err != nil {
		t.Fatal(err)
	}
	rep, err = h.Report(false)
	if err != nil || len(rep) != 1 || rep[0].Verdict != "alert" || rep[0].HTTPRequests != 3 {
		t.Fatalf("%+v %v", rep, err)
	}
	e := rep[0].Evidence[0]
	if e.Kind != "http_c2" || e.Dst.String() != "198.51.100.40:80" || e.Count != 2 ||
		e.Examples != "http://padrup.com/sobaka1.gif?12db3cf=98861835" || !(e.Score > 0.9) {
		t.Fatalf("http_c2 %+v", e)
	}
}

func TestHostsDNSIOCAndAllowList(t *testing.T) {
	ioc, err := NewIOCStore()
	if err != nil {
		t.Fatal(err)
	}
	defer ioc.Close()
	if _, err := ioc.LoadBytes([]byte("c2.example.net\n"), nil); err != nil {
		t.Fatal(err)
	}
	if err := ioc.Finalize(); err != nil {
		t.Fatal(err)
	}
	h := newHosts(t, &HostsConfig{NoBuiltinModels: true, IOC: ioc})
	defer h.Close()
	cli := netip.MustParseAddr("10.0.0.5")
	c2 := netip.MustParseAddr("203.0.113.9")
	if err := h.AddDNS(DNSEvent{Time: hostsT0, Client: cli, Name: "C2.Example.NET.", Answers: []netip.Addr{c2}}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 25; i++ {
		name := string(rune('a'+i)) + "x9qabc.example.org"
		if err := h.AddDNS(DNSEvent{Time: sec(float64(i)), Client: netip.MustParseAddr("10.0.0.7"), Name: name, Rcode: 3}); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 10; i++ {
		s := Session{Proto: "tcp", OrigH: cli, OrigP: uint16(40000 + i), RespH: c2, RespP: 443,
			Start: sec(5 + 60*float64(i)), OrigBytes: 100, RespBytes: 200, OrigPkts: 4, RespPkts: 4, ConnState: "SF"}
		if err := h.AddSession(s); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := h.Report(false)
	if err != nil || len(rep) != 2 {
		t.Fatalf("%+v %v", rep, err)
	}
	if rep[0].Addr != cli || rep[0].Verdict != "alert" || rep[1].Addr.String() != "10.0.0.7" || rep[1].Verdict != "suspicious" {
		t.Fatalf("%+v", rep)
	}
	ev := rep[0].Evidence
	// c2_candidate too: 300 bytes over 8 packets (no data packet counts given) is "short packets"
	if len(ev) != 3 || ev[2].Kind != "c2_candidate" || ev[2].Weight != 0 || ev[0].Kind != "ioc" || ev[0].Via != "dns" || ev[0].Indicator != "c2.example.net" ||
		ev[0].Name != "c2.example.net" || ev[0].Count != 1 || ev[0].Dst.IsValid() {
		t.Fatalf("ioc %+v", ev)
	}
	if ev[1].Kind != "beacon" || ev[1].Dst.String() != "203.0.113.9:443" || ev[1].Name != "c2.example.net" ||
		ev[1].Count != 10 || ev[1].Interval != 60 {
		t.Fatalf("beacon %+v", ev[1])
	}
	nx := rep[1].Evidence
	if len(nx) != 1 || nx[0].Kind != "nxdomain_burst" || nx[0].Count != 25 || nx[0].Distinct != 25 {
		t.Fatalf("nxdomain %+v", nx)
	}
	// answers past the 16 of a DNS message are counted
	many := make([]netip.Addr, 20)
	for i := range many {
		many[i] = netip.AddrFrom4([4]byte{198, 51, 100, byte(i)})
	}
	if err := h.AddDNS(DNSEvent{Time: sec(700), Client: cli, Name: "many.example.org", Answers: many}); err != nil {
		t.Fatal(err)
	}
	// the allow-list applies at the next report
	if err := h.Allow("*.example.net"); err != nil {
		t.Fatal(err)
	}
	if err := h.Allow("203.0.113.0/24"); err != nil {
		t.Fatal(err)
	}
	rep, err = h.Report(false)
	if err != nil || len(rep) != 1 || rep[0].Addr.String() != "10.0.0.7" {
		t.Fatalf("after the allow-list: %+v %v", rep, err)
	}
	st, _ := h.Stats()
	if st.DNSAnswersOverCap != 4 || st.DNSEvents != 27 || st.Sessions != 10 {
		t.Fatalf("stats %+v", st)
	}
}

func TestHostsLocalNetsAndIPv6(t *testing.T) {
	h := newHosts(t, &HostsConfig{NoBuiltinModels: true, Window: time.Hour})
	defer h.Close()
	if err := h.AddLocalNet("fd00::/8"); err != nil {
		t.Fatal(err)
	}
	refusedBeacon(t, h, "192.168.1.20") // not local any more
	for i := 0; i < 30; i++ {
		s := Session{Proto: "tcp", OrigH: netip.MustParseAddr("fd00::5"), OrigP: uint16(40000 + i),
			RespH: netip.MustParseAddr("2001:db8::1"), RespP: 443, Start: sec(3 * float64(i)), ConnState: "S0", OrigPkts: 1}
		if err := h.AddSession(s); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := h.Report(true)
	if err != nil || len(rep) != 1 || rep[0].Addr.String() != "fd00::5" || rep[0].Evidence[0].Dst.String() != "[2001:db8::1]:443" {
		t.Fatalf("%+v %v", rep, err)
	}
	if st, _ := h.Stats(); st.NotLocal != 30 {
		t.Fatalf("stats %+v", st)
	}
}

func TestHostsErrors(t *testing.T) {
	status := func(err error) int {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("not an *Error: %v", err)
		}
		return e.Status
	}
	if _, err := NewHosts(&HostsConfig{MemoryBudget: 1000}); status(err) != -9 { // C2D_ERR_LIMIT
		t.Fatal(err)
	}
	if _, err := NewHosts(&HostsConfig{AlertThreshold: 0.5, SuspiciousThreshold: 0.9}); status(err) != -1 {
		t.Fatal(err)
	}
	if _, err := NewHosts(&HostsConfig{BeaconThreshold: math.NaN()}); status(err) != -1 {
		t.Fatal(err)
	}
	if _, err := NewHosts(&HostsConfig{Window: -time.Second}); status(err) != -1 {
		t.Fatal(err)
	}
	h := newHosts(t, &HostsConfig{NoBuiltinModels: true})
	if err := h.AddLocalNet("10.1.0.0/33"); status(err) != -10 { // C2D_ERR_MALFORMED
		t.Fatal(err)
	}
	if err := h.Allow("bad..name"); status(err) != -10 {
		t.Fatal(err)
	}
	good := Session{Proto: "tcp", OrigH: netip.MustParseAddr("10.0.0.1"), OrigP: 1,
		RespH: netip.MustParseAddr("198.51.100.1"), RespP: 80, Start: hostsT0}
	bad := []Session{good, good, good, good, good}
	bad[0].Proto = "icmp"
	bad[1].OrigH = netip.Addr{}
	bad[2].ConnState = "XX"
	bad[3].Start = time.Time{}
	bad[4].Duration = -1
	for i, s := range bad {
		if err := h.AddSession(s); status(err) != -1 {
			t.Fatalf("session %d: %v", i, err)
		}
	}
	long := make([]byte, 1024)
	for i := range long {
		long[i] = 'a'
	}
	if err := h.AddDNS(DNSEvent{Time: hostsT0, Client: good.OrigH, Name: string(long)}); status(err) != -1 {
		t.Fatal(err)
	}
	if st, _ := h.Stats(); st.Sessions != 0 || st.DNSEvents != 0 {
		t.Fatalf("nothing should have been added: %+v", st)
	}
	h.Close()
	h.Close()
	if _, err := h.Report(false); status(err) != -1 {
		t.Fatal(err)
	}
	if err := h.AddSession(good); status(err) != -1 {
		t.Fatal(err)
	}
}
