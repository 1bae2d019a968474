package appconfigd_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/appconfigd/appconfigd"
)

// TestTaggingExtensions tags extension versions through their ARNs,
// extension/ID/VERSION (docs/WIRE.md §3.3): each version has its own tags,
// an ARN with another account names the same version, and a version or
// an ARN form that does not exist is refused.
func TestTaggingExtensions(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	v1 := must(svc.CreateExtension(ctx, customExtension("backup"), nil, map[string]string{"team": "core"}))
	latest := 1
	v2 := must(svc.CreateExtension(ctx, customExtension("backup"), &latest, nil))
	own := svc.ExtensionARN(v1)
	emptyAccount := "arn:aws:appconfig:us-east-1::extension/" + v1.ID + "/1"

	t.Run("TagsGivenAtCreation", func(t *testing.T) {
		for _, arn := range []string{own, emptyAccount} {
			tags, err := svc.ListTagsForResource(ctx, arn)
			if err != nil {
				t.Fatalf("ListTagsForResource(%s): %v", arn, err)
			}
			if want := map[string]string{"team": "core"}; !maps.Equal(tags, want) {
				t.Errorf("ListTagsForResource(%s) = %v, want %v", arn, tags, want)
			}
		}
	})

	t.Run("TagAndUntagOneVersion", func(t *testing.T) {
		arn := svc.ExtensionARN(v2)
		if err := svc.TagResource(ctx, arn, map[string]string{"owner": "tf", "tier": "1"}); err != nil {
			t.Fatalf("TagResource(%s): %v", arn, err)
		}
		if err := svc.UntagResource(ctx, arn, []string{"tier"}); err != nil {
			t.Fatalf("UntagResource(%s): %v", arn, err)
		}
		if got, want := must(svc.ListTagsForResource(ctx, arn)), map[string]string{"owner": "tf"}; !maps.Equal(got, want) {
			t.Errorf("tags of version 2 = %v, want %v", got, want)
		}
		if got, want := must(svc.ListTagsForResource(ctx, own)), map[string]string{"team": "core"}; !maps.Equal(got, want) {
			t.Errorf("tags of version 1 = %v, want %v: versions are tagged apart", got, want)
		}
	})

	t.Run("MissingVersion", func(t *testing.T) {
		arn := strings.TrimSuffix(own, "/1") + "/9"
		err := svc.TagResource(ctx, arn, map[string]string{"a": "b"})
		wantErrorCode(t, "TagResource of version 9", err, appconfigd.ENotFound)
		if e := (*appconfigd.Error)(nil); errors.As(err, &e) && e.ResourceName != arn {
			t.Errorf("ResourceName = %q, want the ARN sent, %q", e.ResourceName, arn)
		}
	})

	t.Run("ARNWithoutVersion", func(t *testing.T) {
		_, err := svc.ListTagsForResource(ctx, strings.TrimSuffix(own, "/1"))
		wantErrorCode(t, "ListTagsForResource without a version", err, appconfigd.EBadRequest, "extension")
	})

	t.Run("AWSOwned", func(t *testing.T) {
		strict, _ := newServiceOn(t, svc.Store)
		strict.StrictARNs = true
		arn := "arn:aws:appconfig:us-east-1::extension/AWS.AppConfig.FeatureFlags/1"
		for name, s := range map[string]*appconfigd.Service{"AnyAccount": svc, "StrictARNs": strict} {
			err := s.TagResource(ctx, arn, map[string]string{"a": "b"})
			wantErrorCode(t, name+": TagResource of an AWS-owned extension", err, appconfigd.EBadRequest, "AWS-authored")
			if got := must(s.GetExtension(ctx, arn, 0)); got.ID != appconfigd.ExtensionFeatureFlags {
				t.Errorf("%s: GetExtension(%s) = %s, want %s", name, arn, got.ID, appconfigd.ExtensionFeatureFlags)
			}
		}
		otherRegion := strings.Replace(arn, "us-east-1", "eu-west-1", 1)
		err := strict.TagResource(ctx, otherRegion, map[string]string{"a": "b"})
		wantErrorCode(t, "StrictARNs: TagResource of an AWS-owned extension in another region", err, appconfigd.ENotFound)
	})

	t.Run("DeletedWithTheVersion", func(t *testing.T) {
		arn := svc.ExtensionARN(v2)
		if err := svc.DeleteExtension(ctx, v2.ID, 2); err != nil {
			t.Fatalf("DeleteExtension: %v", err)
		}
		_, err := svc.ListTagsForResource(ctx, arn)
		wantErrorCode(t, "ListTagsForResource of a deleted version", err, appconfigd.ENotFound)
		if tags := storedTags(t, svc, arn); len(tags) != 0 {
			t.Errorf("stored tags of the deleted version = %v, want none", tags)
		}
	})
}

