package conformance

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd"
)

// strategyWant is a deployment strategy as the outputs should show it.
type strategyWant struct {
	id, name, description string
	duration, bake        int32
	growthType            types.GrowthType
	growthFactor          float32
	replicateTo           types.ReplicateTo
}

// predefinedStrategies are the four strategies AWS predefines, with the
// exact numbers of docs/WIRE.md §0 fact 13 and §3.9.
var predefinedStrategies = []strategyWant{
	{"AppConfig.AllAtOnce", "AppConfig.AllAtOnce", "Quick", 0, 10, types.GrowthTypeLinear, 100, types.ReplicateToNone},
	{"AppConfig.Linear50PercentEvery30Seconds", "AppConfig.Linear50PercentEvery30Seconds", "Test/Demo", 1, 1, types.GrowthTypeLinear, 50, types.ReplicateToNone},
	{"AppConfig.Canary10Percent20Minutes", "AppConfig.Canary10Percent20Minutes", "AWS Recommended", 20, 10, types.GrowthTypeExponential, 10, types.ReplicateToNone},
	{"AppConfig.Linear20PercentEvery6Minutes", "AppConfig.Linear20PercentEvery6Minutes", "AWS Recommended", 30, 30, types.GrowthTypeLinear, 20, types.ReplicateToNone},
}

func (w strategyWant) check(t *testing.T, op string, id, name, description *string, duration, bake int32, growthType types.GrowthType, growthFactor *float32, replicateTo types.ReplicateTo) {
	t.Helper()
	got := strategyWant{aws.ToString(id), aws.ToString(name), aws.ToString(description), duration, bake, growthType, aws.ToFloat32(growthFactor), replicateTo}
	if w.id == "" {
		got.id = "" // generated; checked separately
	}
	if got != w {
		t.Errorf("%s = %+v; want %+v", op, got, w)
	}
	if growthFactor == nil {
		t.Errorf("%s GrowthFactor is absent", op)
	}
}

func TestPredefinedDeploymentStrategies(t *testing.T) {
	t.Parallel()
	ts := startServer(t)

	for _, want := range predefinedStrategies {
		t.Run(want.id, func(t *testing.T) {
			t.Parallel()
			out, err := ts.control.GetDeploymentStrategy(ctx(t), &appconfig.GetDeploymentStrategyInput{DeploymentStrategyId: aws.String(want.id)})
			if err != nil {
				t.Fatalf("GetDeploymentStrategy: %v", err)
			}
			want.check(t, "GetDeploymentStrategy", out.Id, out.Name, out.Description, out.DeploymentDurationInMinutes, out.FinalBakeTimeInMinutes, out.GrowthType, out.GrowthFactor, out.ReplicateTo)

			_, err = ts.control.UpdateDeploymentStrategy(ctx(t), &appconfig.UpdateDeploymentStrategyInput{
				DeploymentStrategyId: aws.String(want.id),
				Description:          aws.String("mine now"),
			})
			asError[*types.BadRequestException](t, err)

			_, err = ts.control.DeleteDeploymentStrategy(ctx(t), &appconfig.DeleteDeploymentStrategyInput{DeploymentStrategyId: aws.String(want.id)})
			asError[*types.BadRequestException](t, err)

			out, err = ts.control.GetDeploymentStrategy(ctx(t), &appconfig.GetDeploymentStrategyInput{DeploymentStrategyId: aws.String(want.id)})
			if err != nil {
				t.Fatalf("GetDeploymentStrategy after refused update and delete: %v", err)
			}
			want.check(t, "GetDeploymentStrategy after refused update and delete", out.Id, out.Name, out.Description, out.DeploymentDurationInMinutes, out.FinalBakeTimeInMinutes, out.GrowthType, out.GrowthFactor, out.ReplicateTo)
		})
	}

	t.Run("Listed", func(t *testing.T) {
		t.Parallel()
		out, err := ts.control.ListDeploymentStrategies(ctx(t), &appconfig.ListDeploymentStrategiesInput{})
		if err != nil {
			t.Fatalf("ListDeploymentStrategies: %v", err)
		}
		byID := make(map[string]types.DeploymentStrategy)
		for _, s := range out.Items {
			byID[aws.ToString(s.Id)] = s
		}
		if len(out.Items) != len(predefinedStrategies) {
			t.Errorf("a new server lists %d strategies; want the %d predefined ones", len(out.Items), len(predefinedStrategies))
		}
		for _, want := range predefinedStrategies {
			s, ok := byID[want.id]
			if !ok {
				t.Errorf("ListDeploymentStrategies lacks %s", want.id)
				continue
			}
			want.check(t, "ListDeploymentStrategies item", s.Id, s.Name, s.Description, s.DeploymentDurationInMinutes, s.FinalBakeTimeInMinutes, s.GrowthType, s.GrowthFactor, s.ReplicateTo)
		}
	})
}

