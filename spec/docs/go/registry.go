// A frame for the Go fragments of the docs that use a registry of their own, such as
// docs/metric-types.md's: go-blocks.spec.ts pastes each fragment in place of the marked line.
package main

import "github.com/prometheus/client_golang/prometheus"

func main() {
	registry := prometheus.NewRegistry()
	// doctest: fragment
}
