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
	if Version() != "0.1.0" {
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
