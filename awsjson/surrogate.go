package awsjson

import "bytes"

// loneSurrogate returns the byte offset of the first \u escape in a JSON
// text that encodes half of a UTF-16 surrogate pair without the other
// half, or -1 when there is none. JSON strings must hold Unicode text
// (RFC 8259 §8.2); encoding/json turns such an escape into U+FFFD, which
// would store something the client never sent, just as invalid UTF-8
// would. body must be valid UTF-8; what is not a string is skipped, and
// broken syntax is left for the decoder to report.
func loneSurrogate(body []byte) int {
	if !bytes.Contains(body, []byte(`\u`)) {
		return -1
	}
	inString := false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString:
			if i+1 < len(body) && body[i+1] == 'u' {
				r, ok := hex4(body, i+2)
				switch {
				case !ok:
				case r >= 0xDC00 && r <= 0xDFFF:
					return i
				case r >= 0xD800 && r <= 0xDBFF:
					low, ok := -1, i+7 < len(body) && body[i+6] == '\\' && body[i+7] == 'u'
					if ok {
						low, ok = hex4(body, i+8)
					}
					if !ok || low < 0xDC00 || low > 0xDFFF {
						return i
					}
					// Move to the low half's backslash: like every escape,
					// it is stepped over with its 'u', and hex digits
					// need no attention.
					i += 6
				}
			}
			i++ // the escaped character
		}
	}
	return -1
}

// hex4 decodes the four hex digits at body[at:], or reports false.
func hex4(body []byte, at int) (int, bool) {
	if at+4 > len(body) {
		return 0, false
	}
	r := 0
	for _, c := range body[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | int(c)
	}
	return r, true
}
