package conformance

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd"
)

func TestCreateApplication(t *testing.T) {
	t.Parallel()

	t.Run("ReturnsTheApplication", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		out, err := ts.control.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{
			Name:        aws.String("payments"),
			Description: aws.String("Payment service settings"),
			Tags:        map[string]string{"team": "core"},
		})
		if err != nil {
			t.Fatalf("CreateApplication: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusCreated)
		checkID(t, "Id", out.Id)
		if got, want := aws.ToString(out.Name), "payments"; got != want {
			t.Errorf("Name = %q; want %q", got, want)
		}
		if got, want := aws.ToString(out.Description), "Payment service settings"; got != want {
			t.Errorf("Description = %q; want %q", got, want)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		tests := []struct {
			name string
			in   appconfig.CreateApplicationInput
		}{
			{"EmptyName", appconfig.CreateApplicationInput{Name: aws.String("")}},
			{"NameTooLong", appconfig.CreateApplicationInput{Name: aws.String(strings.Repeat("a", 65))}},
			{"DescriptionTooLong", appconfig.CreateApplicationInput{Name: aws.String("a"), Description: aws.String(strings.Repeat("d", 1025))}},
			{"TagKeyWithAwsPrefix", appconfig.CreateApplicationInput{Name: aws.String("a"), Tags: map[string]string{"aws:owner": "x"}}},
			{"TagValueTooLong", appconfig.CreateApplicationInput{Name: aws.String("a"), Tags: map[string]string{"k": strings.Repeat("v", 257)}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := ts.control.CreateApplication(ctx(t), &tt.in)
				asError[*types.BadRequestException](t, err)
				checkStatus(t, err, http.StatusBadRequest)
			})
		}
		list, err := ts.control.ListApplications(ctx(t), &appconfig.ListApplicationsInput{})
		if err != nil {
			t.Fatalf("ListApplications: %v", err)
		}
		if len(list.Items) != 0 {
			t.Errorf("after rejected creates, ListApplications has %d items; want 0", len(list.Items))
		}
	})

	t.Run("NameOfMaximumLength", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		name := strings.Repeat("n", 64)
		out, err := ts.control.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{Name: aws.String(name)})
		if err != nil {
			t.Fatalf("CreateApplication with a 64-character name: %v", err)
		}
		if got := aws.ToString(out.Name); got != name {
			t.Errorf("Name = %q; want %q", got, name)
		}
	})

	t.Run("QuotaExceeded", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t, withLimits(func(l *appconfigd.Limits) { l.Applications = 2 }))
		createApplication(t, ts.control, "one")
		createApplication(t, ts.control, "two")
		_, err := ts.control.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{Name: aws.String("three")})
		asError[*types.ServiceQuotaExceededException](t, err)
		checkStatus(t, err, http.StatusPaymentRequired)
	})

	// Racing creates cannot overshoot the quota.
	t.Run("QuotaUnderConcurrency", func(t *testing.T) {
		t.Parallel()
		const limit, callers = 3, 8
		ts := startServer(t, withLimits(func(l *appconfigd.Limits) { l.Applications = limit }))
		var created, refused atomic.Int32
		var wg sync.WaitGroup
		for i := range callers {
			wg.Go(func() {
				_, err := ts.control.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{Name: aws.String(fmt.Sprint("app", i))})
				var sqe *types.ServiceQuotaExceededException
				switch {
				case err == nil:
					created.Add(1)
				case errors.As(err, &sqe):
					refused.Add(1)
				default:
					t.Errorf("CreateApplication: %v; want success or ServiceQuotaExceededException", err)
				}
			})
		}
		wg.Wait()
		if created.Load() != limit || refused.Load() != callers-limit {
			t.Errorf("%d created, %d refused; want %d created, %d refused", created.Load(), refused.Load(), limit, callers-limit)
		}
	})

	// Lengths count characters, not bytes (docs/WIRE.md Appendix A).
	t.Run("MultibyteNameOfMaximumLength", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		name := strings.Repeat("é", 64)
		out, err := ts.control.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{Name: aws.String(name)})
		if err != nil {
			t.Fatalf("CreateApplication with 64 two-byte characters: %v", err)
		}
		if got := aws.ToString(out.Name); got != name {
			t.Errorf("Name = %q; want %q", got, name)
		}
	})
}

