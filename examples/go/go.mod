module example.com/c2dgo

go 1.19

require github.com/libc2detect/c2detect/bindings/go v0.0.0

// Until the module is published, point its import path at a checkout.
replace github.com/libc2detect/c2detect/bindings/go => ../../bindings/go
