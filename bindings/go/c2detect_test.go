package c2detect

import (
	"errors"
	"os"
	"testing"
)

func TestVersionMatchesHeader(t *testing.T) {
	if err := CheckVersion(); err != nil {
		t.Fatal(err)
	}
	if Version() != "0.2.0" {
		t.Fatalf("version %q", Version())
	}
}

func TestBuiltinTestModelPredicts(t *testing.T) {
	m, err := Builtin("test")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	info := m.Info()
	if info.Kind != "forest" || info.Schema != "test-v1" || info.Inputs != 3 || info.Classes != 2 ||
		info.Trees != 2 || info.Threshold != 0.5 {
		t.Fatalf("summary %+v", info)
	}
	// hand-worked in bindings/python/c2detect/testmodels.py
	cases := []struct {
		row  []float32
		want float32
	}{{[]float32{0, 0, 0}, 0.5}, {[]float32{1, 0, -2}, 0.25}, {[]float32{0, 3, 0}, 0.875}}
	for _, c := range cases {
		p, err := m.ForestPredict(c.row)
		if err != nil {
			t.Fatal(err)
		}
		if p[1] != c.want || p[0] != 1-c.want {
			t.Fatalf("row %v: got %v want %v", c.row, p, c.want)
		}
	}
	if _, err := m.ForestPredict([]float32{1, 2}); err == nil {
		t.Fatal("a short row was accepted")
	}
}

func TestErrorsCarryStatus(t *testing.T) {
	_, err := Builtin("no-such-model")
	var e *Error
	if !errors.As(err, &e) || e.Name != "C2D_ERR_NOT_FOUND" || e.Status != -12 {
		t.Fatalf("got %v", err)
	}
	_, err = LoadBytes([]byte("not a model at all, just text......................................"))
	if !errors.As(err, &e) || e.Name != "C2D_ERR_BAD_MAGIC" {
		t.Fatalf("got %v", err)
	}
	_, err = LoadFile("/nonexistent/model.c2dm")
	if !errors.As(err, &e) || e.Name != "C2D_ERR_IO" {
		t.Fatalf("got %v", err)
	}
}

func TestLoadFileAndBytesAgree(t *testing.T) {
	path := "../../lib/models/test.c2dm"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skip("source tree not available")
	}
	a, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := LoadBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	pa, _ := a.ForestPredict([]float32{0.5, 2, -1})
	pb, _ := b.ForestPredict([]float32{0.5, 2, -1})
	if pa[1] != pb[1] || pa[1] != 0.375 {
		t.Fatalf("%v vs %v", pa, pb)
	}
}

func TestDGAVerdicts(t *testing.T) {
	m, err := Builtin("dga")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	// the C suite's obvious cases (tests/test_dga.c), through Go strings
	for _, n := range []string{"www.google.com", "wikipedia.org", "www.example.co.uk", "GitHub.com."} {
		isDGA, score, err := m.DGAClassify(n)
		if err != nil || isDGA || score < 0 || score >= float32(m.Info().Threshold) {
			t.Fatalf("%s: dga=%v score=%v err=%v", n, isDGA, score, err)
		}
	}
	for _, n := range []string{"krihpqnrgqls.com", "bmlcqkjiflco.com", "xkqzvtwpmrbnhgfdlsjc.net"} {
		isDGA, score, err := m.DGAClassify(n)
		if err != nil || !isDGA {
			t.Fatalf("%s: dga=%v score=%v err=%v", n, isDGA, score, err)
		}
		s2, err := m.DGAScore(n)
		if err != nil || s2 != score {
			t.Fatalf("%s: DGAScore %v vs DGAClassify %v (%v)", n, s2, score, err)
		}
	}
	var e *Error
	for n, want := range map[string]string{"": "C2D_ERR_NAME_EMPTY", "a..b": "C2D_ERR_NAME_EMPTY_LABEL",
		"bad name.com": "C2D_ERR_NAME_BAD_CHAR"} {
		if _, err := m.DGAScore(n); !errors.As(err, &e) || e.Name != want {
			t.Fatalf("%q: got %v, want %s", n, err, want)
		}
	}
	f, err := Builtin("test")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.DGAScore("example.com"); !errors.As(err, &e) || e.Name != "C2D_ERR_SCHEMA_MISMATCH" {
		t.Fatalf("a non-DGA model scored a name: %v", err)
	}
}

func TestDGAEnsemble(t *testing.T) {
	e, err := BuiltinDGAEnsemble()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	thr, gate := e.Threshold()
	if !(thr > 0.5 && thr < 1 && gate > 0 && gate < 1) {
		t.Fatalf("tuned values: threshold %v gate %v", thr, gate)
	}
	// Obvious benign names are cleared (by the gate: score 0) and have a low full score.
	for _, n := range []string{"www.google.com", "wikipedia.org", "GitHub.com."} {
		isDGA, score, err := e.Classify(n)
		full, err2 := e.Score(n)
		if err != nil || err2 != nil || isDGA || score != 0 || full >= float32(thr) {
			t.Fatalf("%s: dga=%v score=%v full=%v err=%v/%v", n, isDGA, score, full, err, err2)
		}
	}
	for _, n := range []string{"krihpqnrgqls.com", "bmlcqkjiflco.com", "xkqzvtwpmrbnhgfdlsjc.net"} {
		isDGA, score, err := e.Classify(n)
		full, err2 := e.Score(n)
		if err != nil || err2 != nil || !isDGA || score != full || score < float32(thr) {
			t.Fatalf("%s: dga=%v score=%v full=%v err=%v/%v", n, isDGA, score, full, err, err2)
		}
	}
	var ce *Error
	if _, _, err := e.Classify("a..b"); !errors.As(err, &ce) || ce.Name != "C2D_ERR_NAME_EMPTY_LABEL" {
		t.Fatalf("malformed name: %v", err)
	}
	e.Close()
	e.Close()
}

func TestHTTPVerdicts(t *testing.T) {
	m, err := Builtin("http")
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	// Unit 42's Sality header (seed 000; defanging removed) and a browser request
	sality := "GET /sobaka1.gif?12db3cf=98861835 HTTP/1.1\r\n" +
		"User-Agent: Mozilla/4.0 (compatible; MSIE 7.0b; Windows NT 6.0)\r\n" +
		"Host: padrup.com\r\nCache-Control: no-cache\r\n" +
		"Cookie: jsessionid=85b50d8fab658ecb9f79aa4de6039c87\r\n\r\n"
	browser := "GET /wiki/Main_Page HTTP/1.1\r\nHost: en.wikipedia.org\r\n" +
		"User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:109.0) Gecko/20100101 Firefox/115.0\r\n" +
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
		"Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br\r\n" +
		"Connection: keep-alive\r\nUpgrade-Insecure-Requests: 1\r\n\r\n"
	if c2, s, err := m.HTTPClassify([]byte(sality)); err != nil || !c2 {
		t.Fatalf("sality: c2=%v score=%v err=%v", c2, s, err)
	}
	if c2, s, err := m.HTTPClassify([]byte(browser)); err != nil || c2 {
		t.Fatalf("browser: c2=%v score=%v err=%v", c2, s, err)
	}
	var e *Error
	if _, _, err := m.HTTPClassify([]byte(" GET / HTTP/1.1\r\n")); !errors.As(err, &e) ||
		e.Name != "C2D_ERR_HTTP_NOT_REQUEST" {
		t.Fatalf("got %v", err)
	}
}
