module github.com/libc2detect/c2detect/bindings/go

go 1.19
