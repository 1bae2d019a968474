package awsjson_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/adminapi"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/controlapi"
	"github.com/appconfigd/appconfigd/dataapi"
)

// TestSurfacesAgree: the errors every surface can meet (authentication,
// throttling, database trouble, bad input, server faults) are answered
// with the same exception and status on the control plane, the data plane
// and the admin API; only the codes the control plane alone models differ.
// Each surface keeps its own table, so this is what keeps them in step.
func TestSurfacesAgree(t *testing.T) {
	t.Parallel()
	type surface struct {
		name   string
		routes func(auth.Authenticator) []awsjson.Route
		path   string
	}
	surfaces := []surface{
		{"ControlPlane", func(a auth.Authenticator) []awsjson.Route { return (&controlapi.Server{Auth: a}).Routes() }, "/applications"},
		{"DataPlane", func(a auth.Authenticator) []awsjson.Route { return (&dataapi.Server{Auth: a}).Routes() }, "/configuration?configuration_token=t"},
		{"AdminAPI", func(a auth.Authenticator) []awsjson.Route { return (&adminapi.Server{Auth: a}).Routes() }, "/admin/alarms"},
	}
	controlOnly := map[appconfigd.ErrorCode]bool{appconfigd.EConflict: true, appconfigd.EServiceQuotaExceeded: true}
	for _, code := range []appconfigd.ErrorCode{
		appconfigd.EBadRequest, appconfigd.ENotFound, appconfigd.EConflict, appconfigd.EServiceQuotaExceeded,
		appconfigd.EPayloadTooLarge, appconfigd.EThrottling, appconfigd.EAccessDenied,
		appconfigd.EMissingAuthentication, appconfigd.EUnrecognizedClient, appconfigd.EInvalidSignature,
		appconfigd.EUnavailable, appconfigd.EInternal,
	} {
		t.Run(string(code), func(t *testing.T) {
			t.Parallel()
			refuse := authFunc(func(*http.Request) (appconfigd.Principal, error) {
				return appconfigd.Principal{}, appconfigd.Errorf(code, "refused")
			})
			answers := make(map[string]string)
			for _, s := range surfaces {
				rec := httptest.NewRecorder()
				awsjson.NewRouter(s.routes(refuse)).ServeHTTP(rec, httptest.NewRequest("GET", s.path, nil))
				answers[s.name] = http.StatusText(rec.Code) + " " + rec.Header().Get("X-Amzn-ErrorType")
			}
			want := answers["ControlPlane"]
			if controlOnly[code] {
				want = "Internal Server Error InternalServerException"
			}
			for _, s := range surfaces[1:] {
				if answers[s.name] != want {
					t.Errorf("%s answers %q, want %q (the control plane answers %q)", s.name, answers[s.name], want, answers["ControlPlane"])
				}
			}
		})
	}
}
