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

const jsonSchema = `{"$schema":"http://json-schema.org/draft-04/schema#","type":"object"}`

const lambdaARN = "arn:aws:lambda:us-east-1:123456789012:function:validate"

func TestCreateConfigurationProfile(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name       string
		typ        *string
		validators []types.Validator
	}{
		{"Freeform", aws.String("AWS.Freeform"), []types.Validator{{Type: types.ValidatorTypeJsonSchema, Content: aws.String(jsonSchema)}}},
		{"FeatureFlags", aws.String("AWS.AppConfig.FeatureFlags"), nil},
		{"TwoValidators", aws.String("AWS.Freeform"), []types.Validator{
			{Type: types.ValidatorTypeJsonSchema, Content: aws.String(jsonSchema)},
			{Type: types.ValidatorTypeLambda, Content: aws.String(lambdaARN)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := startServer(t)
			app := createApplication(t, ts.control, "app")
			out, err := ts.control.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
				ApplicationId: aws.String(app),
				Name:          aws.String("settings"),
				Description:   aws.String("Service settings"),
				LocationUri:   aws.String("hosted"),
				Type:          tt.typ,
				Validators:    tt.validators,
				Tags:          map[string]string{"k": "v"},
			})
			if err != nil {
				t.Fatalf("CreateConfigurationProfile: %v", err)
			}
			checkSuccessStatus(t, out.ResultMetadata, http.StatusCreated)
			id := checkID(t, "Id", out.Id)
			want := profileWant{app: app, id: id, name: "settings", description: "Service settings", typ: aws.ToString(tt.typ), validators: tt.validators}
			want.check(t, "CreateConfigurationProfile", out.ApplicationId, out.Id, out.Name, out.Description, out.LocationUri, out.Type, out.Validators)

			got, err := ts.control.GetConfigurationProfile(ctx(t), &appconfig.GetConfigurationProfileInput{ApplicationId: aws.String(app), ConfigurationProfileId: aws.String(id)})
			if err != nil {
				t.Fatalf("GetConfigurationProfile: %v", err)
			}
			want.check(t, "GetConfigurationProfile", got.ApplicationId, got.Id, got.Name, got.Description, got.LocationUri, got.Type, got.Validators)
		})
	}

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		app := createApplication(t, ts.control, "app")
		schema := types.Validator{Type: types.ValidatorTypeJsonSchema, Content: aws.String(jsonSchema)}
		tests := []struct {
			name string
			in   appconfig.CreateConfigurationProfileInput
		}{
			{"NameTooLong", appconfig.CreateConfigurationProfileInput{Name: aws.String(strings.Repeat("p", 129)), LocationUri: aws.String("hosted")}},
			{"NotHosted", appconfig.CreateConfigurationProfileInput{Name: aws.String("p"), LocationUri: aws.String("s3://bucket/key")}},
			{"UnknownType", appconfig.CreateConfigurationProfileInput{Name: aws.String("p"), LocationUri: aws.String("hosted"), Type: aws.String("Custom.Type")}},
			{"ThreeValidators", appconfig.CreateConfigurationProfileInput{Name: aws.String("p"), LocationUri: aws.String("hosted"), Validators: []types.Validator{schema, schema, schema}}},
			{"SchemaNotJSON", appconfig.CreateConfigurationProfileInput{Name: aws.String("p"), LocationUri: aws.String("hosted"), Validators: []types.Validator{{Type: types.ValidatorTypeJsonSchema, Content: aws.String("{not json")}}}},
			{"BadRetrievalRoleArn", appconfig.CreateConfigurationProfileInput{Name: aws.String("p"), LocationUri: aws.String("hosted"), RetrievalRoleArn: aws.String("arn:aws:s3:::not-a-role")}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.in.ApplicationId = aws.String(app)
				_, err := ts.control.CreateConfigurationProfile(ctx(t), &tt.in)
				asError[*types.BadRequestException](t, err)
			})
		}
	})

	t.Run("NameOfMaximumLength", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		app := createApplication(t, ts.control, "app")
		createProfile(t, ts.control, app, strings.Repeat("p", 128))
	})

	t.Run("UnknownApplication", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		_, err := ts.control.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
			ApplicationId: aws.String("nosuch1"),
			Name:          aws.String("p"),
			LocationUri:   aws.String("hosted"),
		})
		asError[*types.ResourceNotFoundException](t, err)
	})

	t.Run("QuotaExceeded", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t, withLimits(func(l *appconfigd.Limits) { l.ProfilesPerApplication = 2 }))
		app := createApplication(t, ts.control, "app")
		createProfile(t, ts.control, app, "one")
		createProfile(t, ts.control, app, "two")
		_, err := ts.control.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
			ApplicationId: aws.String(app),
			Name:          aws.String("three"),
			LocationUri:   aws.String("hosted"),
		})
		asError[*types.ServiceQuotaExceededException](t, err)
		checkStatus(t, err, http.StatusPaymentRequired)
	})
}

