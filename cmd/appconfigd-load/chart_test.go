package main

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWriteFleetCharts(t *testing.T) {
	t.Parallel()
	t.Run("WritesReadablePNGs", func(t *testing.T) {
		t.Parallel()
		var results []*fleetResult
		for _, name := range []string{targetAppconfigd, targetBare} {
			r := &fleetResult{Spec: &fleetSpec{Name: name, Clients: 1000, Connections: 10, Interval: time.Minute, Ramp: 10 * time.Second, Duration: 20 * time.Second}}
			for i := range 6 {
				r.Series = append(r.Series, fleetSample{
					At: time.Duration(i+1) * 5 * time.Second, Rate: 16 + float64(i),
					P50: time.Millisecond, P99: time.Duration(i) * time.Millisecond, // 0 first: the log axis's floor
					ServerCPU: 0.1, ClientCPU: 0.05, ServerRSS: 40 << 20,
				})
			}
			results = append(results, r)
		}
		dir := t.TempDir()
		if err := writeFleetCharts(dir, results); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{chartThroughput, chartLatency, chartCPU, chartRSS} {
			f, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(f)
			f.Close()
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if b := img.Bounds(); b.Dx() < 600 || b.Dy() < 300 {
				t.Errorf("%s is %dx%d pixels, want at least 600x300", name, b.Dx(), b.Dy())
			}
			if st, _ := os.Stat(filepath.Join(dir, name)); st.Size() > 150<<10 {
				t.Errorf("%s is %d bytes, want under 150 KiB", name, st.Size())
			}
		}
	})
}
