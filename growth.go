package appconfigd

import (
	"math"
	"time"
)

// GrowthStep is one increase of a deployment's percentage: at offset At from
// the start of the deployment, Percentage of the targets have the new
// configuration.
type GrowthStep struct {
	At         time.Duration
	Percentage float64
}

// GrowthSteps returns the steps of a deployment that lasts duration and grows
// by factor (1..100) in the given way.
//
// Percentages: LINEAR grows by factor each step (factor, 2·factor, … capped
// at 100); EXPONENTIAL follows G·2^k (factor, 2·factor, 4·factor, … capped at
// 100), as the model documents for GrowthType (docs/WIRE.md §3.9).
//
// Timing follows the real service (docs/WIRE.md §7.5, "Linear step timing"): with N
// steps, step k (1-based) comes at k·D/(N+1), so a 15-minute, 25% linear
// deployment reaches 25/50/75/100% at 3/6/9/12 minutes and its bake starts at
// 15. AWS records no timing for exponential growth; appconfigd spaces its
// steps the same way. A deployment of duration 0 reaches 100% at once.
func GrowthSteps(growth GrowthType, factor float64, duration time.Duration) []GrowthStep {
	percentages := growthPercentages(growth, factor)
	n := len(percentages)
	steps := make([]GrowthStep, n)
	for i, p := range percentages {
		steps[i] = GrowthStep{
			At:         time.Duration(float64(duration) * float64(i+1) / float64(n+1)),
			Percentage: p,
		}
	}
	return steps
}

// growthPercentages lists the percentages a deployment passes through, the
// last always 100.
func growthPercentages(growth GrowthType, factor float64) []float64 {
	if !(factor >= 1) {
		factor = 100
	}
	var out []float64
	next := func(k int) float64 {
		if growth == GrowthExponential {
			return factor * math.Pow(2, float64(k))
		}
		return factor * float64(k+1)
	}
	for k := 0; ; k++ {
		// Round to hundredths so 3 × 33.33 does not become 99.99000001.
		p := math.Round(next(k)*100) / 100
		if p >= 100-1e-9 {
			return append(out, 100)
		}
		out = append(out, p)
	}
}
