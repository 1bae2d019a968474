package conformance

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"
)

// extensionARN is the ARN of one version of a custom extension.
func extensionARN(id string, version int) string {
	return "arn:aws:appconfig:" + region + ":" + accountID + ":extension/" + id + "/" + strconv.Itoa(version)
}

// newExtensionInput is a CreateExtension request acting at deployment
// start, with a required and a dynamic parameter. Its action URL is port 1
// on the loopback address, which refuses at once: deployments in these
// tests run the action, and tests must not reach the network.
func newExtensionInput(name string) *appconfig.CreateExtensionInput {
	return &appconfig.CreateExtensionInput{
		Name:        aws.String(name),
		Description: aws.String("backs configurations up"),
		Actions: map[string][]types.Action{
			string(types.ActionPointOnDeploymentStart): {{Name: aws.String("notify"), Uri: aws.String("http://127.0.0.1:1/notify")}},
		},
		Parameters: map[string]types.Parameter{
			"bucket": {Required: true, Description: aws.String("where to")},
			"ticket": {Dynamic: true},
		},
		Tags: map[string]string{"team": "config"},
	}
}

func TestExtensions(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	c := ts.control

	created, err := c.CreateExtension(ctx(t), newExtensionInput("backup"))
	if err != nil {
		t.Fatalf("CreateExtension: %v", err)
	}
	checkSuccessStatus(t, created.ResultMetadata, http.StatusCreated)
	id := checkID(t, "CreateExtension Id", created.Id)
	if aws.ToString(created.Arn) != extensionARN(id, 1) || created.VersionNumber != 1 || !created.Parameters["bucket"].Required ||
		aws.ToString(created.Actions["ON_DEPLOYMENT_START"][0].Uri) != "http://127.0.0.1:1/notify" {
		t.Errorf("CreateExtension = %+v, want version 1 with its ARN, actions and parameters", created)
	}

	t.Run("CreateErrors", func(t *testing.T) {
		_, err := c.CreateExtension(ctx(t), newExtensionInput("backup"))
		asError[*types.ConflictException](t, err)
		bad := newExtensionInput("bad")
		bad.Actions = map[string][]types.Action{"ON_DEPLOYMENT_START": {{Name: aws.String("a"), Uri: aws.String("ftp://x")}}}
		_, err = c.CreateExtension(ctx(t), bad)
		asError[*types.BadRequestException](t, err)
	})

	v2in := newExtensionInput("backup")
	v2in.LatestVersionNumber = aws.Int32(1)
	v2, err := c.CreateExtension(ctx(t), v2in)
	if err != nil || v2.VersionNumber != 2 || aws.ToString(v2.Id) != id {
		t.Fatalf("CreateExtension with LatestVersionNumber 1 = %+v, %v; want version 2 of %s", v2, err, id)
	}

	t.Run("Get", func(t *testing.T) {
		got, err := c.GetExtension(ctx(t), &appconfig.GetExtensionInput{ExtensionIdentifier: aws.String(extensionARN(id, 1))})
		if err != nil || got.VersionNumber != 1 || aws.ToString(got.Name) != "backup" {
			t.Errorf("GetExtension(ARN of version 1) = %+v, %v", got, err)
		}
		got, err = c.GetExtension(ctx(t), &appconfig.GetExtensionInput{ExtensionIdentifier: aws.String("backup")})
		if err != nil || got.VersionNumber != 2 {
			t.Errorf("GetExtension(name) = %+v, %v; want the latest version", got, err)
		}
		_, err = c.GetExtension(ctx(t), &appconfig.GetExtensionInput{ExtensionIdentifier: aws.String("backup"), VersionNumber: aws.Int32(5)})
		asError[*types.ResourceNotFoundException](t, err)
		flags, err := c.GetExtension(ctx(t), &appconfig.GetExtensionInput{ExtensionIdentifier: aws.String("AWS.AppConfig.FeatureFlags")})
		if err != nil || aws.ToString(flags.Arn) != "arn:aws:appconfig:"+region+"::extension/AWS.AppConfig.FeatureFlags/1" {
			t.Errorf("GetExtension(AWS.AppConfig.FeatureFlags) = %+v, %v", flags, err)
		}
	})

	t.Run("ListWithPaginator", func(t *testing.T) {
		var ids []string
		p := appconfig.NewListExtensionsPaginator(c, &appconfig.ListExtensionsInput{MaxResults: aws.Int32(2)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatalf("ListExtensions: %v", err)
			}
			for _, e := range page.Items {
				ids = append(ids, aws.ToString(e.Id))
			}
		}
		want := []string{id, "AWS.AppConfig.FeatureFlags", "AWS.AppConfig.JiraIntegration",
			"AWS.AppConfig.DeploymentNotificationsToEventBridge", "AWS.AppConfig.DeploymentNotificationsToSqs", "AWS.AppConfig.DeploymentNotificationsToSns"}
		if len(ids) != len(want) {
			t.Fatalf("ListExtensions = %v, want %v", ids, want)
		}
		for i := range want {
			if ids[i] != want[i] {
				t.Errorf("ListExtensions item %d = %s, want %s", i, ids[i], want[i])
			}
		}
	})

	t.Run("Update", func(t *testing.T) {
		out, err := c.UpdateExtension(ctx(t), &appconfig.UpdateExtensionInput{
			ExtensionIdentifier: aws.String(id), VersionNumber: aws.Int32(1), Description: aws.String("first"),
		})
		if err != nil || out.VersionNumber != 1 || aws.ToString(out.Description) != "first" {
			t.Errorf("UpdateExtension(version 1) = %+v, %v", out, err)
		}
		_, err = c.UpdateExtension(ctx(t), &appconfig.UpdateExtensionInput{ExtensionIdentifier: aws.String("AWS.AppConfig.FeatureFlags"), Description: aws.String("x")})
		asError[*types.BadRequestException](t, err)
	})

	t.Run("Delete", func(t *testing.T) {
		if _, err := c.DeleteExtension(ctx(t), &appconfig.DeleteExtensionInput{ExtensionIdentifier: aws.String("backup"), VersionNumber: aws.Int32(2)}); err != nil {
			t.Fatalf("DeleteExtension(version 2): %v", err)
		}
		_, err := c.GetExtension(ctx(t), &appconfig.GetExtensionInput{ExtensionIdentifier: aws.String("backup"), VersionNumber: aws.Int32(2)})
		asError[*types.ResourceNotFoundException](t, err)
		_, err = c.DeleteExtension(ctx(t), &appconfig.DeleteExtensionInput{ExtensionIdentifier: aws.String("nothing")})
		asError[*types.ResourceNotFoundException](t, err)
	})
}

