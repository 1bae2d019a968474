package conformance

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd"
)

// awkwardContent is not valid UTF-8 and holds bytes that text handling
// tends to change: NUL, CR LF, a BOM and trailing whitespace.
var awkwardContent = []byte("\xef\xbb\xbf{\"a\":1}\r\n\x00\xff\xfe binary \t\n")

func TestCreateHostedConfigurationVersion(t *testing.T) {
	t.Parallel()

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		const contentType = "application/json; charset=utf-8"
		out, err := ts.control.CreateHostedConfigurationVersion(ctx(t), &appconfig.CreateHostedConfigurationVersionInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
			Content:                awkwardContent,
			ContentType:            aws.String(contentType),
			Description:            aws.String("first version"),
			VersionLabel:           aws.String("v1.0.0"),
		})
		if err != nil {
			t.Fatalf("CreateHostedConfigurationVersion: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusCreated)
		want := versionWant{app: fx.app, profile: fx.profile, number: 1, content: awkwardContent, contentType: contentType, description: "first version", label: "v1.0.0"}
		want.check(t, "CreateHostedConfigurationVersion", out.ApplicationId, out.ConfigurationProfileId, out.VersionNumber, out.Content, out.ContentType, out.Description, out.VersionLabel)

		got, err := ts.control.GetHostedConfigurationVersion(ctx(t), &appconfig.GetHostedConfigurationVersionInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
			VersionNumber:          aws.Int32(1),
		})
		if err != nil {
			t.Fatalf("GetHostedConfigurationVersion: %v", err)
		}
		checkSuccessStatus(t, got.ResultMetadata, http.StatusOK)
		want.check(t, "GetHostedConfigurationVersion", got.ApplicationId, got.ConfigurationProfileId, got.VersionNumber, got.Content, got.ContentType, got.Description, got.VersionLabel)
	})

	t.Run("ByNames", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		newFixture(t, ts.control)
		out, err := ts.control.CreateHostedConfigurationVersion(ctx(t), &appconfig.CreateHostedConfigurationVersionInput{
			ApplicationId:          aws.String("app"),
			ConfigurationProfileId: aws.String("profile"),
			Content:                []byte("x"),
			ContentType:            aws.String("text/plain"),
		})
		if err != nil {
			t.Fatalf("CreateHostedConfigurationVersion by names: %v", err)
		}
		if out.VersionNumber != 1 {
			t.Errorf("VersionNumber = %d; want 1", out.VersionNumber)
		}
	})

	t.Run("NumbersIncreaseAndAreNeverReused", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		for want := int32(1); want <= 3; want++ {
			if got := createVersion(t, ts.control, fx.app, fx.profile, []byte("x"), "text/plain", ""); got != want {
				t.Fatalf("VersionNumber = %d; want %d", got, want)
			}
		}
		if _, err := ts.control.DeleteHostedConfigurationVersion(ctx(t), &appconfig.DeleteHostedConfigurationVersionInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
			VersionNumber:          aws.Int32(3),
		}); err != nil {
			t.Fatalf("DeleteHostedConfigurationVersion(3): %v", err)
		}
		if got, want := createVersion(t, ts.control, fx.app, fx.profile, []byte("x"), "text/plain", ""), int32(4); got != want {
			t.Errorf("after deleting the latest version 3, the next VersionNumber = %d; want %d", got, want)
		}
		// Numbers are per profile.
		other := createProfile(t, ts.control, fx.app, "other")
		if got, want := createVersion(t, ts.control, fx.app, other, []byte("x"), "text/plain", ""), int32(1); got != want {
			t.Errorf("first VersionNumber of another profile = %d; want %d", got, want)
		}
	})

	t.Run("LatestVersionNumber", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		create := func(latest int32) (*appconfig.CreateHostedConfigurationVersionOutput, error) {
			return ts.control.CreateHostedConfigurationVersion(ctx(t), &appconfig.CreateHostedConfigurationVersionInput{
				ApplicationId:          aws.String(fx.app),
				ConfigurationProfileId: aws.String(fx.profile),
				Content:                []byte(fmt.Sprintf("after %d", latest)),
				ContentType:            aws.String("text/plain"),
				LatestVersionNumber:    aws.Int32(latest),
			})
		}
		// A profile without versions has latest version number 0.
		for latest := int32(0); latest <= 1; latest++ {
			out, err := create(latest)
			if err != nil {
				t.Fatalf("CreateHostedConfigurationVersion with the right LatestVersionNumber %d: %v", latest, err)
			}
			if out.VersionNumber != latest+1 {
				t.Errorf("VersionNumber = %d; want %d", out.VersionNumber, latest+1)
			}
		}

		for _, stale := range []int32{1, 0, 7} {
			_, err := create(stale)
			asError[*types.ConflictException](t, err)
			checkStatus(t, err, http.StatusConflict)
		}
		list, err := ts.control.ListHostedConfigurationVersions(ctx(t), &appconfig.ListHostedConfigurationVersionsInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
		})
		if err != nil {
			t.Fatalf("ListHostedConfigurationVersions: %v", err)
		}
		if len(list.Items) != 2 {
			t.Errorf("after the conflicts there are %d versions; want 2 (a conflict stores nothing)", len(list.Items))
		}
	})

	// Concurrent creates get distinct, gapless version numbers.
	t.Run("Concurrent", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		const n = 10
		numbers := make(chan int32, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				out, err := ts.control.CreateHostedConfigurationVersion(ctx(t), &appconfig.CreateHostedConfigurationVersionInput{
					ApplicationId:          aws.String(fx.app),
					ConfigurationProfileId: aws.String(fx.profile),
					Content:                []byte(fmt.Sprint(i)),
					ContentType:            aws.String("text/plain"),
				})
				if err != nil {
					t.Errorf("CreateHostedConfigurationVersion: %v", err)
					return
				}
				numbers <- out.VersionNumber
			})
		}
		wg.Wait()
		close(numbers)
		seen := make(map[int32]bool)
		for v := range numbers {
			if seen[v] || v < 1 || v > n {
				t.Errorf("VersionNumber %d is a duplicate or outside 1..%d", v, n)
			}
			seen[v] = true
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		tests := []struct {
			name string
			in   appconfig.CreateHostedConfigurationVersionInput
		}{
			{"NumericVersionLabel", appconfig.CreateHostedConfigurationVersionInput{VersionLabel: aws.String("123")}},
			{"VersionLabelTooLong", appconfig.CreateHostedConfigurationVersionInput{VersionLabel: aws.String("v" + strings.Repeat("1", 64))}},
			{"DescriptionTooLong", appconfig.CreateHostedConfigurationVersionInput{Description: aws.String(strings.Repeat("d", 1025))}},
			{"ContentTypeTooLong", appconfig.CreateHostedConfigurationVersionInput{ContentType: aws.String("text/" + strings.Repeat("x", 251))}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				in := tt.in
				in.ApplicationId, in.ConfigurationProfileId, in.Content = aws.String(fx.app), aws.String(fx.profile), []byte("x")
				if in.ContentType == nil {
					in.ContentType = aws.String("text/plain")
				}
				_, err := ts.control.CreateHostedConfigurationVersion(ctx(t), &in)
				asError[*types.BadRequestException](t, err)
			})
		}
	})

	t.Run("UnknownProfile", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		app := createApplication(t, ts.control, "app")
		_, err := ts.control.CreateHostedConfigurationVersion(ctx(t), &appconfig.CreateHostedConfigurationVersionInput{
			ApplicationId:          aws.String(app),
			ConfigurationProfileId: aws.String("nosuch1"),
			Content:                []byte("x"),
			ContentType:            aws.String("text/plain"),
		})
		nf := asError[*types.ResourceNotFoundException](t, err)
		if got, want := aws.ToString(nf.ResourceName), "nosuch1"; got != want {
			t.Errorf("ResourceName = %q; want %q", got, want)
		}
	})

	t.Run("PayloadTooLarge", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name      string
			limit     int // bytes; 0 keeps the default of 1 MB
			size      int
			wantLimit float32
			wantSize  float32
		}{
			{"DefaultLimit", 0, 1<<20 + 512, 1024, 1024.5},
			{"SmallLimit", 2048, 2560, 2, 2.5},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				var opts []serverOption
				if tt.limit > 0 {
					opts = append(opts, withLimits(func(l *appconfigd.Limits) { l.HostedConfigurationSizeBytes = tt.limit }))
				}
				ts := startServer(t, opts...)
				fx := newFixture(t, ts.control)
				_, err := ts.control.CreateHostedConfigurationVersion(ctx(t), &appconfig.CreateHostedConfigurationVersionInput{
					ApplicationId:          aws.String(fx.app),
					ConfigurationProfileId: aws.String(fx.profile),
					Content:                bytes.Repeat([]byte("x"), tt.size),
					ContentType:            aws.String("text/plain"),
				})
				ptl := asError[*types.PayloadTooLargeException](t, err)
				checkStatus(t, err, http.StatusRequestEntityTooLarge)
				if ptl.Measure != types.BytesMeasureKilobytes {
					t.Errorf("Measure = %q; want %q", ptl.Measure, types.BytesMeasureKilobytes)
				}
				if ptl.Limit != tt.wantLimit {
					t.Errorf("Limit = %g; want %g", ptl.Limit, tt.wantLimit)
				}
				if ptl.Size != tt.wantSize {
					t.Errorf("Size = %g; want %g", ptl.Size, tt.wantSize)
				}
			})
		}
	})

	t.Run("ExactlyAtTheLimit", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t, withLimits(func(l *appconfigd.Limits) { l.HostedConfigurationSizeBytes = 2048 }))
		fx := newFixture(t, ts.control)
		createVersion(t, ts.control, fx.app, fx.profile, bytes.Repeat([]byte("x"), 2048), "text/plain", "")
	})
}

