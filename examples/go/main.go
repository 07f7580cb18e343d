// Command c2dgo uses the libc2detect Go binding from another module, as a user
// would (see bindings/go/README.md): it loads an IOC feed, reads a capture's
// sessions, matches each destination against the feed and scores a DNS name.
//
//	go run . [CAPTURE [FEED]]    (defaults: the bundled sample)
package main

import (
	"fmt"
	"net/netip"
	"os"

	c2detect "github.com/libc2detect/c2detect/bindings/go"
)

func main() {
	capture, feed := "../sample/sample.pcap", "../sample/iocs.csv"
	if len(os.Args) > 1 {
		capture = os.Args[1]
	}
	if len(os.Args) > 2 {
		feed = os.Args[2]
	}
	if err := run(capture, feed); err != nil {
		fmt.Fprintln(os.Stderr, "c2dgo:", err)
		os.Exit(1)
	}
}

func run(capture, feed string) error {
	iocs, err := c2detect.NewIOCStore()
	if err != nil {
		return err
	}
	defer iocs.Close()
	rep, err := iocs.LoadFile(feed, nil)
	if err != nil {
		return err
	}
	if err := iocs.Finalize(); err != nil {
		return err
	}
	fmt.Printf("feed %s: %d indicators (%d rejected lines)\n", feed, rep.Loaded, rep.Rejected)

	r, err := c2detect.OpenSessions(capture, &c2detect.FlowOptions{LocalNets: []string{"10.0.0.0/8"}})
	if err != nil {
		return err
	}
	defer r.Close()
	sessions, hits := 0, 0
	for r.Next() {
		s := r.Session()
		sessions++
		m, err := iocs.MatchIP(s.RespH, s.RespP)
		if err != nil {
			return err
		}
		if len(m) > 0 {
			hits++
			fmt.Printf("ioc hit: %s -> %s (%s, %s), class %s\n", s.OrigH,
				netip.AddrPortFrom(s.RespH, s.RespP), m[0].Family, m[0].ThreatType, s.Class)
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	fmt.Printf("%d sessions, %d with an IOC hit\n", sessions, hits)

	dga, err := c2detect.BuiltinDGAEnsemble()
	if err != nil {
		return err
	}
	defer dga.Close()
	isDGA, score, err := dga.Classify("krihpqnrgqls.com")
	if err != nil {
		return err
	}
	fmt.Printf("krihpqnrgqls.com: dga=%v score=%.3f\n", isDGA, score)
	return nil
}
