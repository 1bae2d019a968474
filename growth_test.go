package appconfigd_test

import (
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
	"github.com/google/go-cmp/cmp"
)

func TestGrowthSteps(t *testing.T) {
	t.Parallel()
	min := func(m float64) time.Duration { return time.Duration(m * float64(time.Minute)) }
	tests := []struct {
		name     string
		growth   appconfigd.GrowthType
		factor   float64
		duration time.Duration
		want     []appconfigd.GrowthStep
	}{
		{
			// The recorded real deployment: 15 min, LINEAR 25% → a step
			// every 3 minutes, 100% at 12 (docs/WIRE.md §7.5, "Linear step timing").
			name: "RecordedLinear25Percent15Minutes", growth: appconfigd.GrowthLinear, factor: 25, duration: min(15),
			want: []appconfigd.GrowthStep{{min(3), 25}, {min(6), 50}, {min(9), 75}, {min(12), 100}},
		},
		{
			name: "AllAtOnce", growth: appconfigd.GrowthLinear, factor: 100, duration: 0,
			want: []appconfigd.GrowthStep{{0, 100}},
		},
		{
			name: "Linear50PercentEvery30Seconds", growth: appconfigd.GrowthLinear, factor: 50, duration: min(1),
			want: []appconfigd.GrowthStep{{20 * time.Second, 50}, {40 * time.Second, 100}},
		},
		{
			name: "Canary10Percent20Minutes", growth: appconfigd.GrowthExponential, factor: 10, duration: min(20),
			want: []appconfigd.GrowthStep{{min(20.0 / 6), 10}, {min(40.0 / 6), 20}, {min(10), 40}, {min(80.0 / 6), 80}, {min(100.0 / 6), 100}},
		},
		{
			name: "Linear20PercentEvery6Minutes", growth: appconfigd.GrowthLinear, factor: 20, duration: min(30),
			want: []appconfigd.GrowthStep{{min(5), 20}, {min(10), 40}, {min(15), 60}, {min(20), 80}, {min(25), 100}},
		},
		{
			name: "LinearFactorNotDividing100", growth: appconfigd.GrowthLinear, factor: 30, duration: min(40),
			want: []appconfigd.GrowthStep{{min(8), 30}, {min(16), 60}, {min(24), 90}, {min(32), 100}},
		},
		{
			name: "ExponentialFactor2", growth: appconfigd.GrowthExponential, factor: 2, duration: min(80),
			want: []appconfigd.GrowthStep{{min(10), 2}, {min(20), 4}, {min(30), 8}, {min(40), 16}, {min(50), 32}, {min(60), 64}, {min(70), 100}},
		},
		{
			name: "ThirdsRoundToHundredths", growth: appconfigd.GrowthLinear, factor: 33.33, duration: min(50),
			want: []appconfigd.GrowthStep{{min(10), 33.33}, {min(20), 66.66}, {min(30), 99.99}, {min(40), 100}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := appconfigd.GrowthSteps(tt.growth, tt.factor, tt.duration)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("GrowthSteps(%s, %g, %v) mismatch (-want +got):\n%s", tt.growth, tt.factor, tt.duration, diff)
			}
		})
	}
}
