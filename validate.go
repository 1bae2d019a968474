package appconfigd

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Field limits from the service model (docs/WIRE.md Appendix A).
const (
	maxNameLength        = 64
	maxLongNameLength    = 128
	maxDescriptionLength = 1024
	maxTagKeyLength      = 128
	maxTagValueLength    = 256
)

var (
	roleARNPattern      = regexp.MustCompile(`^((arn):(aws|aws-cn|aws-iso|aws-iso-[a-z]{1}|aws-us-gov|aws-eusc):(iam)::\d{12}:role[/].*)$`)
	profileTypePattern  = regexp.MustCompile(`^[a-zA-Z0-9\.\-]+$`)
	versionLabelPattern = regexp.MustCompile(`[^0-9]`)
)

// checkLength returns an EBadRequest error naming member when s is not
// between min and max characters long.
func checkLength(member, s string, min, max int) error {
	n := utf8.RuneCountInString(s)
	if n < min || n > max {
		if min > 0 && s == "" {
			return badRequest("%s is required and must be 1 to %d characters", member, max)
		}
		return badRequest("%s must be %d to %d characters long, got %d", member, min, max, n)
	}
	if !utf8.ValidString(s) {
		return badRequest("%s must be valid UTF-8", member)
	}
	if strings.ContainsRune(s, 0) {
		// PostgreSQL cannot store NUL in text; refuse it on every store
		// so they all behave alike.
		return badRequest("%s must not contain NUL characters", member)
	}
	return nil
}

// checkRange returns an EBadRequest error naming member when v is outside
// [min, max].
func checkRange(member string, v, min, max int) error {
	if v < min || v > max {
		return badRequest("%s must be between %d and %d, got %d", member, min, max, v)
	}
	return nil
}

// checkOptionalRoleARN validates an IAM role ARN member when it is set.
func checkOptionalRoleARN(member, arn string) error {
	if arn == "" {
		return nil
	}
	if len(arn) < 20 || len(arn) > 2048 || !roleARNPattern.MatchString(arn) {
		return badRequest("%s must be an IAM role ARN such as arn:aws:iam::123456789012:role/Name", member)
	}
	return nil
}

// ValidateTags checks a tag map against the model's limits: at most max
// entries, keys 1..128 characters not starting with "aws:", values up to 256
// characters.
func ValidateTags(tags map[string]string, max int) error {
	if len(tags) > max {
		return &Error{Code: EBadRequest, Message: "Tags may have at most " + itoa(max) + " entries"}
	}
	for k, v := range tags {
		if err := checkLength("tag key", k, 1, maxTagKeyLength); err != nil {
			return err
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return badRequest("tag key %q must not start with aws:", k)
		}
		if err := checkLength("tag value of "+k, v, 0, maxTagValueLength); err != nil {
			return err
		}
	}
	return nil
}

// truncateRunes returns at most n runes of s, for messages that quote
// client input.
func truncateRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}