// TestTaggingExtensionAssociations tags an association through its ARN,
// extensionassociation/ID, including one with an empty account as the
// Terraform AWS provider builds it.
func TestTaggingExtensionAssociations(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	svc, _ := newService(t)
	app, _, _, _ := associationFixture(t, svc)
	a := must(svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{
		ExtensionIdentifier: "backup", ResourceIdentifier: svc.ApplicationARN(app.ID),
		Parameters: map[string]string{"bucket": "b"}, Tags: map[string]string{"team": "core"},
	}))
	emptyAccount := "arn:aws:appconfig:eu-west-1::extensionassociation/" + a.ID
	if err := svc.TagResource(ctx, emptyAccount, map[string]string{"owner": "tf"}); err != nil {
		t.Fatalf("TagResource(%s): %v", emptyAccount, err)
	}
	if err := svc.UntagResource(ctx, emptyAccount, []string{"team"}); err != nil {
		t.Fatalf("UntagResource(%s): %v", emptyAccount, err)
	}
	if got, want := must(svc.ListTagsForResource(ctx, svc.ExtensionAssociationARN(a.ID))), map[string]string{"owner": "tf"}; !maps.Equal(got, want) {
		t.Errorf("tags under the server's own ARN = %v, want %v", got, want)
	}

	_, err := svc.ListTagsForResource(ctx, "arn:aws:appconfig:us-east-1::extensionassociation/nothing")
	wantErrorCode(t, "ListTagsForResource of a missing association", err, appconfigd.ENotFound)
}

// TestDeletingAResourceDeletesItsAssociationTags deletes an application,
// an environment and a profile that have an association: the database
// deletes the association with its resource, and its tags must go too.
func TestDeletingAResourceDeletesItsAssociationTags(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		resource func(svc *appconfigd.Service, app *appconfigd.Application, env *appconfigd.Environment, p *appconfigd.ConfigurationProfile) string
		remove   func(t *testing.T, svc *appconfigd.Service, app *appconfigd.Application, env *appconfigd.Environment, p *appconfigd.ConfigurationProfile) error
	}{
		{
			name: "Application",
			resource: func(svc *appconfigd.Service, app *appconfigd.Application, _ *appconfigd.Environment, _ *appconfigd.ConfigurationProfile) string {
				return svc.ApplicationARN(app.ID)
			},
			remove: func(t *testing.T, svc *appconfigd.Service, app *appconfigd.Application, env *appconfigd.Environment, p *appconfigd.ConfigurationProfile) error {
				ctx := t.Context()
				if err := svc.DeleteEnvironment(ctx, app.ID, env.ID, appconfigd.DeletionProtectionAccountDefault); err != nil {
					t.Fatalf("DeleteEnvironment: %v", err)
				}
				if err := svc.DeleteConfigurationProfile(ctx, app.ID, p.ID, appconfigd.DeletionProtectionAccountDefault); err != nil {
					t.Fatalf("DeleteConfigurationProfile: %v", err)
				}
				return svc.DeleteApplication(ctx, app.ID)
			},
		},
		{
			name: "Environment",
			resource: func(svc *appconfigd.Service, app *appconfigd.Application, env *appconfigd.Environment, _ *appconfigd.ConfigurationProfile) string {
				return svc.EnvironmentARN(app.ID, env.ID)
			},
			remove: func(t *testing.T, svc *appconfigd.Service, app *appconfigd.Application, env *appconfigd.Environment, _ *appconfigd.ConfigurationProfile) error {
				return svc.DeleteEnvironment(t.Context(), app.ID, env.ID, appconfigd.DeletionProtectionAccountDefault)
			},
		},
		{
			name: "ConfigurationProfile",
			resource: func(svc *appconfigd.Service, app *appconfigd.Application, _ *appconfigd.Environment, p *appconfigd.ConfigurationProfile) string {
				return svc.ConfigurationProfileARN(app.ID, p.ID)
			},
			remove: func(t *testing.T, svc *appconfigd.Service, app *appconfigd.Application, _ *appconfigd.Environment, p *appconfigd.ConfigurationProfile) error {
				return svc.DeleteConfigurationProfile(t.Context(), app.ID, p.ID, appconfigd.DeletionProtectionAccountDefault)
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			svc, _ := newService(t)
			app, env, p, _ := associationFixture(t, svc)
			a := must(svc.CreateExtensionAssociation(ctx, appconfigd.CreateExtensionAssociationInput{
				ExtensionIdentifier: "backup", ResourceIdentifier: c.resource(svc, app, env, p),
				Parameters: map[string]string{"bucket": "b"}, Tags: map[string]string{"team": "core"},
			}))
			arn := svc.ExtensionAssociationARN(a.ID)
			if tags := storedTags(t, svc, arn); len(tags) != 1 {
				t.Fatalf("stored tags before the delete = %v, want the one given at creation", tags)
			}
			if err := c.remove(t, svc, app, env, p); err != nil {
				t.Fatalf("deleting the %s: %v", c.name, err)
			}
			if tags := storedTags(t, svc, arn); len(tags) != 0 {
				t.Errorf("stored tags of the association after deleting its %s = %v, want none", c.name, tags)
			}
		})
	}
}

// storedTags returns the tags stored under arn, read from the store
// itself: ListTagsForResource refuses the ARN of a resource that is gone.
func storedTags(t *testing.T, svc *appconfigd.Service, arn string) map[string]string {
	t.Helper()
	var tags map[string]string
	err := svc.Store.View(t.Context(), func(tx appconfigd.Tx) error {
		var err error
		tags, err = tx.FindTags(t.Context(), arn)
		return err
	})
	if err != nil {
		t.Fatalf("FindTags(%s): %v", arn, err)
	}
	return tags
}
