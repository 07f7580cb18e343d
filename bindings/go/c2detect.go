// Package c2detect is the Go binding of libc2detect (cgo over the C ABI).
//
// Build against an installed library found by pkg-config:
//
//	PKG_CONFIG_PATH=/prefix/lib/pkgconfig go test ./...
//
// A Model is safe for concurrent use by many goroutines once loaded, as in C.
package c2detect

/*
#cgo pkg-config: c2detect
#include <stdlib.h>
#include <c2detect.h>
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"unsafe"
)

// HeaderVersion is the C header version this binding was compiled against.
const HeaderVersion = C.C2D_VERSION_NUMBER

// Error is a failed libc2detect call; Status is the c2d_status value.
type Error struct {
	Status int
	Name   string
	What   string
}

func (e *Error) Error() string {
	msg := C.GoString(C.c2d_strerror(C.c2d_status(e.Status)))
	if e.What != "" {
		return fmt.Sprintf("%s: %s (%s)", e.What, msg, e.Name)
	}
	return fmt.Sprintf("%s (%s)", msg, e.Name)
}

func check(st C.c2d_status, what string) error {
	if st == C.C2D_OK {
		return nil
	}
	return &Error{Status: int(st), Name: C.GoString(C.c2d_status_name(st)), What: what}
}

// Version returns the linked library's version string.
func Version() string { return C.GoString(C.c2d_version_string()) }

// CheckVersion fails when the library's major version differs from the header's.
func CheckVersion() error {
	lib := int(C.c2d_version_number())
	if lib/10000 != HeaderVersion/10000 {
		return fmt.Errorf("libc2detect %s does not match header %s", Version(), C.C2D_VERSION_STRING)
	}
	return nil
}

// Model is a loaded .c2dm model.
type Model struct {
	h    *C.c2d_model
	cbuf unsafe.Pointer // C copy of the bytes a memory-loaded model uses in place
}

func wrap(h *C.c2d_model) *Model {
	m := &Model{h: h}
	runtime.SetFinalizer(m, (*Model).Close)
	return m
}

// Builtin loads a model built into the library ("test", "dga", ...).
func Builtin(name string) (*Model, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	var h *C.c2d_model
	if err := check(C.c2d_model_builtin(cs, nil, &h), name); err != nil {
		return nil, err
	}
	return wrap(h), nil
}

// LoadFile loads and validates a .c2dm file.
func LoadFile(path string) (*Model, error) {
	cs := C.CString(path)
	defer C.free(unsafe.Pointer(cs))
	var h *C.c2d_model
	if err := check(C.c2d_model_load_file(cs, nil, &h), path); err != nil {
		return nil, err
	}
	return wrap(h), nil
}

// LoadBytes loads a model from memory. The bytes are copied to C memory once
// and used in place by the model.
func LoadBytes(data []byte) (*Model, error) {
	if len(data) == 0 {
		return nil, check(C.C2D_ERR_TRUNCATED, "model")
	}
	buf := C.CBytes(data)
	var h *C.c2d_model
	if err := check(C.c2d_model_load_memory(buf, C.size_t(len(data)), nil, &h), "model"); err != nil {
		C.free(buf)
		return nil, err
	}
	m := wrap(h)
	m.cbuf = buf
	return m, nil
}

// Summary describes a model.
type Summary struct {
	Kind         string
	Schema, Name string
	Inputs       int
	Classes      int
	Trees        int
	Threshold    float64
}

// Info returns the model's summary.
func (m *Model) Info() Summary {
	var s C.c2d_model_summary
	s.size = C.size_t(unsafe.Sizeof(s))
	C.c2d_model_info(m.h, &s)
	kind := "forest"
	if s.kind == C.C2D_MODEL_CNN {
		kind = "cnn"
	}
	return Summary{Kind: kind, Schema: C.GoString(s.schema), Name: C.GoString(s.name),
		Inputs: int(s.n_inputs), Classes: int(s.n_classes), Trees: int(s.n_trees),
		Threshold: float64(s.threshold)}
}

// ForestPredict returns class probabilities for one feature row.
func (m *Model) ForestPredict(row []float32) ([]float32, error) {
	info := m.Info()
	if len(row) == 0 {
		return nil, check(C.C2D_ERR_INVALID_ARG, "row")
	}
	out := make([]float32, info.Classes)
	st := C.c2d_forest_predict(m.h, (*C.float)(unsafe.Pointer(&row[0])), C.size_t(len(row)),
		(*C.float)(unsafe.Pointer(&out[0])), C.size_t(len(out)))
	runtime.KeepAlive(m)
	if err := check(st, "predict"); err != nil {
		return nil, err
	}
	return out, nil
}

// cstr points C at the bytes of s without copying (C reads exactly len(s)
// bytes, needs no NUL and keeps no pointer). A string's first word is its
// data pointer in every Go release; reading it this way instead of with
// unsafe.StringData (Go 1.20) keeps the module building with Debian 12's Go 1.19.
func cstr(s string) *C.char {
	if len(s) == 0 {
		return nil
	}
	return (*C.char)(*(*unsafe.Pointer)(unsafe.Pointer(&s)))
}

// DGAScore is the DGA score in [0, 1] of one DNS query name under a DGA model
// (Builtin("dga") or a compatible model file): c2d_dga_score. The name is
// normalised by the library (case, one trailing dot); a malformed name is an
// *Error with a C2D_ERR_NAME_* status.
func (m *Model) DGAScore(name string) (float32, error) {
	var score C.float
	st := C.c2d_dga_score(m.h, cstr(name), C.size_t(len(name)), &score)
	runtime.KeepAlive(m)
	runtime.KeepAlive(name)
	if err := check(st, "dga score"); err != nil {
		return 0, err
	}
	return float32(score), nil
}

// DGAClassify scores name and compares the score with the model's own
// threshold (tuned for the false-positive rate the model card states):
// c2d_dga_classify without an allow-list.
func (m *Model) DGAClassify(name string) (isDGA bool, score float32, err error) {
	var s C.float
	var v C.int
	st := C.c2d_dga_classify(m.h, nil, cstr(name), C.size_t(len(name)), C.double(math.NaN()), &s, &v)
	runtime.KeepAlive(m)
	runtime.KeepAlive(name)
	if err := check(st, "dga classify"); err != nil {
		return false, 0, err
	}
	return v != 0, float32(s), nil
}

// DGAEnsemble is the recommended DGA detector: the built-in FANCI forest and
// character CNN judging each name together (c2d_dga_ensemble_builtin;
// docs/dga.md, "Ensemble"). Safe for concurrent use once built.
type DGAEnsemble struct {
	h *C.c2d_dga_ensemble
}

// BuiltinDGAEnsemble builds the ensemble of the built-in "dga-fanci" and
// "dga-cnn" models with their tuned threshold and gate.
func BuiltinDGAEnsemble() (*DGAEnsemble, error) {
	var h *C.c2d_dga_ensemble
	if err := check(C.c2d_dga_ensemble_builtin(nil, &h), "dga ensemble"); err != nil {
		return nil, err
	}
	e := &DGAEnsemble{h: h}
	runtime.SetFinalizer(e, (*DGAEnsemble).Close)
	return e, nil
}

// Threshold is the ensemble's tuned decision threshold and Gate the forest
// score below which Classify clears a name without running the CNN.
func (e *DGAEnsemble) Threshold() (threshold, gate float64) {
	var s C.c2d_dga_ensemble_summary
	s.size = C.size_t(unsafe.Sizeof(s))
	C.c2d_dga_ensemble_info(e.h, &s)
	runtime.KeepAlive(e)
	return float64(s.threshold), float64(s.gate)
}

// Score is the ensemble score in [0, 1] of one name (both models run):
// c2d_dga_ensemble_score. A malformed name is an *Error with a
// C2D_ERR_NAME_* status.
func (e *DGAEnsemble) Score(name string) (float32, error) {
	var score C.float
	st := C.c2d_dga_ensemble_score(e.h, cstr(name), C.size_t(len(name)), &score)
	runtime.KeepAlive(e)
	runtime.KeepAlive(name)
	if err := check(st, "dga ensemble score"); err != nil {
		return 0, err
	}
	return float32(score), nil
}

// Classify decides one name with the tuned threshold and gate:
// c2d_dga_ensemble_classify without an allow-list. A name the gate clears
// has score 0 (Score gives its full score).
func (e *DGAEnsemble) Classify(name string) (isDGA bool, score float32, err error) {
	var s C.float
	var v C.int
	st := C.c2d_dga_ensemble_classify(e.h, nil, cstr(name), C.size_t(len(name)),
		C.double(math.NaN()), &s, &v)
	runtime.KeepAlive(e)
	runtime.KeepAlive(name)
	if err := check(st, "dga ensemble classify"); err != nil {
		return false, 0, err
	}
	return v != 0, float32(s), nil
}

// Close frees the ensemble and its models; calling it twice is harmless.
func (e *DGAEnsemble) Close() {
	if e.h != nil {
		C.c2d_dga_ensemble_free(e.h)
		e.h = nil
	}
}

// HTTPClassify scores one raw HTTP/1.x request header block (request line and
// fields) under an HTTP model (Builtin("http")) and compares the score with
// the model's threshold: c2d_http_classify. A block without a request line is
// an *Error with status C2D_ERR_HTTP_NOT_REQUEST.
func (m *Model) HTTPClassify(header []byte) (isC2 bool, score float64, err error) {
	var s C.double
	var v C.int
	var p unsafe.Pointer
	if len(header) > 0 {
		p = unsafe.Pointer(&header[0])
	}
	st := C.c2d_http_classify(m.h, p, C.size_t(len(header)), &v, &s)
	runtime.KeepAlive(m)
	runtime.KeepAlive(header)
	if err := check(st, "http classify"); err != nil {
		return false, 0, err
	}
	return v != 0, float64(s), nil
}

// Close frees the model; calling it twice is harmless.
func (m *Model) Close() {
	if m.h != nil {
		C.c2d_model_free(m.h)
		m.h = nil
	}
	if m.cbuf != nil {
		C.free(m.cbuf)
		m.cbuf = nil
	}
}
