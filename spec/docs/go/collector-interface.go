// A frame for docs/writing-a-collector.md's quote of client_golang's Collector interface: the
// fragment is declared here, with Desc and Metric standing for client_golang's, and must be the
// same interface (every client_golang collector satisfies it, and it satisfies prometheus.Collector).
package main

import "github.com/prometheus/client_golang/prometheus"

type (
	Desc   = prometheus.Desc
	Metric = prometheus.Metric
)

// doctest: fragment

var (
	_ Collector            = prometheus.NewGauge(prometheus.GaugeOpts{Name: "g", Help: "A gauge."})
	_ prometheus.Collector = Collector(nil)
	_ Collector            = prometheus.Collector(nil)
)

func main() {}