func TestGetApplication(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	created, err := ts.control.CreateApplication(ctx(t), &appconfig.CreateApplicationInput{
		Name:        aws.String("checkout"),
		Description: aws.String("Checkout flags"),
	})
	if err != nil {
		t.Fatalf("CreateApplication: %v", err)
	}
	id := aws.ToString(created.Id)

	// Identifiers are IDs or names (docs/WIRE.md §3.3); a name travels
	// percent-encoded in the path, whatever characters it holds.
	odd := "team a/ü+%?#"
	oddID := createApplication(t, ts.control, odd)

	for _, ident := range []struct{ name, value string }{{"ByID", id}, {"ByName", "checkout"}} {
		t.Run(ident.name, func(t *testing.T) {
			t.Parallel()
			out, err := ts.control.GetApplication(ctx(t), &appconfig.GetApplicationInput{ApplicationId: aws.String(ident.value)})
			if err != nil {
				t.Fatalf("GetApplication(%q): %v", ident.value, err)
			}
			checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
			if got := aws.ToString(out.Id); got != id {
				t.Errorf("Id = %q; want %q", got, id)
			}
			if got, want := aws.ToString(out.Name), "checkout"; got != want {
				t.Errorf("Name = %q; want %q", got, want)
			}
			if got, want := aws.ToString(out.Description), "Checkout flags"; got != want {
				t.Errorf("Description = %q; want %q", got, want)
			}
		})
	}

	t.Run("ByNameWithReservedCharacters", func(t *testing.T) {
		t.Parallel()
		out, err := ts.control.GetApplication(ctx(t), &appconfig.GetApplicationInput{ApplicationId: aws.String(odd)})
		if err != nil {
			t.Fatalf("GetApplication(%q): %v", odd, err)
		}
		if got := aws.ToString(out.Id); got != oddID {
			t.Errorf("Id = %q; want %q", got, oddID)
		}
	})

	t.Run("Unknown", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.GetApplication(ctx(t), &appconfig.GetApplicationInput{ApplicationId: aws.String("zzzzzzz")})
		nf := asError[*types.ResourceNotFoundException](t, err)
		checkStatus(t, err, http.StatusNotFound)
		if got, want := aws.ToString(nf.ResourceName), "zzzzzzz"; got != want {
			t.Errorf("ResourceName = %q; want %q", got, want)
		}
	})
}