func TestCreateDeploymentStrategy(t *testing.T) {
	t.Parallel()

	t.Run("ReturnsTheStrategy", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		out, err := ts.control.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
			Name:                        aws.String("Exponential5"),
			Description:                 aws.String("Doubles from 5%"),
			DeploymentDurationInMinutes: aws.Int32(40),
			FinalBakeTimeInMinutes:      15,
			GrowthFactor:                aws.Float32(5),
			GrowthType:                  types.GrowthTypeExponential,
			ReplicateTo:                 types.ReplicateToNone,
			Tags:                        map[string]string{"k": "v"},
		})
		if err != nil {
			t.Fatalf("CreateDeploymentStrategy: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusCreated)
		id := checkID(t, "Id", out.Id)
		want := strategyWant{"", "Exponential5", "Doubles from 5%", 40, 15, types.GrowthTypeExponential, 5, types.ReplicateToNone}
		want.check(t, "CreateDeploymentStrategy", out.Id, out.Name, out.Description, out.DeploymentDurationInMinutes, out.FinalBakeTimeInMinutes, out.GrowthType, out.GrowthFactor, out.ReplicateTo)

		for _, ident := range []string{id, "Exponential5"} {
			got, err := ts.control.GetDeploymentStrategy(ctx(t), &appconfig.GetDeploymentStrategyInput{DeploymentStrategyId: aws.String(ident)})
			if err != nil {
				t.Fatalf("GetDeploymentStrategy(%q): %v", ident, err)
			}
			want.id = id
			want.check(t, "GetDeploymentStrategy("+ident+")", got.Id, got.Name, got.Description, got.DeploymentDurationInMinutes, got.FinalBakeTimeInMinutes, got.GrowthType, got.GrowthFactor, got.ReplicateTo)
		}
	})

	// GrowthType defaults to LINEAR and FinalBakeTimeInMinutes to 0 (wire
	// §3.9); ReplicateTo is echoed as NONE.
	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		out, err := ts.control.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
			Name:                        aws.String("Plain"),
			DeploymentDurationInMinutes: aws.Int32(0),
			GrowthFactor:                aws.Float32(100),
		})
		if err != nil {
			t.Fatalf("CreateDeploymentStrategy: %v", err)
		}
		want := strategyWant{"", "Plain", "", 0, 0, types.GrowthTypeLinear, 100, types.ReplicateToNone}
		want.check(t, "CreateDeploymentStrategy", out.Id, out.Name, out.Description, out.DeploymentDurationInMinutes, out.FinalBakeTimeInMinutes, out.GrowthType, out.GrowthFactor, out.ReplicateTo)
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		valid := func() appconfig.CreateDeploymentStrategyInput {
			return appconfig.CreateDeploymentStrategyInput{
				Name:                        aws.String("s"),
				DeploymentDurationInMinutes: aws.Int32(10),
				GrowthFactor:                aws.Float32(10),
			}
		}
		tests := []struct {
			name   string
			change func(*appconfig.CreateDeploymentStrategyInput)
		}{
			{"GrowthFactorBelow1", func(in *appconfig.CreateDeploymentStrategyInput) { in.GrowthFactor = aws.Float32(0.5) }},
			{"GrowthFactorAbove100", func(in *appconfig.CreateDeploymentStrategyInput) { in.GrowthFactor = aws.Float32(100.5) }},
			{"DurationAbove1440", func(in *appconfig.CreateDeploymentStrategyInput) { in.DeploymentDurationInMinutes = aws.Int32(1441) }},
			{"NegativeDuration", func(in *appconfig.CreateDeploymentStrategyInput) { in.DeploymentDurationInMinutes = aws.Int32(-1) }},
			{"BakeAbove1440", func(in *appconfig.CreateDeploymentStrategyInput) { in.FinalBakeTimeInMinutes = 1441 }},
			{"NameTooLong", func(in *appconfig.CreateDeploymentStrategyInput) { in.Name = aws.String(strings.Repeat("s", 65)) }},
			{"UnknownGrowthType", func(in *appconfig.CreateDeploymentStrategyInput) { in.GrowthType = "QUADRATIC" }},
			{"UnknownReplicateTo", func(in *appconfig.CreateDeploymentStrategyInput) { in.ReplicateTo = "S3" }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := valid()
				tt.change(&in)
				_, err := ts.control.CreateDeploymentStrategy(ctx(t), &in)
				asError[*types.BadRequestException](t, err)
			})
		}
	})

	// Predefined strategies do not count against the quota.
	t.Run("QuotaExceeded", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t, withLimits(func(l *appconfigd.Limits) { l.DeploymentStrategies = 1 }))
		in := &appconfig.CreateDeploymentStrategyInput{
			Name:                        aws.String("s"),
			DeploymentDurationInMinutes: aws.Int32(1),
			GrowthFactor:                aws.Float32(50),
		}
		if _, err := ts.control.CreateDeploymentStrategy(ctx(t), in); err != nil {
			t.Fatalf("first CreateDeploymentStrategy with a quota of 1: %v", err)
		}
		_, err := ts.control.CreateDeploymentStrategy(ctx(t), in)
		asError[*types.ServiceQuotaExceededException](t, err)
		checkStatus(t, err, http.StatusPaymentRequired)
	})
}

