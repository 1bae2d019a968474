package featureflag

import (
	"unicode/utf8"
)

// The retrieval-time JSON is written the way AWS writes it: one line, with
// a space after every ':' and ',' (`{"betaGroup": {"enabled": true}}` in
// the GetLatestConfiguration API reference, and the variant strings of the
// Ion sample in docs/WIRE.md §4.2). Numbers keep the text the document gave them.

// appendNode appends the JSON of n.
func appendNode(dst []byte, n *node) []byte {
	switch n.kind {
	case kindNull:
		return append(dst, "null"...)
	case kindBool:
		return appendBool(dst, n.boolean)
	case kindNumber:
		return append(dst, n.text...)
	case kindString:
		return appendString(dst, n.text)
	case kindArray:
		dst = append(dst, '[')
		for i, e := range n.elems {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			dst = appendNode(dst, e)
		}
		return append(dst, ']')
	}
	dst = append(dst, '{')
	for i, m := range n.members {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = appendMember(dst, m.name)
		dst = appendNode(dst, m.value)
	}
	return append(dst, '}')
}

// appendMember appends a member name and its separator.
func appendMember(dst []byte, name string) []byte {
	dst = appendString(dst, name)
	return append(dst, ": "...)
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// appendString appends s as a JSON string. Only what JSON requires is
// escaped ('"', '\\' and control characters); other characters, HTML
// ones and non-ASCII included, are written as they are.
func appendString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			dst = utf8.AppendRune(dst, r) // invalid UTF-8 becomes U+FFFD
			i += size
			continue
		}
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c == '\n':
			dst = append(dst, `\n`...)
		case c == '\r':
			dst = append(dst, `\r`...)
		case c == '\t':
			dst = append(dst, `\t`...)
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			dst = append(dst, c)
		}
		i++
	}
	return append(dst, '"')
}
