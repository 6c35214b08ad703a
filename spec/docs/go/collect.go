// A frame for the Go fragments of the docs that are the body of a Collect method, such as the
// const metrics of docs/metric-types.md: go-blocks.spec.ts pastes each fragment in place of the
// marked line.
package main

import "github.com/prometheus/client_golang/prometheus"

var (
	sent    = prometheus.NewDesc("device_bytes_sent_total", "Bytes the device sent.", []string{"device"}, nil)
	latency = prometheus.NewDesc("device_latency_seconds", "Latency as the device reports it.", []string{"device"}, nil)
)

type device struct{}

func (device) Describe(ch chan<- *prometheus.Desc) {
	ch <- sent
	ch <- latency
}

func (device) Collect(ch chan<- prometheus.Metric) {
	// doctest: fragment
}

func main() {
	prometheus.NewRegistry().MustRegister(device{})
}