// versionWant is what a hosted version's outputs should say.
type versionWant struct {
	app, profile                    string
	number                          int32
	content                         []byte
	contentType, description, label string
}

func (w versionWant) check(t *testing.T, op string, app, profile *string, number int32, content []byte, contentType, description, label *string) {
	t.Helper()
	for _, f := range []struct {
		member    string
		got, want string
	}{
		{"ApplicationId", aws.ToString(app), w.app},
		{"ConfigurationProfileId", aws.ToString(profile), w.profile},
		{"ContentType", aws.ToString(contentType), w.contentType},
		{"Description", aws.ToString(description), w.description},
		{"VersionLabel", aws.ToString(label), w.label},
	} {
		if f.got != f.want {
			t.Errorf("%s %s = %q; want %q", op, f.member, f.got, f.want)
		}
	}
	if number != w.number {
		t.Errorf("%s VersionNumber = %d; want %d", op, number, w.number)
	}
	if !bytes.Equal(content, w.content) {
		t.Errorf("%s Content = %q; want %q", op, content, w.content)
	}
}

func TestGetHostedConfigurationVersion(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := newFixture(t, ts.control)
	createVersion(t, ts.control, fx.app, fx.profile, []byte("x"), "text/plain", "")

	tests := []struct {
		name             string
		app, profile     string
		version          int32
		wantResourceName string
	}{
		{"UnknownVersion", fx.app, fx.profile, 2, ""},
		{"UnknownProfile", fx.app, "nosuch1", 1, "nosuch1"},
		{"UnknownApplication", "nosuch1", fx.profile, 1, "nosuch1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ts.control.GetHostedConfigurationVersion(ctx(t), &appconfig.GetHostedConfigurationVersionInput{
				ApplicationId:          aws.String(tt.app),
				ConfigurationProfileId: aws.String(tt.profile),
				VersionNumber:          aws.Int32(tt.version),
			})
			nf := asError[*types.ResourceNotFoundException](t, err)
			checkStatus(t, err, http.StatusNotFound)
			if tt.wantResourceName != "" && aws.ToString(nf.ResourceName) != tt.wantResourceName {
				t.Errorf("ResourceName = %q; want %q", aws.ToString(nf.ResourceName), tt.wantResourceName)
			}
		})
	}
}

