package main

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Chart files written by writeFleetCharts.
const (
	chartThroughput = "fleet-throughput.png"
	chartLatency    = "fleet-latency.png"
	chartCPU        = "fleet-cpu.png"
	chartRSS        = "fleet-rss.png"
)

// chartColors gives each target its colour on every chart, so that
// appconfigd is always blue and the bare handler always orange.
var chartColors = map[string]color.RGBA{
	targetAppconfigd: {R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	targetBare:       {R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
}

// chartSeries is one line: a label, a colour, dashed or not, and its
// points.
type chartSeries struct {
	label  string
	color  color.Color
	dashed bool
	points plotter.XYs
}

// writeFleetCharts writes the four charts of the runs into dir: throughput,
// latency percentiles, CPU and the server's RSS over time, every target on
// the same axes.
func writeFleetCharts(dir string, results []*fleetResult) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var rate, latency, cpu, rss []chartSeries
	subtitle := ""
	for _, r := range results {
		c := targetColor(r.Spec.Name)
		pick := func(f func(fleetSample) float64) plotter.XYs {
			xy := make(plotter.XYs, len(r.Series))
			for i, s := range r.Series {
				xy[i] = plotter.XY{X: s.At.Seconds(), Y: f(s)}
			}
			return xy
		}
		ms := func(d time.Duration) float64 {
			// A log axis cannot show 0: an empty sample sits at its floor.
			return max(float64(d)/float64(time.Millisecond), 0.01)
		}
		rate = append(rate, chartSeries{r.Spec.Name, c, false, pick(func(s fleetSample) float64 { return s.Rate })})
		latency = append(latency,
			chartSeries{r.Spec.Name + " p50", c, false, pick(func(s fleetSample) float64 { return ms(s.P50) })},
			chartSeries{r.Spec.Name + " p99", c, true, pick(func(s fleetSample) float64 { return ms(s.P99) })})
		cpu = append(cpu,
			chartSeries{r.Spec.Name + " server", c, false, pick(func(s fleetSample) float64 { return s.ServerCPU })},
			chartSeries{r.Spec.Name + " load generator", c, true, pick(func(s fleetSample) float64 { return s.ClientCPU })})
		rss = append(rss, chartSeries{r.Spec.Name, c, false, pick(func(s fleetSample) float64 { return float64(s.ServerRSS) / (1 << 20) })})
		subtitle = fmt.Sprintf("%d clients, %d connections, every %s; measured from %.0f s", r.Spec.Clients, r.Spec.Connections, r.Spec.Interval, r.Spec.Ramp.Seconds())
	}
	if len(results) > 0 {
		target := results[0].Spec.TargetRate()
		last := results[0].Spec.Ramp + results[0].Spec.Duration
		rate = append(rate, chartSeries{"target rate", color.Gray{Y: 0x80}, true,
			plotter.XYs{{X: 0, Y: target}, {X: last.Seconds(), Y: target}}})
	}
	charts := []struct {
		file, title, ylabel string
		log                 bool
		series              []chartSeries
	}{
		{chartThroughput, "Polls per second achieved", "polls/s", false, rate},
		{chartLatency, "Poll latency, corrected for coordinated omission", "latency (ms, log scale)", true, latency},
		{chartCPU, "CPU used", "CPUs busy (CPU s per s)", false, cpu},
		{chartRSS, "Server resident memory", "RSS (MiB)", false, rss},
	}
	for _, ch := range charts {
		if err := writeChart(filepath.Join(dir, ch.file), ch.title+"\n"+subtitle, ch.ylabel, ch.log, ch.series); err != nil {
			return fmt.Errorf("chart %s: %w", ch.file, err)
		}
	}
	return nil
}

// targetColor returns the colour of a target.
func targetColor(name string) color.Color {
	if c, ok := chartColors[name]; ok {
		return c
	}
	return color.Black
}

// writeChart draws one line chart with a legend and writes it as a PNG.
func writeChart(file, title, ylabel string, logY bool, series []chartSeries) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "time since the first polls (s)"
	p.Y.Label.Text = ylabel
	p.Y.Min = 0
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
		p.Y.Min = 0.01
	}
	p.Add(plotter.NewGrid())
	p.Legend.Top = true
	p.Legend.Left = true
	for _, s := range series {
		if len(s.points) == 0 {
			continue
		}
		l, err := plotter.NewLine(s.points)
		if err != nil {
			return err
		}
		l.Color = s.color
		l.Width = vg.Points(1.5)
		if s.dashed {
			l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(s.label, l)
	}
	p.Legend.ThumbnailWidth = vg.Points(24)
	p.Legend.Padding = vg.Points(2)
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Title.TextStyle.XAlign = draw.XCenter
	return p.Save(8*vg.Inch, 4*vg.Inch, file)
}
