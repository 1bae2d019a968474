// Package awsjson holds the restJson1 plumbing shared by the wire
// surfaces (the AppConfig control plane, AppConfigData and the admin API):
// request IDs, JSON bodies, error documents the AWS SDKs decode, a router
// whose unknown paths and wrong methods answer in AWS JSON instead of
// net/http's plain text, and Surface, the one adapter that runs every
// operation handler: authentication, authorization, body bounds, error
// documents, logging and the audit trail.
package awsjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/appconfigd/appconfigd"
)

// Exception is the wire form of an error code on one surface: the AWS
// exception name sent in X-Amzn-ErrorType and the HTTP status.
type Exception struct {
	Name   string
	Status int
}

// WriteJSON writes v as a JSON body with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Every response type is a plain struct; failing to encode one
		// is a programming error.
		panic(fmt.Sprintf("awsjson: encode response: %v", err))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// WriteError writes an AWS error document the way aws-sdk-go-v2 and
// botocore decode it (docs/WIRE.md §1.5): the exception name in X-Amzn-ErrorType
// and in the body's __type, the status, and a JSON object whose Message and
// modeled members use AWS's exact key spelling.
func WriteError(w http.ResponseWriter, ex Exception, members map[string]any) {
	body := map[string]any{"__type": ex.Name}
	for k, v := range members {
		body[k] = v
	}
	w.Header().Set("X-Amzn-ErrorType", ex.Name)
	WriteJSON(w, ex.Status, body)
}

// DecodeJSON decodes a JSON object request body into v. An empty body
// counts as {}. Unknown members are ignored, as clients are forward
// compatible. A body that is not a JSON object, or a member of the wrong
// type, is an EBadRequest error that names the member.
func DecodeJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return readError(err)
	}
	if len(trimJSONSpace(body)) == 0 {
		body = []byte("{}")
	}
	// encoding/json would quietly turn invalid UTF-8 into U+FFFD and store
	// something the client never sent; JSON text must be UTF-8 (RFC 8259).
	if !utf8.Valid(body) {
		return appconfigd.Errorf(appconfigd.EBadRequest, "request body is not valid UTF-8")
	}
	if at := loneSurrogate(body); at >= 0 {
		return appconfigd.Errorf(appconfigd.EBadRequest, "request body is not valid UTF-8: the escape %q at byte %d is half of a UTF-16 surrogate pair", body[at:at+6], at)
	}
	// null decodes into a struct as "nothing given"; every operation's
	// input is an object.
	if trimmed := trimJSONSpace(body); trimmed[0] != '{' {
		return appconfigd.Errorf(appconfigd.EBadRequest, "request body must be a JSON object, got %q", truncate(trimmed, 16))
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	// Anything after the object but white space, even a stray closing
	// bracket (which Decoder.More does not report), makes it not JSON.
	if rest := trimJSONSpace(body[dec.InputOffset():]); len(rest) > 0 {
		return appconfigd.Errorf(appconfigd.EBadRequest, "request body must be a single JSON object; it continues with %q at byte %d", truncate(rest, 16), dec.InputOffset())
	}
	return nil
}

// readError maps a failure to read a request body.
func readError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return appconfigd.Errorf(appconfigd.EBadRequest, "request body exceeds %d bytes", tooLarge.Limit)
	}
	return appconfigd.Errorf(appconfigd.EBadRequest, "could not read request body: %v", err)
}

func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return readError(err)
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return appconfigd.Errorf(appconfigd.EBadRequest, "request body must be a JSON object, got %s", typeErr.Value)
		}
		return appconfigd.Errorf(appconfigd.EBadRequest, "%s must be %s, got %s", typeErr.Field, jsonKind(typeErr.Type.String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return appconfigd.Errorf(appconfigd.EBadRequest, "request body is not valid JSON: %v (at byte %d)", syntaxErr, syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return appconfigd.Errorf(appconfigd.EBadRequest, "request body is not valid JSON: unexpected end of input")
	default:
		return appconfigd.Errorf(appconfigd.EBadRequest, "request body is not valid JSON: %v", err)
	}
}

// jsonKind names a Go type the way a JSON client thinks of it.
func jsonKind(goType string) string {
	goType = strings.TrimLeft(goType, "*")
	switch {
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "a boolean"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "an integer"
	case strings.HasPrefix(goType, "float"), goType == "awsjson.Float":
		return "a number"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	case strings.HasPrefix(goType, "map["):
		return "an object"
	default:
		return "an object"
	}
}

// Float is a float64 that always encodes with a decimal point (100.0, not
// 100), as AWS sends GrowthFactor and PercentageComplete; botocore then
// shows it as a float, as it does against AWS.
type Float float64

// MarshalJSON implements json.Marshaler.
func (f Float) MarshalJSON() ([]byte, error) {
	s := fmt.Sprintf("%g", float64(f))
	if !strings.ContainsAny(s, ".eEnN") {
		s += ".0"
	}
	return []byte(s), nil
}

// truncate returns at most n bytes of b, for messages.
func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// trimJSONSpace trims the four characters JSON counts as white space
// (RFC 8259 §2); bytes.TrimSpace would also drop form feeds and others,
// which make a body invalid JSON.
func trimJSONSpace(b []byte) []byte {
	return bytes.Trim(b, " \t\n\r")
}
