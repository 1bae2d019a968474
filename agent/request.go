package agent

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// maxEntityID is the longest Entity-Id the AWS agent accepts: 2 KB.
const maxEntityID = 2048

// request is what a caller asks of one configuration (docs/WIRE.md §4.4).
type request struct {
	// flags are the ?flag= keys, in order; none asks for every flag.
	flags []string
	// context holds the Context headers' key=value pairs, for
	// multi-variant flag rules.
	context map[string]string
	// entity is the Entity-Id header, "" when absent.
	entity string
}

// parseRequest reads a request's flags, context and entity. Its errors
// are the caller's: 400.
func parseRequest(r *http.Request) (request, error) {
	var req request
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return req, errorf(http.StatusBadRequest, "bad query string: "+err.Error())
	}
	req.flags = query["flag"]
	if req.context, err = parseContext(r.Header.Values("Context")); err != nil {
		return req, err
	}
	switch ids := r.Header.Values("Entity-Id"); {
	case len(ids) > 1:
		return req, errorf(http.StatusBadRequest, "Entity-Id must be given once")
	case len(ids) == 1 && len(ids[0]) > maxEntityID:
		return req, errorf(http.StatusBadRequest, fmt.Sprintf("Entity-Id is %d bytes; the limit is %d", len(ids[0]), maxEntityID))
	case len(ids) == 1:
		req.entity = strings.TrimSpace(ids[0])
	}
	return req, nil
}

// parseContext reads Context header values: key=value pairs, several to a
// header separated by commas or across several headers (AWS's "Retrieving
// basic and multi-variant feature flags"). Space around keys and values
// is dropped; a value may hold '='; a later pair for a key replaces an
// earlier one.
func parseContext(values []string) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	ctx := make(map[string]string)
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			key, value, ok := strings.Cut(item, "=")
			key = strings.TrimSpace(key)
			if !ok || key == "" {
				return nil, errorf(http.StatusBadRequest, fmt.Sprintf("Context: want key=value, got %q", item))
			}
			ctx[key] = strings.TrimSpace(value)
		}
	}
	return ctx, nil
}
