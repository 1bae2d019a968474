package featureflag

import (
	"github.com/appconfigd/appconfigd/internal/ion"
)

// Retrieval converts a deployment-time document to what GetLatestConfiguration
// serves (docs/WIRE.md §4.2). It validates doc first and returns Validate's error
// for a bad one.
//
// With basic flags only, the body is JSON (ContentTypeJSON): an object with
// every flag defined in "flags", in document order, each
// {"enabled": true, <attribute values…>} or, when disabled or without a
// value, just {"enabled": false}; definitions and _-prefixed metadata are
// not served.
//
// With at least one multi-variant flag, the body is Amazon Ion
// (ContentTypeIon), laid out like AWS's sample: each flag a top-level value
// annotated with its key; a basic flag a long string holding its JSON; a
// multi-variant flag a list of [rule, variant JSON] pairs in variant order
// ending with the default variant's JSON, every JSON text a long string. A variant's JSON is
// {"_variant": <name>, "enabled": …} followed, when the variant is enabled,
// by its attribute values.
func Retrieval(doc []byte) (body []byte, contentType string, err error) {
	d, err := parseDocument(doc)
	if err != nil {
		return nil, "", err
	}
	for _, fv := range d.values {
		if len(fv.variants) > 0 {
			return d.appendIon(nil), ContentTypeIon, nil
		}
	}
	return d.appendJSON(nil), ContentTypeJSON, nil
}

// appendJSON appends the retrieval-time JSON of a document without
// multi-variant flags.
func (d *document) appendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i, key := range d.flags {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = appendMember(dst, key)
		dst = appendFlag(dst, d.values[key])
	}
	return append(dst, '}')
}

// appendFlag appends the served JSON of a basic flag; fv is nil for a
// flag without a value, which is served disabled.
func appendFlag(dst []byte, fv *flagValue) []byte {
	dst = append(dst, '{')
	dst = appendMember(dst, "enabled")
	if fv == nil || !fv.enabled {
		return append(dst, "false}"...)
	}
	dst = append(dst, "true"...)
	return appendAttrs(dst, fv.attrs)
}

// appendVariant appends the served JSON of one variant. A disabled
// variant, like a disabled basic flag, is served without attributes.
func appendVariant(dst []byte, vr *variant) []byte {
	dst = append(dst, '{')
	dst = appendMember(dst, "_variant")
	dst = appendString(dst, vr.name)
	dst = append(dst, ", "...)
	dst = appendMember(dst, "enabled")
	if !vr.enabled {
		return append(dst, "false}"...)
	}
	dst = append(dst, "true"...)
	return appendAttrs(dst, vr.attrs)
}

// appendAttrs appends attribute values as further members and closes the
// object.
func appendAttrs(dst []byte, attrs []member) []byte {
	for _, m := range attrs {
		dst = append(dst, ", "...)
		dst = appendMember(dst, m.name)
		dst = appendNode(dst, m.value)
	}
	return append(dst, '}')
}

// appendIon appends the retrieval-time Ion document.
func (d *document) appendIon(dst []byte) []byte {
	var content []byte
	for _, key := range d.flags {
		// Flag keys match keyPattern, so they need no escaping; AWS
		// quotes them even where a bare symbol would do.
		dst = append(dst, '\'')
		dst = append(dst, key...)
		dst = append(dst, "'::"...)
		fv := d.values[key]
		if fv == nil || len(fv.variants) == 0 {
			content = appendFlag(content[:0], fv)
			dst = ion.AppendLongString(dst, string(content))
			dst = append(dst, '\n')
			continue
		}
		dst = append(dst, "[\n"...)
		for i, vr := range fv.variants {
			if i > 0 {
				dst = append(dst, ",\n"...)
			}
			content = appendVariant(content[:0], vr)
			if vr.rule == nil {
				dst = append(dst, "  "...)
				dst = ion.AppendLongString(dst, string(content))
				continue
			}
			dst = append(dst, "  [\n    "...)
			dst = append(dst, vr.rule.String()...)
			dst = append(dst, ",\n    "...)
			dst = ion.AppendLongString(dst, string(content))
			dst = append(dst, "\n  ]"...)
		}
		dst = append(dst, "\n]\n"...)
	}
	return dst
}
