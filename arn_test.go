package appconfigd_test

import (
	"maps"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// TestForeignARNs tags resources through ARNs that carry another region or
// account than the server's, as clients that build ARNs themselves send
// them (docs/COMPATIBILITY.md, "ARNs"): they name the same resources and
// find the same tags, unless the server is strict.
func TestForeignARNs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	app := must(svc.CreateApplication(ctx, &appconfigd.Application{Name: "app"}, map[string]string{"team": "core"}))
	own := svc.ApplicationARN(app.ID)
	foreign := map[string]string{
		"EmptyAccount":   "arn:aws:appconfig:us-east-1::application/" + app.ID,
		"OtherAccount":   "arn:aws:appconfig:us-east-1:123456789012:application/" + app.ID,
		"OtherRegion":    "arn:aws:appconfig:eu-west-1:000000000000:application/" + app.ID,
		"OtherPartition": "arn:aws-cn:appconfig:cn-north-1:123456789012:application/" + app.ID,
	}

	t.Run("Lenient", func(t *testing.T) {
		for name, arn := range foreign {
			t.Run(name, func(t *testing.T) {
				tags, err := svc.ListTagsForResource(ctx, arn)
				if err != nil {
					t.Fatalf("ListTagsForResource(%s): %v", arn, err)
				}
				if want := map[string]string{"team": "core"}; !maps.Equal(tags, want) {
					t.Errorf("ListTagsForResource(%s) = %v, want the tags given at creation %v", arn, tags, want)
				}
			})
		}
	})

	t.Run("TagThroughForeignFindThroughOwn", func(t *testing.T) {
		if err := svc.TagResource(ctx, foreign["EmptyAccount"], map[string]string{"owner": "tf"}); err != nil {
			t.Fatalf("TagResource: %v", err)
		}
		if err := svc.UntagResource(ctx, foreign["OtherAccount"], []string{"team"}); err != nil {
			t.Fatalf("UntagResource: %v", err)
		}
		tags := must(svc.ListTagsForResource(ctx, own))
		if want := map[string]string{"owner": "tf"}; !maps.Equal(tags, want) {
			t.Errorf("tags under the server's own ARN = %v, want %v", tags, want)
		}
	})

	t.Run("NotAppConfig", func(t *testing.T) {
		arn := "arn:aws:s3:us-east-1::application/" + app.ID
		_, err := svc.ListTagsForResource(ctx, arn)
		if got := appconfigd.ErrorCodeOf(err); got != appconfigd.ENotFound {
			t.Errorf("ListTagsForResource(%s) = %v (code %v), want ENotFound", arn, err, got)
		}
	})

	t.Run("NotAnARN", func(t *testing.T) {
		for _, arn := range []string{"application/" + app.ID + "/xxxxxxxxxx", "arn::appconfig:us-east-1::application/" + app.ID} {
			_, err := svc.ListTagsForResource(ctx, arn)
			if got := appconfigd.ErrorCodeOf(err); got != appconfigd.EBadRequest {
				t.Errorf("ListTagsForResource(%s) = %v (code %v), want EBadRequest", arn, err, got)
			}
		}
	})

	t.Run("Strict", func(t *testing.T) {
		strict, _ := newServiceOn(t, svc.Store)
		strict.StrictARNs = true
		for name, arn := range foreign {
			_, err := strict.ListTagsForResource(ctx, arn)
			if got := appconfigd.ErrorCodeOf(err); got != appconfigd.ENotFound || !strings.Contains(err.Error(), "arn:aws:appconfig:us-east-1:000000000000:") {
				t.Errorf("%s: strict ListTagsForResource(%s) = %v, want ENotFound naming the server's ARN prefix", name, arn, err)
			}
		}
		if _, err := strict.ListTagsForResource(ctx, own); err != nil {
			t.Errorf("strict ListTagsForResource(%s): %v", own, err)
		}
	})
}