func TestUpdateDeploymentStrategy(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	created, err := ts.control.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("s"),
		Description:                 aws.String("before"),
		DeploymentDurationInMinutes: aws.Int32(10),
		FinalBakeTimeInMinutes:      5,
		GrowthFactor:                aws.Float32(10),
	})
	if err != nil {
		t.Fatalf("CreateDeploymentStrategy: %v", err)
	}
	id := aws.ToString(created.Id)

	out, err := ts.control.UpdateDeploymentStrategy(ctx(t), &appconfig.UpdateDeploymentStrategyInput{
		DeploymentStrategyId:        aws.String(id),
		Description:                 aws.String("after"),
		DeploymentDurationInMinutes: aws.Int32(20),
		GrowthType:                  types.GrowthTypeExponential,
	})
	if err != nil {
		t.Fatalf("UpdateDeploymentStrategy: %v", err)
	}
	checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
	want := strategyWant{id, "s", "after", 20, 5, types.GrowthTypeExponential, 10, types.ReplicateToNone}
	want.check(t, "UpdateDeploymentStrategy", out.Id, out.Name, out.Description, out.DeploymentDurationInMinutes, out.FinalBakeTimeInMinutes, out.GrowthType, out.GrowthFactor, out.ReplicateTo)

	got, err := ts.control.GetDeploymentStrategy(ctx(t), &appconfig.GetDeploymentStrategyInput{DeploymentStrategyId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetDeploymentStrategy: %v", err)
	}
	want.check(t, "GetDeploymentStrategy", got.Id, got.Name, got.Description, got.DeploymentDurationInMinutes, got.FinalBakeTimeInMinutes, got.GrowthType, got.GrowthFactor, got.ReplicateTo)

	t.Run("GrowthFactorOutOfRange", func(t *testing.T) {
		_, err := ts.control.UpdateDeploymentStrategy(ctx(t), &appconfig.UpdateDeploymentStrategyInput{
			DeploymentStrategyId: aws.String(id),
			GrowthFactor:         aws.Float32(101),
		})
		asError[*types.BadRequestException](t, err)
	})

	t.Run("Unknown", func(t *testing.T) {
		_, err := ts.control.UpdateDeploymentStrategy(ctx(t), &appconfig.UpdateDeploymentStrategyInput{
			DeploymentStrategyId: aws.String("nosuch1"),
			Description:          aws.String("x"),
		})
		nf := asError[*types.ResourceNotFoundException](t, err)
		if got, want := aws.ToString(nf.ResourceName), "nosuch1"; got != want {
			t.Errorf("ResourceName = %q; want %q", got, want)
		}
	})
}