func TestListHostedConfigurationVersions(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	fx := newFixture(t, ts.control)
	labels := []string{"v1.0", "v2.0", "beta", "v2.1", "v20", ""}
	for i, label := range labels {
		createVersion(t, ts.control, fx.app, fx.profile, []byte(fmt.Sprint(i)), "text/plain", label)
	}

	list := func(t *testing.T, label *string, pageSize int32) []types.HostedConfigurationVersionSummary {
		t.Helper()
		p := appconfig.NewListHostedConfigurationVersionsPaginator(ts.control, &appconfig.ListHostedConfigurationVersionsInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
			VersionLabel:           label,
			MaxResults:             aws.Int32(pageSize),
		})
		var items []types.HostedConfigurationVersionSummary
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatalf("NextPage: %v", err)
			}
			if int32(len(page.Items)) > pageSize {
				t.Errorf("page of %d items; want at most %d", len(page.Items), pageSize)
			}
			items = append(items, page.Items...)
		}
		return items
	}
	numbers := func(items []types.HostedConfigurationVersionSummary) string {
		var s []string
		for _, it := range items {
			s = append(s, fmt.Sprint(it.VersionNumber))
		}
		return strings.Join(s, ",")
	}

	tests := []struct {
		name  string
		label *string
		want  string
	}{
		{"NewestFirst", nil, "6,5,4,3,2,1"},
		{"LabelPrefix", aws.String("v2*"), "5,4,2"},
		{"LabelExact", aws.String("v2"), ""},
		{"LabelExactMatch", aws.String("v2.0"), "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := numbers(list(t, tt.label, 4)); got != tt.want {
				t.Errorf("version numbers = [%s]; want [%s]", got, tt.want)
			}
		})
	}

	t.Run("Summary", func(t *testing.T) {
		t.Parallel()
		items := list(t, aws.String("beta"), 50)
		if len(items) != 1 {
			t.Fatalf("got %d items for label beta; want 1", len(items))
		}
		it := items[0]
		if aws.ToString(it.ApplicationId) != fx.app || aws.ToString(it.ConfigurationProfileId) != fx.profile ||
			it.VersionNumber != 3 || aws.ToString(it.ContentType) != "text/plain" || aws.ToString(it.VersionLabel) != "beta" {
			t.Errorf("summary = {ApplicationId %q ConfigurationProfileId %q VersionNumber %d ContentType %q VersionLabel %q}; want {%s %s 3 text/plain beta}",
				aws.ToString(it.ApplicationId), aws.ToString(it.ConfigurationProfileId), it.VersionNumber, aws.ToString(it.ContentType), aws.ToString(it.VersionLabel), fx.app, fx.profile)
		}
	})

	t.Run("MaxResults51", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.ListHostedConfigurationVersions(ctx(t), &appconfig.ListHostedConfigurationVersionsInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
			MaxResults:             aws.Int32(51),
		})
		asError[*types.BadRequestException](t, err)
	})

	t.Run("UnknownProfile", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.ListHostedConfigurationVersions(ctx(t), &appconfig.ListHostedConfigurationVersionsInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String("nosuch1"),
		})
		asError[*types.ResourceNotFoundException](t, err)
	})
}

