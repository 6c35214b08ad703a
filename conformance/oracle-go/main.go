// Command oracle-go is the conformance oracle: client_golang 1.14 itself. It reads case
// descriptions (a JSON array, or one JSON object per line) on stdin or from the file named by
// its argument, builds each case's registry with client_golang, gathers it, encodes what it
// gathered as text 0.0.4, OpenMetrics and delimited protobuf, and prints one JSON result per
// line on stdout: the bytes (base64) or the exact error texts.
//
// The case format is described in spec/conformance/oracle-case.ts, which builds the same case
// with the TypeScript library. Build it offline against Debian's packages:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode GOPROXY=off go build -o oracle ./conformance/oracle-go
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

// Str is a string that may carry bytes that are not UTF-8: a JSON string, or {"hex": "..."}.
type Str string

func (s *Str) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var o struct {
			Hex string `json:"hex"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		raw, err := hex.DecodeString(o.Hex)
		*s = Str(raw)
		return err
	}
	var x string
	err := json.Unmarshal(b, &x)
	*s = Str(x)
	return err
}

// Out is a string written as a JSON string when it is valid UTF-8, else as {"hex": "..."}, so
// that no byte of an error text is lost (encoding/json would write U+FFFD for it).
type Out string

func (o Out) MarshalJSON() ([]byte, error) {
	if utf8.ValidString(string(o)) {
		return json.Marshal(string(o))
	}
	return json.Marshal(map[string]string{"hex": hex.EncodeToString([]byte(o))})
}

// F is a float64 that may be written "NaN", "+Inf", "-Inf" or "-0".
type F float64

func (f *F) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		switch s {
		case "NaN":
			*f = F(math.NaN())
		case "+Inf":
			*f = F(math.Inf(1))
		case "-Inf":
			*f = F(math.Inf(-1))
		case "-0":
			*f = F(math.Copysign(0, -1))
		default:
			return fmt.Errorf("bad float %q", s)
		}
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	*f = F(v)
	return err
}

type labels map[string]Str

func (l labels) go_() prometheus.Labels {
	if l == nil {
		return nil
	}
	out := prometheus.Labels{}
	for k, v := range l {
		out[k] = string(v)
	}
	return out
}

func strs(in []Str) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = string(s)
	}
	return out
}

type opts struct {
	Namespace   Str    `json:"namespace"`
	Subsystem   Str    `json:"subsystem"`
	Name        Str    `json:"name"`
	Help        Str    `json:"help"`
	ConstLabels labels `json:"constLabels"`
	Buckets     []F    `json:"buckets"`
	Objectives  [][2]F `json:"objectives"`
}

type op struct {
	Op string `json:"op"`
	V  F      `json:"v"`
	LV []Str  `json:"lv"`
	// Labels, when set, picks a vec's child with With(Labels) instead of WithLabelValues.
	Labels labels `json:"labels"`
}

type desc struct {
	FQName         Str    `json:"fqName"`
	Help           Str    `json:"help"`
	VariableLabels []Str  `json:"variableLabels"`
	ConstLabels    labels `json:"constLabels"`
}

type exemplar struct {
	Value       F      `json:"value"`
	Labels      labels `json:"labels"`
	TimestampMs int64  `json:"timestampMs"`
}

type constMetric struct {
	Type        string     `json:"type"`
	Desc        int        `json:"desc"`
	Value       F          `json:"value"`
	Count       uint64     `json:"count"`
	Sum         F          `json:"sum"`
	Buckets     [][2]F     `json:"buckets"`
	Quantiles   [][2]F     `json:"quantiles"`
	LV          []Str      `json:"lv"`
	TimestampMs *int64     `json:"timestampMs"`
	Exemplars   []exemplar `json:"exemplars"`
}

type collectorCase struct {
	Kind       string        `json:"kind"`
	Opts       opts          `json:"opts"`
	LabelNames []Str         `json:"labelNames"`
	Ops        []op          `json:"ops"`
	Descs      []desc        `json:"descs"`
	Describe   []int         `json:"describe"`
	Metrics    []constMetric `json:"metrics"`
	Ref        int           `json:"ref"`
	Value      F             `json:"value"`
}

type testCase struct {
	ID         string          `json:"id"`
	Pedantic   bool            `json:"pedantic"`
	Collectors []collectorCase `json:"collectors"`
}

// failure is an error returned or a panic's value, and where it happened.
type failure struct {
	Op    int  `json:"op"`
	Error Out  `json:"error"`
	Panic bool `json:"panic"`
}

// gathered is what one Gather gave and how it encodes.
type gathered struct {
	GatherError *Out `json:"gatherError"`
	GatherPanic *Out `json:"gatherPanic,omitempty"`
	Text        *Out `json:"text"`
	TextError   *Out `json:"textError"`
	OM          *Out `json:"om"`
	OMError     *Out `json:"omError"`
	Proto       *Out `json:"proto"`
	ProtoError  *Out `json:"protoError"`
}

type result struct {
	ID        string     `json:"id"`
	Construct []*failure `json:"construct"`
	Register  []*Out     `json:"register"`
	gathered
	// Variants holds every distinct outcome of repeated gathers, when there is more than one:
	// Registry.Gather visits collectors in map order, which is random, so where the metrics of
	// two collectors clash, which one is kept and reported depends on that order.
	Variants  []gathered `json:"variants,omitempty"`
	CaseError string     `json:"caseError,omitempty"`
}

// constCollector describes the descs it lists and sends the metrics it was built with.
type constCollector struct {
	describe []*prometheus.Desc
	metrics  []prometheus.Metric
}

func (c *constCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.describe {
		ch <- d
	}
}

func (c *constCollector) Collect(ch chan<- prometheus.Metric) {
	for _, m := range c.metrics {
		ch <- m
	}
}

func panicText(v interface{}) string {
	if err, ok := v.(error); ok {
		return err.Error()
	}
	return fmt.Sprint(v)
}

// guard runs f and turns a panic into a failure.
func guard(op int, f func() error) (fail *failure) {
	defer func() {
		if v := recover(); v != nil {
			fail = &failure{Op: op, Error: Out(panicText(v)), Panic: true}
		}
	}()
	if err := f(); err != nil {
		return &failure{Op: op, Error: Out(err.Error())}
	}
	return nil
}

func floatMap(pairs [][2]F) map[float64]float64 {
	if pairs == nil {
		return nil
	}
	m := map[float64]float64{}
	for _, p := range pairs {
		m[float64(p[0])] = float64(p[1])
	}
	return m
}

func bucketMap(pairs [][2]F) map[float64]uint64 {
	m := map[float64]uint64{}
	for _, p := range pairs {
		m[float64(p[0])] = uint64(p[1])
	}
	return m
}

func floats(in []F) []float64 {
	if in == nil {
		return nil
	}
	out := make([]float64, len(in))
	for i, f := range in {
		out[i] = float64(f)
	}
	return out
}

// build makes one collector and applies its operations; the failure says where it stopped.
func build(c collectorCase, built []prometheus.Collector) (prometheus.Collector, *failure) {
	var col prometheus.Collector
	o := c.Opts
	if fail := guard(-1, func() error {
		switch c.Kind {
		case "counter":
			col = prometheus.NewCounter(prometheus.CounterOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_()})
		case "gauge":
			col = prometheus.NewGauge(prometheus.GaugeOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_()})
		case "counterFunc":
			v := float64(c.Value)
			col = prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_()}, func() float64 { return v })
		case "gaugeFunc":
			v := float64(c.Value)
			col = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_()}, func() float64 { return v })
		case "untypedFunc":
			v := float64(c.Value)
			col = prometheus.NewUntypedFunc(prometheus.UntypedOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_()}, func() float64 { return v })
		case "histogram":
			col = prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_(), Buckets: floats(o.Buckets)})
		case "summary":
			col = prometheus.NewSummary(prometheus.SummaryOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_(), Objectives: floatMap(o.Objectives)})
		case "counterVec":
			col = prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_()}, strs(c.LabelNames))
		case "gaugeVec":
			col = prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_()}, strs(c.LabelNames))
		case "histogramVec":
			col = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_(), Buckets: floats(o.Buckets)}, strs(c.LabelNames))
		case "summaryVec":
			col = prometheus.NewSummaryVec(prometheus.SummaryOpts{Namespace: string(o.Namespace), Subsystem: string(o.Subsystem), Name: string(o.Name), Help: string(o.Help), ConstLabels: o.ConstLabels.go_(), Objectives: floatMap(o.Objectives)}, strs(c.LabelNames))
		case "const":
			return nil
		case "again":
			if c.Ref < 0 || c.Ref >= len(built) || built[c.Ref] == nil {
				return fmt.Errorf("oracle: bad ref %d", c.Ref)
			}
			col = built[c.Ref]
		default:
			return fmt.Errorf("oracle: unknown kind %q", c.Kind)
		}
		return nil
	}); fail != nil {
		return nil, fail
	}
	if c.Kind == "const" {
		return buildConst(c)
	}
	for i, step := range c.Ops {
		if fail := guard(i, func() error { return apply(c.Kind, col, step) }); fail != nil {
			return col, fail
		}
	}
	return col, nil
}

func apply(kind string, col prometheus.Collector, step op) error {
	v := float64(step.V)
	lv := strs(step.LV)
	if step.Op == "reset" {
		if vec, ok := col.(interface{ Reset() }); ok && kind != "counter" && kind != "gauge" {
			vec.Reset()
			return nil
		}
	}
	switch kind {
	case "counter":
		return counterOp(col.(prometheus.Counter), step.Op, v)
	case "gauge":
		return gaugeOp(col.(prometheus.Gauge), step.Op, v)
	case "histogram":
		col.(prometheus.Histogram).Observe(v)
	case "summary":
		col.(prometheus.Summary).Observe(v)
	case "counterVec":
		vec := col.(*prometheus.CounterVec)
		if step.Labels != nil {
			return counterOp(vec.With(step.Labels.go_()), step.Op, v)
		}
		return counterOp(vec.WithLabelValues(lv...), step.Op, v)
	case "gaugeVec":
		vec := col.(*prometheus.GaugeVec)
		if step.Labels != nil {
			return gaugeOp(vec.With(step.Labels.go_()), step.Op, v)
		}
		return gaugeOp(vec.WithLabelValues(lv...), step.Op, v)
	case "histogramVec":
		vec := col.(*prometheus.HistogramVec)
		if step.Labels != nil {
			vec.With(step.Labels.go_()).Observe(v)
		} else {
			vec.WithLabelValues(lv...).Observe(v)
		}
	case "summaryVec":
		vec := col.(*prometheus.SummaryVec)
		if step.Labels != nil {
			vec.With(step.Labels.go_()).Observe(v)
		} else {
			vec.WithLabelValues(lv...).Observe(v)
		}
	default:
		return fmt.Errorf("oracle: no operations on a %s", kind)
	}
	return nil
}

func counterOp(c prometheus.Counter, name string, v float64) error {
	switch name {
	case "inc":
		c.Inc()
	case "add":
		c.Add(v)
	default:
		return fmt.Errorf("oracle: no op %q on a counter", name)
	}
	return nil
}

// gaugeOp applies an operation to a gauge or an untyped metric (which have the same methods).
func gaugeOp(g interface {
	Set(float64)
	Inc()
	Dec()
	Add(float64)
	Sub(float64)
}, name string, v float64) error {
	switch name {
	case "set":
		g.Set(v)
	case "inc":
		g.Inc()
	case "dec":
		g.Dec()
	case "add":
		g.Add(v)
	case "sub":
		g.Sub(v)
	default:
		return fmt.Errorf("oracle: no op %q on a gauge", name)
	}
	return nil
}

// buildConst makes the descs and the const metrics of a "const" collector; a metric that
// cannot be made stops it (op is the metric's index).
func buildConst(c collectorCase) (prometheus.Collector, *failure) {
	descs := make([]*prometheus.Desc, len(c.Descs))
	for i, d := range c.Descs {
		descs[i] = prometheus.NewDesc(string(d.FQName), string(d.Help), strs(d.VariableLabels), d.ConstLabels.go_())
	}
	col := &constCollector{}
	for _, i := range c.Describe {
		col.describe = append(col.describe, descs[i])
	}
	for i, cm := range c.Metrics {
		var m prometheus.Metric
		fail := guard(i, func() error {
			var err error
			d := descs[cm.Desc]
			lv := strs(cm.LV)
			switch cm.Type {
			case "counter":
				m, err = prometheus.NewConstMetric(d, prometheus.CounterValue, float64(cm.Value), lv...)
			case "gauge":
				m, err = prometheus.NewConstMetric(d, prometheus.GaugeValue, float64(cm.Value), lv...)
			case "untyped":
				m, err = prometheus.NewConstMetric(d, prometheus.UntypedValue, float64(cm.Value), lv...)
			case "histogram":
				m, err = prometheus.NewConstHistogram(d, cm.Count, float64(cm.Sum), bucketMap(cm.Buckets), lv...)
			case "summary":
				m, err = prometheus.NewConstSummary(d, cm.Count, float64(cm.Sum), floatMap(cm.Quantiles), lv...)
			default:
				return fmt.Errorf("oracle: unknown const type %q", cm.Type)
			}
			if err != nil {
				return err
			}
			if cm.TimestampMs != nil {
				m = prometheus.NewMetricWithTimestamp(time.UnixMilli(*cm.TimestampMs), m)
			}
			if cm.Exemplars != nil {
				exs := make([]prometheus.Exemplar, len(cm.Exemplars))
				for j, e := range cm.Exemplars {
					exs[j] = prometheus.Exemplar{Value: float64(e.Value), Labels: e.Labels.go_(), Timestamp: time.UnixMilli(e.TimestampMs)}
				}
				m, err = prometheus.NewMetricWithExemplars(m, exs...)
			}
			return err
		})
		if fail != nil {
			return col, fail
		}
		col.metrics = append(col.metrics, m)
	}
	return col, nil
}

func str(s string) *Out { o := Out(s); return &o }

func encode(mfs []*dto.MetricFamily, format expfmt.Format) (out *Out, fail *Out) {
	defer func() {
		if v := recover(); v != nil {
			out, fail = nil, str("PANIC: "+panicText(v))
		}
	}()
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, format)
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return nil, str(err.Error())
		}
	}
	if closer, ok := enc.(expfmt.Closer); ok {
		if err := closer.Close(); err != nil {
			return nil, str(err.Error())
		}
	}
	return str(base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}

func run(tc testCase) (res result) {
	res.ID = tc.ID
	reg := prometheus.NewRegistry()
	if tc.Pedantic {
		reg = prometheus.NewPedanticRegistry()
	}
	built := make([]prometheus.Collector, len(tc.Collectors))
	res.Construct = make([]*failure, len(tc.Collectors))
	res.Register = make([]*Out, len(tc.Collectors))
	for i, c := range tc.Collectors {
		col, fail := build(c, built)
		res.Construct[i] = fail
		built[i] = col
		if col == nil {
			continue
		}
		if err := reg.Register(col); err != nil {
			res.Register[i] = str(err.Error())
		}
	}
	res.gathered = gather(reg)
	if res.GatherError == nil && res.GatherPanic == nil {
		return res
	}
	// A failed gather may depend on the order of the collectors: gather again, keep each outcome once.
	seen := map[string]bool{}
	for i := 0; i < 64; i++ {
		g := res.gathered
		if i > 0 {
			g = gather(reg)
		}
		key, _ := json.Marshal(g)
		if !seen[string(key)] {
			seen[string(key)] = true
			res.Variants = append(res.Variants, g)
		}
	}
	if len(res.Variants) == 1 {
		res.Variants = nil
	}
	return res
}

// gather gathers reg and encodes what it returned, in the three formats.
func gather(reg *prometheus.Registry) (g gathered) {
	var mfs []*dto.MetricFamily
	func() {
		defer func() {
			if v := recover(); v != nil {
				g.GatherPanic = str(panicText(v))
			}
		}()
		var err error
		mfs, err = reg.Gather()
		if err != nil {
			g.GatherError = str(err.Error())
		}
	}()
	g.Text, g.TextError = encode(mfs, expfmt.FmtText)
	g.OM, g.OMError = encode(mfs, expfmt.FmtOpenMetrics)
	g.Proto, g.ProtoError = encode(mfs, expfmt.FmtProtoDelim)
	return g
}

// printTable prints, as a JSON array of [first, last] pairs, the code points that
// strconv.IsPrint keeps unescaped in %q: the fuzzer needs Go's Unicode version's table.
func printTable() {
	var ranges [][2]rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !strconv.IsPrint(r) {
			continue
		}
		if n := len(ranges); n > 0 && ranges[n-1][1] == r-1 {
			ranges[n-1][1] = r
		} else {
			ranges = append(ranges, [2]rune{r, r})
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(ranges)
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-isprint" {
		printTable()
		return
	}
	var in io.Reader = os.Stdin
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		defer f.Close()
		in = f
	}
	r := bufio.NewReaderSize(in, 1<<20)
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	out := json.NewEncoder(w)
	out.SetEscapeHTML(false)
	dec := json.NewDecoder(r)
	// A JSON array of cases, or a stream of case objects (JSON lines).
	first, err := dec.Token()
	if err != nil {
		fmt.Fprintln(os.Stderr, "oracle: no input:", err)
		os.Exit(2)
	}
	if delim, ok := first.(json.Delim); !ok || (delim != '[' && delim != '{') {
		fmt.Fprintln(os.Stderr, "oracle: input must be a JSON array or JSON objects")
		os.Exit(2)
	} else if delim == '{' {
		// Put the object back: re-read everything as a stream of objects.
		rest := io.MultiReader(bytes.NewReader([]byte("{")), dec.Buffered(), r)
		dec = json.NewDecoder(rest)
	}
	for dec.More() {
		var tc testCase
		if err := dec.Decode(&tc); err != nil {
			_ = out.Encode(result{CaseError: err.Error()})
			w.Flush()
			os.Exit(2)
		}
		_ = out.Encode(run(tc))
	}
	_ = w.Flush()
}
