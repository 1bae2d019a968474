package auth

import (
	"net/http"

	"github.com/appconfigd/appconfigd"
)

// Names of the sign-in form's fields that FormCredentials reads.
const (
	FormAccessKeyID     = "access_key_id"
	FormSecretAccessKey = "secret_access_key"
)

// FormCredentials accepts an access key ID and its secret posted in a
// form, as the web console's sign-in page sends them (docs/CONSOLE.md,
// "Sign-in and sessions"). Wrapped in [FailureLimited], sign-in attempts
// share the budget of failures that signed requests from the same address
// have, so the form is no faster a way to guess a secret than SigV4.
type FormCredentials struct {
	Keys SecretVerifier
}

// Authenticate implements Authenticator. It reads r's form, which must be
// bounded by the caller.
func (f FormCredentials) Authenticate(r *http.Request) (appconfigd.Principal, error) {
	id, secret := r.PostFormValue(FormAccessKeyID), r.PostFormValue(FormSecretAccessKey)
	if id == "" || secret == "" {
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EMissingAuthentication, "Enter an access key ID and its secret access key")
	}
	p, ok := f.Keys.VerifySecret(id, secret)
	if !ok {
		return appconfigd.Principal{}, appconfigd.Errorf(appconfigd.EUnrecognizedClient, "The access key ID or the secret access key is not correct")
	}
	return p, nil
}