func TestUpdateApplication(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	id := createApplication(t, ts.control, "before")

	out, err := ts.control.UpdateApplication(ctx(t), &appconfig.UpdateApplicationInput{
		ApplicationId: aws.String(id),
		Name:          aws.String("after"),
		Description:   aws.String("renamed"),
	})
	if err != nil {
		t.Fatalf("UpdateApplication: %v", err)
	}
	checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
	if got, want := aws.ToString(out.Name), "after"; got != want {
		t.Errorf("Name = %q; want %q", got, want)
	}

	// Absent members stay as they are (docs/WIRE.md §3.3 "Partial updates").
	out, err = ts.control.UpdateApplication(ctx(t), &appconfig.UpdateApplicationInput{
		ApplicationId: aws.String(id),
		Description:   aws.String("only the description"),
	})
	if err != nil {
		t.Fatalf("UpdateApplication(Description only): %v", err)
	}
	if got, want := aws.ToString(out.Name), "after"; got != want {
		t.Errorf("after a Description-only update, Name = %q; want %q", got, want)
	}
	got, err := ts.control.GetApplication(ctx(t), &appconfig.GetApplicationInput{ApplicationId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetApplication: %v", err)
	}
	if aws.ToString(got.Name) != "after" || aws.ToString(got.Description) != "only the description" {
		t.Errorf("GetApplication = {Name %q, Description %q}; want {Name %q, Description %q}",
			aws.ToString(got.Name), aws.ToString(got.Description), "after", "only the description")
	}

	t.Run("NameTooLong", func(t *testing.T) {
		_, err := ts.control.UpdateApplication(ctx(t), &appconfig.UpdateApplicationInput{
			ApplicationId: aws.String(id),
			Name:          aws.String(strings.Repeat("x", 65)),
		})
		asError[*types.BadRequestException](t, err)
	})

	t.Run("Unknown", func(t *testing.T) {
		_, err := ts.control.UpdateApplication(ctx(t), &appconfig.UpdateApplicationInput{
			ApplicationId: aws.String("nosuch1"),
			Name:          aws.String("x"),
		})
		asError[*types.ResourceNotFoundException](t, err)
	})
}

func TestDeleteApplication(t *testing.T) {
	t.Parallel()

	t.Run("Empty", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		id := createApplication(t, ts.control, "doomed")
		out, err := ts.control.DeleteApplication(ctx(t), &appconfig.DeleteApplicationInput{ApplicationId: aws.String(id)})
		if err != nil {
			t.Fatalf("DeleteApplication: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusNoContent)
		_, err = ts.control.GetApplication(ctx(t), &appconfig.GetApplicationInput{ApplicationId: aws.String(id)})
		asError[*types.ResourceNotFoundException](t, err)
		_, err = ts.control.DeleteApplication(ctx(t), &appconfig.DeleteApplicationInput{ApplicationId: aws.String(id)})
		asError[*types.ResourceNotFoundException](t, err)
	})

	// AWS documents no cascade (docs/WIRE.md §6 Q9); appconfigd refuses to delete
	// an application that still has environments or profiles, with the
	// only client error DeleteApplication models.
	t.Run("WithEnvironment", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		id := createApplication(t, ts.control, "busy")
		createEnvironment(t, ts.control, id, "env")
		_, err := ts.control.DeleteApplication(ctx(t), &appconfig.DeleteApplicationInput{ApplicationId: aws.String(id)})
		asError[*types.BadRequestException](t, err)
		if _, err := ts.control.GetApplication(ctx(t), &appconfig.GetApplicationInput{ApplicationId: aws.String(id)}); err != nil {
			t.Errorf("after the refused delete, GetApplication: %v; want the application", err)
		}
	})
}

func TestListApplications(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	var want []string
	for _, name := range []string{"a1", "a2", "a3", "a4", "a5"} {
		want = append(want, createApplication(t, ts.control, name))
	}

	t.Run("Paginator", func(t *testing.T) {
		t.Parallel()
		p := appconfig.NewListApplicationsPaginator(ts.control, &appconfig.ListApplicationsInput{MaxResults: aws.Int32(2)})
		var got []string
		var sizes []int
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatalf("NextPage: %v", err)
			}
			sizes = append(sizes, len(page.Items))
			for _, a := range page.Items {
				got = append(got, aws.ToString(a.Id))
			}
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("IDs in creation order = %v; want %v", got, want)
		}
		if len(sizes) != 3 || sizes[0] != 2 || sizes[1] != 2 || sizes[2] != 1 {
			t.Errorf("page sizes = %v; want [2 2 1]", sizes)
		}
	})

	t.Run("DefaultPageHoldsAll", func(t *testing.T) {
		t.Parallel()
		out, err := ts.control.ListApplications(ctx(t), &appconfig.ListApplicationsInput{})
		if err != nil {
			t.Fatalf("ListApplications: %v", err)
		}
		if len(out.Items) != len(want) {
			t.Errorf("len(Items) = %d; want %d", len(out.Items), len(want))
		}
		if out.NextToken != nil {
			t.Errorf("NextToken = %q; want none on the last page", *out.NextToken)
		}
		if len(out.Items) > 0 && aws.ToString(out.Items[0].Name) != "a1" {
			t.Errorf("Items[0].Name = %q; want %q", aws.ToString(out.Items[0].Name), "a1")
		}
	})

	// The last page carries no NextToken, also when it is full (docs/WIRE.md §3.3).
	t.Run("ExactlyOnePage", func(t *testing.T) {
		t.Parallel()
		out, err := ts.control.ListApplications(ctx(t), &appconfig.ListApplicationsInput{MaxResults: aws.Int32(int32(len(want)))})
		if err != nil {
			t.Fatalf("ListApplications: %v", err)
		}
		if len(out.Items) != len(want) || out.NextToken != nil {
			t.Errorf("ListApplications(MaxResults %d) = %d items, NextToken %s; want %d items and no NextToken", len(want), len(out.Items), deref(out.NextToken), len(want))
		}
	})

	t.Run("InvalidPagination", func(t *testing.T) {
		t.Parallel()
		for _, in := range []struct {
			name string
			in   appconfig.ListApplicationsInput
		}{
			{"MaxResults0", appconfig.ListApplicationsInput{MaxResults: aws.Int32(0)}},
			{"MaxResults51", appconfig.ListApplicationsInput{MaxResults: aws.Int32(51)}},
			{"GarbageNextToken", appconfig.ListApplicationsInput{NextToken: aws.String("not a token!")}},
		} {
			t.Run(in.name, func(t *testing.T) {
				_, err := ts.control.ListApplications(ctx(t), &in.in)
				asError[*types.BadRequestException](t, err)
			})
		}
	})
}