func TestExtensionAssociations(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	c := ts.control
	app := createApplication(t, c, "app")
	env := createEnvironment(t, c, app, "env")
	profile := createProfile(t, c, app, "cfg")
	createVersion(t, c, app, profile, []byte(`{"a":1}`), "application/json", "")
	ext, err := c.CreateExtension(ctx(t), newExtensionInput("backup"))
	if err != nil {
		t.Fatalf("CreateExtension: %v", err)
	}
	extID := aws.ToString(ext.Id)

	t.Run("CreateErrors", func(t *testing.T) {
		cases := []struct {
			name string
			in   *appconfig.CreateExtensionAssociationInput
			want func(error)
		}{
			{"MissingRequiredParameter", &appconfig.CreateExtensionAssociationInput{ExtensionIdentifier: aws.String("backup"), ResourceIdentifier: aws.String(applicationARN(app))},
				func(err error) { asError[*types.BadRequestException](t, err) }},
			{"MissingApplication", &appconfig.CreateExtensionAssociationInput{ExtensionIdentifier: aws.String("backup"), ResourceIdentifier: aws.String(applicationARN("nothing")), Parameters: map[string]string{"bucket": "b"}},
				func(err error) { asError[*types.ResourceNotFoundException](t, err) }},
			{"AWSOwnedNeedingSQS", &appconfig.CreateExtensionAssociationInput{ExtensionIdentifier: aws.String("AWS.AppConfig.DeploymentNotificationsToSqs"), ResourceIdentifier: aws.String(applicationARN(app)), Parameters: map[string]string{"queueArn": "arn:aws:sqs:us-east-1:111122223333:q"}},
				func(err error) { asError[*types.BadRequestException](t, err) }},
		}
		for _, tc := range cases {
			_, err := c.CreateExtensionAssociation(ctx(t), tc.in)
			tc.want(err)
		}
	})

	// Terraform builds resource ARNs with an empty account, and must read
	// back the ARN it sent.
	envARNWithoutAccount := "arn:aws:appconfig:" + region + "::application/" + app + "/environment/" + env
	created, err := c.CreateExtensionAssociation(ctx(t), &appconfig.CreateExtensionAssociationInput{
		ExtensionIdentifier: aws.String(extensionARN(extID, 1)),
		ResourceIdentifier:  aws.String(envARNWithoutAccount),
		Parameters:          map[string]string{"bucket": "b"},
		Tags:                map[string]string{"team": "config"},
	})
	if err != nil {
		t.Fatalf("CreateExtensionAssociation: %v", err)
	}
	checkSuccessStatus(t, created.ResultMetadata, http.StatusCreated)
	assocID := checkID(t, "CreateExtensionAssociation Id", created.Id)
	if aws.ToString(created.ExtensionArn) != extensionARN(extID, 1) || aws.ToString(created.ResourceArn) != envARNWithoutAccount ||
		aws.ToString(created.Arn) != "arn:aws:appconfig:"+region+":"+accountID+":extensionassociation/"+assocID || created.ExtensionVersionNumber != 1 {
		t.Errorf("CreateExtensionAssociation = %+v", created)
	}
	flags, err := c.CreateExtensionAssociation(ctx(t), &appconfig.CreateExtensionAssociationInput{
		ExtensionIdentifier: aws.String("AWS.AppConfig.FeatureFlags"), ResourceIdentifier: aws.String(profileARN(app, profile)),
	})
	if err != nil {
		t.Fatalf("associating AWS.AppConfig.FeatureFlags: %v", err)
	}

	t.Run("GetUpdateList", func(t *testing.T) {
		got, err := c.GetExtensionAssociation(ctx(t), &appconfig.GetExtensionAssociationInput{ExtensionAssociationId: aws.String(assocID)})
		if err != nil || got.Parameters["bucket"] != "b" {
			t.Errorf("GetExtensionAssociation = %+v, %v", got, err)
		}
		_, err = c.GetExtensionAssociation(ctx(t), &appconfig.GetExtensionAssociationInput{ExtensionAssociationId: aws.String("nothing")})
		asError[*types.ResourceNotFoundException](t, err)
		updated, err := c.UpdateExtensionAssociation(ctx(t), &appconfig.UpdateExtensionAssociationInput{
			ExtensionAssociationId: aws.String(assocID), Parameters: map[string]string{"bucket": "new"},
		})
		if err != nil || updated.Parameters["bucket"] != "new" {
			t.Errorf("UpdateExtensionAssociation = %+v, %v", updated, err)
		}
		_, err = c.UpdateExtensionAssociation(ctx(t), &appconfig.UpdateExtensionAssociationInput{
			ExtensionAssociationId: aws.String(assocID), Parameters: map[string]string{"unknown": "x", "bucket": "b"},
		})
		asError[*types.BadRequestException](t, err)

		all, err := c.ListExtensionAssociations(ctx(t), &appconfig.ListExtensionAssociationsInput{})
		if err != nil || len(all.Items) != 2 {
			t.Errorf("ListExtensionAssociations = %+v, %v; want both", all, err)
		}
		onEnv, err := c.ListExtensionAssociations(ctx(t), &appconfig.ListExtensionAssociationsInput{
			ResourceIdentifier: aws.String(environmentARN(app, env)), ExtensionIdentifier: aws.String("backup"), ExtensionVersionNumber: aws.Int32(1),
		})
		if err != nil || len(onEnv.Items) != 1 || aws.ToString(onEnv.Items[0].Id) != assocID {
			t.Errorf("ListExtensionAssociations(environment, backup, 1) = %+v, %v", onEnv, err)
		}
	})

	t.Run("StartDeploymentRecordsAppliedExtensions", func(t *testing.T) {
		_, err := c.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
			ApplicationId: aws.String(app), EnvironmentId: aws.String(env), DeploymentStrategyId: aws.String("AppConfig.AllAtOnce"),
			ConfigurationProfileId: aws.String(profile), ConfigurationVersion: aws.String("1"),
			DynamicExtensionParameters: map[string]string{"backup#bucket": "not dynamic"},
		})
		asError[*types.BadRequestException](t, err)
		d, err := c.StartDeployment(ctx(t), &appconfig.StartDeploymentInput{
			ApplicationId: aws.String(app), EnvironmentId: aws.String(env), DeploymentStrategyId: aws.String("AppConfig.AllAtOnce"),
			ConfigurationProfileId: aws.String(profile), ConfigurationVersion: aws.String("1"),
			DynamicExtensionParameters: map[string]string{"backup#ticket": "T-1"},
		})
		if err != nil {
			t.Fatalf("StartDeployment: %v", err)
		}
		got, err := c.GetDeployment(ctx(t), &appconfig.GetDeploymentInput{ApplicationId: aws.String(app), EnvironmentId: aws.String(env), DeploymentNumber: aws.Int32(d.DeploymentNumber)})
		if err != nil {
			t.Fatalf("GetDeployment: %v", err)
		}
		if len(got.AppliedExtensions) != 1 {
			t.Fatalf("AppliedExtensions = %+v, want the backup extension only (the feature flags one has no deployment action)", got.AppliedExtensions)
		}
		a := got.AppliedExtensions[0]
		if aws.ToString(a.ExtensionId) != extID || aws.ToString(a.ExtensionAssociationId) != assocID || a.VersionNumber != 1 ||
			a.Parameters["bucket"] != "new" || a.Parameters["ticket"] != "T-1" {
			t.Errorf("AppliedExtension = %+v, want backup version 1 with bucket=new and ticket=T-1", a)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		_, err := c.DeleteExtension(ctx(t), &appconfig.DeleteExtensionInput{ExtensionIdentifier: aws.String("backup")})
		asError[*types.BadRequestException](t, err)
		if _, err := c.DeleteExtensionAssociation(ctx(t), &appconfig.DeleteExtensionAssociationInput{ExtensionAssociationId: aws.String(assocID)}); err != nil {
			t.Fatalf("DeleteExtensionAssociation: %v", err)
		}
		_, err = c.DeleteExtensionAssociation(ctx(t), &appconfig.DeleteExtensionAssociationInput{ExtensionAssociationId: aws.String(assocID)})
		asError[*types.ResourceNotFoundException](t, err)
		if _, err := c.DeleteExtension(ctx(t), &appconfig.DeleteExtensionInput{ExtensionIdentifier: aws.String("backup")}); err != nil {
			t.Errorf("DeleteExtension after its association went: %v", err)
		}
		if _, err := c.DeleteExtensionAssociation(ctx(t), &appconfig.DeleteExtensionAssociationInput{ExtensionAssociationId: flags.Id}); err != nil {
			t.Errorf("DeleteExtensionAssociation(feature flags): %v", err)
		}
	})
}

func TestExtensionsWithAWSCLI(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	cli := newAWSCLI(t, ts.url)
	out := cli.run(t, "appconfig", "create-extension", "--name", "cli-ext",
		"--actions", `{"ON_DEPLOYMENT_COMPLETE":[{"Name":"done","Uri":"http://127.0.0.1:1/done"}]}`,
		"--parameters", `{"channel":{"Required":true}}`)
	id := stringField(t, "create-extension", out, "Id")
	checkFields(t, "create-extension", out, map[string]any{"Name": "cli-ext", "VersionNumber": 1.0, "Arn": extensionARN(id, 1)})
	out = cli.run(t, "appconfig", "list-extensions", "--name", "cli-ext")
	items, _ := out["Items"].([]any)
	if len(items) != 1 {
		t.Fatalf("list-extensions --name cli-ext = %v, want the extension", out)
	}
	checkFields(t, "list-extensions item", items[0].(map[string]any), map[string]any{"Id": id, "Name": "cli-ext"})
}