// DeleteDeploymentStrategy travels on the model's misspelled path
// /deployementstrategies/{id} (docs/WIRE.md §0 fact 11); the SDK sends it that way.
func TestDeleteDeploymentStrategy(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	created, err := ts.control.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("doomed"),
		DeploymentDurationInMinutes: aws.Int32(1),
		GrowthFactor:                aws.Float32(50),
	})
	if err != nil {
		t.Fatalf("CreateDeploymentStrategy: %v", err)
	}
	id := aws.ToString(created.Id)

	out, err := ts.control.DeleteDeploymentStrategy(ctx(t), &appconfig.DeleteDeploymentStrategyInput{DeploymentStrategyId: aws.String(id)})
	if err != nil {
		t.Fatalf("DeleteDeploymentStrategy: %v", err)
	}
	checkSuccessStatus(t, out.ResultMetadata, http.StatusNoContent)
	_, err = ts.control.GetDeploymentStrategy(ctx(t), &appconfig.GetDeploymentStrategyInput{DeploymentStrategyId: aws.String(id)})
	asError[*types.ResourceNotFoundException](t, err)
	_, err = ts.control.DeleteDeploymentStrategy(ctx(t), &appconfig.DeleteDeploymentStrategyInput{DeploymentStrategyId: aws.String(id)})
	asError[*types.ResourceNotFoundException](t, err)
}

func TestListDeploymentStrategies(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	want := make(map[string]bool)
	for _, s := range predefinedStrategies {
		want[s.id] = true
	}
	for _, name := range []string{"s1", "s2", "s3"} {
		out, err := ts.control.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
			Name:                        aws.String(name),
			DeploymentDurationInMinutes: aws.Int32(1),
			GrowthFactor:                aws.Float32(50),
		})
		if err != nil {
			t.Fatalf("CreateDeploymentStrategy: %v", err)
		}
		want[aws.ToString(out.Id)] = true
	}

	p := appconfig.NewListDeploymentStrategiesPaginator(ts.control, &appconfig.ListDeploymentStrategiesInput{MaxResults: aws.Int32(3)})
	got := make(map[string]bool)
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatalf("NextPage: %v", err)
		}
		pages++
		if len(page.Items) > 3 {
			t.Errorf("page of %d items; want at most 3", len(page.Items))
		}
		for _, s := range page.Items {
			id := aws.ToString(s.Id)
			if got[id] {
				t.Errorf("strategy %s listed twice", id)
			}
			got[id] = true
		}
	}
	if len(got) != len(want) {
		t.Errorf("listed %d strategies; want %d", len(got), len(want))
	}
	for id := range want {
		if !got[id] {
			t.Errorf("strategy %s not listed", id)
		}
	}
	if pages != 3 {
		t.Errorf("pages = %d; want 3 for 7 strategies at 3 per page", pages)
	}

	t.Run("MaxResults0", func(t *testing.T) {
		_, err := ts.control.ListDeploymentStrategies(ctx(t), &appconfig.ListDeploymentStrategiesInput{MaxResults: aws.Int32(0)})
		asError[*types.BadRequestException](t, err)
	})
}
