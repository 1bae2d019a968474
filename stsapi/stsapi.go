// Package stsapi serves the one AWS STS operation clients of appconfigd
// need, GetCallerIdentity, on the same endpoint as both AppConfig planes:
// `aws sts get-caller-identity --endpoint-url …` checks a key, and the
// Terraform AWS provider asks it for the account ID it builds ARNs with
// (docs/COMPATIBILITY.md, "STS GetCallerIdentity").
//
// STS speaks the AWS Query protocol: a form-encoded POST to "/" naming the
// Action and Version, signed with the signing name "sts", answered in XML.
package stsapi

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/auth"
	"github.com/appconfigd/appconfigd/awsjson"
	"github.com/appconfigd/appconfigd/sigv4"
)

// Query protocol constants of STS.
const (
	// SigningName is the service requests to STS are signed for.
	SigningName = "sts"
	// Version is the only API version of STS.
	Version = "2011-06-15"
	// namespace is the XML namespace of every STS document.
	namespace = "https://sts.amazonaws.com/doc/2011-06-15/"
	// maxBodyBytes bounds a request's form; GetCallerIdentity's is about
	// fifty bytes.
	maxBodyBytes = 4096
)

// Server serves STS on the shared endpoint.
type Server struct {
	// Auth identifies the sender; required.
	Auth auth.Authenticator
	// AccountID is the account every key belongs to, the server's.
	AccountID string
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger
}

// Wrap returns a handler that serves STS's one path, POST to the root,
// which no AppConfig operation uses, and passes every other request to
// next.
func (s *Server) Wrap(next http.Handler) http.Handler {
	if s.Auth == nil {
		panic("stsapi: Server.Auth is nil")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/" {
			s.serve(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// callerIdentity is GetCallerIdentity's answer.
type callerIdentity struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Arn     string
		UserID  string `xml:"UserId"`
		Account string
	} `xml:"GetCallerIdentityResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

// serve authenticates the request, then answers GetCallerIdentity or the
// error of any other action. Every key may call it, readers included: it
// only tells the caller who it is.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	r = sigv4.WithSigningName(r, SigningName)
	r = auth.WithOperation(r, auth.Operation{Name: "GetCallerIdentity", MaxBodyBytes: maxBodyBytes})
	p, err := s.Auth.Authenticate(r)
	if err != nil {
		auth.DropConnectionIfBodyUnread(w, r)
		s.writeError(w, r, err)
		return
	}
	form, err := readForm(w, r)
	if err == nil {
		err = checkAction(form)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var out callerIdentity
	out.Xmlns = namespace
	out.Result.Account = s.AccountID
	out.Result.Arn = "arn:aws:iam::" + s.AccountID + ":user/" + userName(p)
	out.Result.UserID = UserID(p.AccessKeyID)
	out.RequestID = awsjson.RequestID(r.Context())
	writeXML(w, http.StatusOK, out)
}

// userName is the IAM-like user name of p: its key's name, which follows
// IAM's rules for user names, or its access key ID when authentication is
// off and no key names it.
func userName(p appconfigd.Principal) string {
	switch {
	case p.Name != "":
		return p.Name
	case p.AccessKeyID != "":
		return p.AccessKeyID
	}
	return "anonymous"
}

// UserID returns the unique ID STS reports for the key accessKeyID: like
// an IAM user's ("AIDA" and 17 upper-case letters and digits), and derived
// from the key so that it stays the same across restarts and replicas
// without being stored.
func UserID(accessKeyID string) string {
	sum := sha256.Sum256([]byte(accessKeyID))
	return "AIDA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

// readForm returns the request's form: the body the verifier already
// read, or else (authentication off) the body read here, bounded.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	body, ok := auth.BodyBytes(r)
	if !ok && r.Body != nil {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			return nil, appconfigd.Errorf(appconfigd.EBadRequest, "Could not read the request body: %v", err)
		}
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, &stsError{Code: "MalformedQueryString", Status: http.StatusBadRequest, Message: "The request body is not a valid form: " + err.Error()}
	}
	return form, nil
}

// checkAction accepts GetCallerIdentity of STS's one version and explains
// that no other action exists here.
func checkAction(form url.Values) error {
	action, version := form.Get("Action"), form.Get("Version")
	switch {
	case action == "":
		return &stsError{Code: "MissingAction", Status: http.StatusBadRequest, Message: "Missing Action"}
	case action != "GetCallerIdentity" || version != Version:
		return &stsError{Code: "InvalidAction", Status: http.StatusBadRequest,
			Message: "Could not find operation " + action + " for version " + version + ": appconfigd serves only STS GetCallerIdentity of version " + Version}
	}
	return nil
}

// writeXML writes v as an XML document with status.
func writeXML(w http.ResponseWriter, status int, v any) {
	b, err := xml.Marshal(v)
	if err != nil {
		// The documents are fixed structs of strings.
		panic(err)
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	w.Write(append([]byte(xml.Header), b...))
}

// stsError is an error in STS's terms: its error code and HTTP status.
type stsError struct {
	Code    string
	Status  int
	Message string
}

func (e *stsError) Error() string { return e.Code + ": " + e.Message }

// codes is STS's one error table: the STS error code and status each of
// appconfigd's error codes becomes.
var codes = map[appconfigd.ErrorCode]stsError{
	appconfigd.EBadRequest:            {Code: "InvalidParameterValue", Status: http.StatusBadRequest},
	appconfigd.EPayloadTooLarge:       {Code: "InvalidParameterValue", Status: http.StatusBadRequest},
	appconfigd.EThrottling:            {Code: "Throttling", Status: http.StatusBadRequest},
	appconfigd.EAccessDenied:          {Code: "AccessDenied", Status: http.StatusForbidden},
	appconfigd.EMissingAuthentication: {Code: "MissingAuthenticationToken", Status: http.StatusForbidden},
	appconfigd.EUnrecognizedClient:    {Code: "InvalidClientTokenId", Status: http.StatusForbidden},
	appconfigd.EInvalidSignature:      {Code: "SignatureDoesNotMatch", Status: http.StatusForbidden},
	appconfigd.EUnavailable:           {Code: "ServiceUnavailable", Status: http.StatusServiceUnavailable},
}

// errorResponse is STS's error document.
type errorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string
		Code    string
		Message string
	}
	RequestID string `xml:"RequestId"`
}

// writeError writes err as STS's error document. An error that is neither
// an STS error nor an *appconfigd.Error with a code of the table is an
// internal failure: it is logged, and the client gets InternalFailure.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	id := awsjson.RequestID(r.Context())
	var se *stsError
	var e *appconfigd.Error
	switch {
	case errors.As(err, &se):
	case errors.As(err, &e) && codes[e.Code].Code != "":
		c := codes[e.Code]
		se = &stsError{Code: c.Code, Status: c.Status, Message: e.Message}
	default:
		if s.Logger != nil {
			s.Logger.Error("internal error", "request_id", id, "op", "GetCallerIdentity", "err", err)
		}
		se = &stsError{Code: "InternalFailure", Status: http.StatusInternalServerError, Message: "An internal error occurred; see the server log for request " + id}
	}
	var out errorResponse
	out.Xmlns = namespace
	out.Error.Type = "Sender"
	if se.Status >= http.StatusInternalServerError {
		out.Error.Type = "Receiver"
	}
	out.Error.Code, out.Error.Message, out.RequestID = se.Code, se.Message, id
	writeXML(w, se.Status, out)
}
