package extensionhttp

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/outbound"
)

// Bounds of the text an answer gives, which goes into error messages, the
// deployment's event log and the store (docs/COMPATIBILITY.md, "Extension
// actions"): the answer itself may be 2 MiB.
const (
	// maxDetails bounds the Details of a failed action.
	maxDetails = 4096
	// maxErrorCode bounds Error, a code such as BadRequestError.
	maxErrorCode = 128
	// maxMessage bounds Message and Description.
	maxMessage = 1024
)

// decodeAnswer reads an action's 2xx body the way AWS reads a Lambda
// extension's result (docs/COMPATIBILITY.md, "Extension actions"): an empty
// body or null is success with nothing to say, anything else must be a JSON
// object. Member names match exactly, as on AWS, where {"error": …} is not
// an error; members it does not know (statusCode) are ignored.
func decodeAnswer(body []byte) *appconfigd.ActionResponse {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || string(body) == "null" {
		return &appconfigd.ActionResponse{}
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(body, &members); err != nil || members == nil {
		return failure(CodeInvalidResponse, "the answer is not a JSON object")
	}
	var resp appconfigd.ActionResponse
	var directive, content string
	var hasContent bool
	for _, m := range []struct {
		name string
		into *string
		set  *bool
	}{
		{"Error", &resp.Error, nil},
		{"Message", &resp.Message, nil},
		{"Directive", &directive, nil},
		{"Description", &resp.Description, nil},
		{"Content", &content, &hasContent},
	} {
		raw, ok := members[m.name]
		if !ok || string(raw) == "null" {
			continue
		}
		if err := json.Unmarshal(raw, m.into); err != nil {
			return failure(CodeInvalidResponse, fmt.Sprintf("%s must be a string", m.name))
		}
		if m.set != nil {
			*m.set = true
		}
	}
	// The text is made one line, as a message needs; an Error of only
	// white space is then no error, like an empty one.
	resp.Error = bounded(resp.Error, maxErrorCode)
	resp.Message = bounded(resp.Message, maxMessage)
	resp.Description = bounded(resp.Description, maxMessage)
	if raw, ok := members["Details"]; ok && string(raw) != "null" {
		resp.Details = compactDetails(raw)
	}
	if resp.Failed() {
		// A failed action's other members mean nothing.
		return &appconfigd.ActionResponse{Error: resp.Error, Message: resp.Message, Details: resp.Details}
	}
	switch appconfigd.ActionDirective(directive) {
	case "", appconfigd.ActionContinue, appconfigd.ActionRollBack:
		resp.Directive = appconfigd.ActionDirective(directive)
	default:
		return failure(CodeInvalidResponse, fmt.Sprintf("Directive must be %s or %s, got %q", appconfigd.ActionContinue, appconfigd.ActionRollBack, outbound.Truncate(directive, 64)))
	}
	if hasContent {
		decoded, err := base64.StdEncoding.DecodeString(content)
		if err != nil {
			return failure(CodeInvalidResponse, "Content is not base64: "+err.Error())
		}
		resp.HasContent, resp.Content = true, decoded
	}
	return &resp
}

// compactDetails renders Details on one line, cut to maxDetails.
func compactDetails(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return ""
	}
	return outbound.Truncate(b.String(), maxDetails)
}

// bounded makes s one line of at most n bytes and the cut mark; it cuts
// after making it one line, which may lengthen invalid UTF-8.
func bounded(s string, n int) string {
	return outbound.Truncate(outbound.OneLine(s), n)
}

// failure is an answer for an action that could not be run or read.
func failure(code, message string) *appconfigd.ActionResponse {
	return &appconfigd.ActionResponse{Error: code, Message: message}
}