func TestDeleteHostedConfigurationVersion(t *testing.T) {
	t.Parallel()

	t.Run("Unused", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		createVersion(t, ts.control, fx.app, fx.profile, []byte("x"), "text/plain", "")
		in := &appconfig.DeleteHostedConfigurationVersionInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
			VersionNumber:          aws.Int32(1),
		}
		out, err := ts.control.DeleteHostedConfigurationVersion(ctx(t), in)
		if err != nil {
			t.Fatalf("DeleteHostedConfigurationVersion: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusNoContent)
		_, err = ts.control.GetHostedConfigurationVersion(ctx(t), &appconfig.GetHostedConfigurationVersionInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
			VersionNumber:          aws.Int32(1),
		})
		asError[*types.ResourceNotFoundException](t, err)
		_, err = ts.control.DeleteHostedConfigurationVersion(ctx(t), in)
		asError[*types.ResourceNotFoundException](t, err)
	})

	// A version some environment serves may be deleted, as on AWS
	// (docs/WIRE.md §3.8): the control plane forgets it, and clients go on
	// getting it until a deployment replaces it.
	t.Run("Deployed", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		fx := newFixture(t, ts.control)
		version, _ := deployVersion(t, ts.control, fx, []byte("x"), "text/plain", "")
		ts.advance(t, bakeTime)
		token := startSession(t, ts.data, fx, 0)
		checkConfiguration(t, poll(t, ts.data, token), []byte("x"), "text/plain", "")
		in := &appconfig.DeleteHostedConfigurationVersionInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
			VersionNumber:          aws.Int32(version),
		}
		out, err := ts.control.DeleteHostedConfigurationVersion(ctx(t), in)
		if err != nil {
			t.Fatalf("DeleteHostedConfigurationVersion of the deployed version: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusNoContent)
		_, err = ts.control.GetHostedConfigurationVersion(ctx(t), &appconfig.GetHostedConfigurationVersionInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
			VersionNumber:          aws.Int32(version),
		})
		asError[*types.ResourceNotFoundException](t, err)
		_, err = ts.control.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
			ApplicationId:          aws.String(fx.app),
			EnvironmentId:          aws.String(fx.env),
			ConfigurationProfileId: aws.String(fx.profile),
			ConfigurationVersion:   aws.String(fmt.Sprint(version)),
			DeploymentStrategyId:   aws.String("AppConfig.AllAtOnce"),
		})
		asError[*types.ResourceNotFoundException](t, err)
		checkConfiguration(t, poll(t, ts.data, startSession(t, ts.data, fx, 0)), []byte("x"), "text/plain", "")

		deployVersion(t, ts.control, fx, []byte("y"), "text/plain", "")
		checkConfiguration(t, poll(t, ts.data, startSession(t, ts.data, fx, 0)), []byte("y"), "text/plain", "")
	})
}