// profileWant is what a profile's outputs should say.
type profileWant struct {
	app, id, name, description, typ string
	validators                      []types.Validator
}

func (w profileWant) check(t *testing.T, op string, app, id, name, description, location, typ *string, validators []types.Validator) {
	t.Helper()
	for _, f := range []struct {
		member    string
		got, want string
	}{
		{"ApplicationId", aws.ToString(app), w.app},
		{"Id", aws.ToString(id), w.id},
		{"Name", aws.ToString(name), w.name},
		{"Description", aws.ToString(description), w.description},
		{"LocationUri", aws.ToString(location), "hosted"},
		{"Type", aws.ToString(typ), w.typ},
	} {
		if f.got != f.want {
			t.Errorf("%s %s = %q; want %q", op, f.member, f.got, f.want)
		}
	}
	if len(validators) != len(w.validators) {
		t.Fatalf("%s Validators = %+v; want %d validators", op, validators, len(w.validators))
	}
	for i, v := range validators {
		if v.Type != w.validators[i].Type || aws.ToString(v.Content) != aws.ToString(w.validators[i].Content) {
			t.Errorf("%s Validators[%d] = {%s %q}; want {%s %q}", op, i, v.Type, aws.ToString(v.Content), w.validators[i].Type, aws.ToString(w.validators[i].Content))
		}
	}
}

func TestGetConfigurationProfile(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	app := createApplication(t, ts.control, "app")
	id := createProfile(t, ts.control, app, "settings")

	t.Run("ByNames", func(t *testing.T) {
		t.Parallel()
		out, err := ts.control.GetConfigurationProfile(ctx(t), &appconfig.GetConfigurationProfileInput{ApplicationId: aws.String("app"), ConfigurationProfileId: aws.String("settings")})
		if err != nil {
			t.Fatalf("GetConfigurationProfile by names: %v", err)
		}
		if got := aws.ToString(out.Id); got != id {
			t.Errorf("Id = %q; want %q", got, id)
		}
	})

	t.Run("Unknown", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.GetConfigurationProfile(ctx(t), &appconfig.GetConfigurationProfileInput{ApplicationId: aws.String(app), ConfigurationProfileId: aws.String("nosuch1")})
		nf := asError[*types.ResourceNotFoundException](t, err)
		checkStatus(t, err, http.StatusNotFound)
		if got, want := aws.ToString(nf.ResourceName), "nosuch1"; got != want {
			t.Errorf("ResourceName = %q; want %q", got, want)
		}
	})
}

