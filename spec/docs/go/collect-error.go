// A frame for the Go fragments of the docs that are the body of a Collect method that may fail,
// such as docs/exporter-guidelines.md's NewInvalidMetric: go-blocks.spec.ts pastes each fragment
// in place of the marked line.
package main

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

var queued = prometheus.NewDesc("app_jobs_queued", "Jobs waiting in the application's queue.", nil, nil)

type app struct{}

func (app) Describe(ch chan<- *prometheus.Desc) {
	ch <- queued
}

func (app) Collect(ch chan<- prometheus.Metric) {
	// doctest: fragment
}

func main() {
	prometheus.NewRegistry().MustRegister(app{})
	_ = errors.New
}
