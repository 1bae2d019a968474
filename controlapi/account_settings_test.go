package controlapi

import (
	"net/http"
	"testing"

	"github.com/appconfigd/appconfigd"
)

func TestGetAccountSettings(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t)
	rec := e.do("GET", "/settings", "")
	wantStatus(t, rec, http.StatusOK)
	if got, want := rec.Body.String(), `{"DeletionProtection":{"Enabled":false,"ProtectionPeriodInMinutes":60},"VendedMetrics":{"Enabled":false}}`; got != want {
		t.Errorf("body = %s, want %s", got, want)
	}
}

func TestUpdateAccountSettings(t *testing.T) {
	t.Parallel()

	t.Run("ChangesAndAnswersTheSettings", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		const want = `{"DeletionProtection":{"Enabled":true,"ProtectionPeriodInMinutes":30},"VendedMetrics":{"Enabled":false}}`
		rec := e.do("PATCH", "/settings", `{"DeletionProtection":{"Enabled":true,"ProtectionPeriodInMinutes":30},"VendedMetrics":{"Enabled":false}}`)
		wantStatus(t, rec, http.StatusOK)
		if got := rec.Body.String(); got != want {
			t.Errorf("PATCH body = %s, want %s", got, want)
		}
		if got := e.do("GET", "/settings", "").Body.String(); got != want {
			t.Errorf("GET body after PATCH = %s, want %s", got, want)
		}
	})

	t.Run("EmptyBodyChangesNothing", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		rec := e.do("PATCH", "/settings", "")
		wantStatus(t, rec, http.StatusOK)
		if got, want := rec.Body.String(), `{"DeletionProtection":{"Enabled":false,"ProtectionPeriodInMinutes":60},"VendedMetrics":{"Enabled":false}}`; got != want {
			t.Errorf("body = %s, want %s", got, want)
		}
	})

	t.Run("BadInputNamesTheMember", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		for body, member := range map[string]string{
			`{"DeletionProtection":{"ProtectionPeriodInMinutes":14}}`:   "ProtectionPeriodInMinutes",
			`{"DeletionProtection":{"ProtectionPeriodInMinutes":1441}}`: "ProtectionPeriodInMinutes",
			`{"DeletionProtection":{"Enabled":"yes"}}`:                  "Enabled",
			`{"VendedMetrics":{"Enabled":true}}`:                        "VendedMetrics",
		} {
			wantBadRequestNaming(t, e.do("PATCH", "/settings", body), member)
		}
	})

	t.Run("ReaderIsDenied", func(t *testing.T) {
		t.Parallel()
		e := newTestEnv(t)
		e.signedBy("AKIDREADER", "web", appconfigd.RoleReader)
		wantError(t, e.do("PATCH", "/settings", `{"DeletionProtection":{"Enabled":true}}`), http.StatusForbidden, "AccessDeniedException")
	})
}
