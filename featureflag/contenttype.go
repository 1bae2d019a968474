package featureflag

import (
	"bytes"
	"mime"
)

// Retrieval-time content types (docs/WIRE.md §4.2).
//
// ContentTypeIon is not documented as a header value (docs/WIRE.md §6 Q13). It is
// derived from the file suffix the AWS AppConfig Agent's local development
// mode requires for multi-variant flag data,
// "application%ion%type=AWS.AppConfig.FeatureFlags": the Agent turns a
// ".type%subtype" suffix into "type/subtype", and the second '%' here
// stands for the ';' before the media type's parameter.
const (
	ContentTypeJSON = "application/json"
	ContentTypeIon  = "application/ion;type=AWS.AppConfig.FeatureFlags"
)

// isIon decides whether a retrieval-time body is Ion or JSON. The content
// type decides when it says application/json or application/ion (with any
// parameters or spacing); otherwise, as for an Agent local-development file
// without a suffix (application/octet-stream), a body whose first
// non-blank byte opens a JSON object is JSON and anything else Ion.
func isIon(body []byte, contentType string) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch mt {
		case "application/json":
			return false
		case "application/ion":
			return true
		}
	}
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	return len(trimmed) == 0 || trimmed[0] != '{'
}