func TestUpdateConfigurationProfile(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	app := createApplication(t, ts.control, "app")
	created, err := ts.control.CreateConfigurationProfile(ctx(t), &appconfig.CreateConfigurationProfileInput{
		ApplicationId: aws.String(app),
		Name:          aws.String("before"),
		LocationUri:   aws.String("hosted"),
		Type:          aws.String("AWS.AppConfig.FeatureFlags"),
	})
	if err != nil {
		t.Fatalf("CreateConfigurationProfile: %v", err)
	}
	id := aws.ToString(created.Id)
	validators := []types.Validator{{Type: types.ValidatorTypeJsonSchema, Content: aws.String(jsonSchema)}}

	out, err := ts.control.UpdateConfigurationProfile(ctx(t), &appconfig.UpdateConfigurationProfileInput{
		ApplicationId:          aws.String(app),
		ConfigurationProfileId: aws.String(id),
		Name:                   aws.String("after"),
		Description:            aws.String("changed"),
		Validators:             validators,
	})
	if err != nil {
		t.Fatalf("UpdateConfigurationProfile: %v", err)
	}
	checkSuccessStatus(t, out.ResultMetadata, http.StatusOK)
	want := profileWant{app: app, id: id, name: "after", description: "changed", typ: "AWS.AppConfig.FeatureFlags", validators: validators}
	want.check(t, "UpdateConfigurationProfile", out.ApplicationId, out.Id, out.Name, out.Description, out.LocationUri, out.Type, out.Validators)

	// Absent members stay as they are.
	out, err = ts.control.UpdateConfigurationProfile(ctx(t), &appconfig.UpdateConfigurationProfileInput{
		ApplicationId:          aws.String(app),
		ConfigurationProfileId: aws.String(id),
		Description:            aws.String("again"),
	})
	if err != nil {
		t.Fatalf("UpdateConfigurationProfile(Description only): %v", err)
	}
	want.description = "again"
	want.check(t, "UpdateConfigurationProfile", out.ApplicationId, out.Id, out.Name, out.Description, out.LocationUri, out.Type, out.Validators)

	t.Run("Unknown", func(t *testing.T) {
		_, err := ts.control.UpdateConfigurationProfile(ctx(t), &appconfig.UpdateConfigurationProfileInput{
			ApplicationId:          aws.String(app),
			ConfigurationProfileId: aws.String("nosuch1"),
			Name:                   aws.String("x"),
		})
		asError[*types.ResourceNotFoundException](t, err)
	})

	t.Run("NameTooLong", func(t *testing.T) {
		_, err := ts.control.UpdateConfigurationProfile(ctx(t), &appconfig.UpdateConfigurationProfileInput{
			ApplicationId:          aws.String(app),
			ConfigurationProfileId: aws.String(id),
			Name:                   aws.String(strings.Repeat("x", 129)),
		})
		asError[*types.BadRequestException](t, err)
	})
}

func TestDeleteConfigurationProfile(t *testing.T) {
	t.Parallel()

	t.Run("Empty", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		app := createApplication(t, ts.control, "app")
		id := createProfile(t, ts.control, app, "settings")
		out, err := ts.control.DeleteConfigurationProfile(ctx(t), &appconfig.DeleteConfigurationProfileInput{ApplicationId: aws.String(app), ConfigurationProfileId: aws.String(id)})
		if err != nil {
			t.Fatalf("DeleteConfigurationProfile: %v", err)
		}
		checkSuccessStatus(t, out.ResultMetadata, http.StatusNoContent)
		_, err = ts.control.GetConfigurationProfile(ctx(t), &appconfig.GetConfigurationProfileInput{ApplicationId: aws.String(app), ConfigurationProfileId: aws.String(id)})
		asError[*types.ResourceNotFoundException](t, err)
	})

	// Deleting a profile that still has hosted versions is refused
	// (docs/WIRE.md §6 Q9 leaves it open; appconfigd chose BadRequestException).
	t.Run("WithHostedVersions", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		app := createApplication(t, ts.control, "app")
		id := createProfile(t, ts.control, app, "settings")
		createVersion(t, ts.control, app, id, []byte("x"), "text/plain", "")
		_, err := ts.control.DeleteConfigurationProfile(ctx(t), &appconfig.DeleteConfigurationProfileInput{ApplicationId: aws.String(app), ConfigurationProfileId: aws.String(id)})
		asError[*types.BadRequestException](t, err)
		if _, err := ts.control.GetConfigurationProfile(ctx(t), &appconfig.GetConfigurationProfileInput{ApplicationId: aws.String(app), ConfigurationProfileId: aws.String(id)}); err != nil {
			t.Errorf("after the refused delete, GetConfigurationProfile: %v; want the profile", err)
		}
	})

	t.Run("Unknown", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t)
		app := createApplication(t, ts.control, "app")
		_, err := ts.control.DeleteConfigurationProfile(ctx(t), &appconfig.DeleteConfigurationProfileInput{ApplicationId: aws.String(app), ConfigurationProfileId: aws.String("nosuch1")})
		asError[*types.ResourceNotFoundException](t, err)
	})
}

func TestListConfigurationProfiles(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	app := createApplication(t, ts.control, "app")
	var all, flags []string
	for i, typ := range []string{"AWS.Freeform", "AWS.AppConfig.FeatureFlags", "AWS.Freeform", "AWS.AppConfig.FeatureFlags", "AWS.Freeform"} {
		in := &appconfig.CreateConfigurationProfileInput{
			ApplicationId: aws.String(app),
			Name:          aws.String("p" + string(rune('0'+i))),
			LocationUri:   aws.String("hosted"),
			Type:          aws.String(typ),
		}
		if i == 0 {
			in.Validators = []types.Validator{{Type: types.ValidatorTypeJsonSchema, Content: aws.String(jsonSchema)}}
		}
		out, err := ts.control.CreateConfigurationProfile(ctx(t), in)
		if err != nil {
			t.Fatalf("CreateConfigurationProfile: %v", err)
		}
		all = append(all, aws.ToString(out.Id))
		if typ == "AWS.AppConfig.FeatureFlags" {
			flags = append(flags, aws.ToString(out.Id))
		}
	}

	list := func(t *testing.T, typ *string) []types.ConfigurationProfileSummary {
		t.Helper()
		p := appconfig.NewListConfigurationProfilesPaginator(ts.control, &appconfig.ListConfigurationProfilesInput{
			ApplicationId: aws.String(app),
			MaxResults:    aws.Int32(2),
			Type:          typ,
		})
		var items []types.ConfigurationProfileSummary
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatalf("NextPage: %v", err)
			}
			if len(page.Items) > 2 {
				t.Errorf("page of %d items; want at most MaxResults 2", len(page.Items))
			}
			items = append(items, page.Items...)
		}
		return items
	}
	ids := func(items []types.ConfigurationProfileSummary) string {
		var s []string
		for _, it := range items {
			s = append(s, aws.ToString(it.Id))
		}
		return strings.Join(s, ",")
	}

	t.Run("All", func(t *testing.T) {
		t.Parallel()
		items := list(t, nil)
		if got, want := ids(items), strings.Join(all, ","); got != want {
			t.Errorf("IDs = %s; want %s", got, want)
		}
		if len(items) == 0 {
			return
		}
		first := items[0]
		if aws.ToString(first.ApplicationId) != app || aws.ToString(first.Name) != "p0" || aws.ToString(first.LocationUri) != "hosted" || aws.ToString(first.Type) != "AWS.Freeform" {
			t.Errorf("Items[0] = {ApplicationId %q Name %q LocationUri %q Type %q}; want {%s p0 hosted AWS.Freeform}",
				aws.ToString(first.ApplicationId), aws.ToString(first.Name), aws.ToString(first.LocationUri), aws.ToString(first.Type), app)
		}
		if len(first.ValidatorTypes) != 1 || first.ValidatorTypes[0] != types.ValidatorTypeJsonSchema {
			t.Errorf("Items[0].ValidatorTypes = %v; want [JSON_SCHEMA]", first.ValidatorTypes)
		}
	})

	t.Run("FilterByType", func(t *testing.T) {
		t.Parallel()
		if got, want := ids(list(t, aws.String("AWS.AppConfig.FeatureFlags"))), strings.Join(flags, ","); got != want {
			t.Errorf("feature flag profile IDs = %s; want %s", got, want)
		}
	})

	t.Run("UnknownApplication", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.ListConfigurationProfiles(ctx(t), &appconfig.ListConfigurationProfilesInput{ApplicationId: aws.String("nosuch1")})
		asError[*types.ResourceNotFoundException](t, err)
	})

	t.Run("MaxResults0", func(t *testing.T) {
		t.Parallel()
		_, err := ts.control.ListConfigurationProfiles(ctx(t), &appconfig.ListConfigurationProfilesInput{ApplicationId: aws.String(app), MaxResults: aws.Int32(0)})
		asError[*types.BadRequestException](t, err)
	})
}
