package console

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/appconfigd/appconfigd"
)

// diffContext is how many unchanged lines a hunk shows around a change,
// as diff -u does.
const diffContext = 3

// diffLine is one line of a unified diff: Class is the stylesheet's
// "add", "del" or "ctx", Sign the column diff -u writes before it.
type diffLine struct {
	Class string
	Sign  string
	Text  string
}

// diffHunk is one group of changes with its "@@ -a,b +c,d @@" header.
type diffHunk struct {
	Header string
	Lines  []diffLine
}

// diffData is what the diff page shows.
type diffData struct {
	*versionsData
	// FromVersion and ToVersion are set once both were found.
	FromVersion, ToVersion *appconfigd.HostedConfigurationVersion
	Hunks                  []diffHunk
}

// handleDiff compares two versions of a profile line by line, as they are
// shown (prettyContent): JSON that differs only in layout compares equal.
func (s *Server) handleDiff(rq *request) error {
	a, p, err := s.profile(rq)
	if err != nil {
		return err
	}
	vd, err := s.versionsData(rq, a, p)
	if err != nil {
		return err
	}
	d := &diffData{versionsData: vd}
	title := "Compare versions of " + p.Name
	from, err := versionNumber(rq.URL.Query().Get("from"), `"from"`)
	if err != nil {
		return rq.showError(err, "diff", title, d)
	}
	to, err := versionNumber(rq.URL.Query().Get("to"), `"to"`)
	if err != nil {
		return rq.showError(err, "diff", title, d)
	}
	d.From, d.To = from, to
	fv, err := s.Service.GetHostedConfigurationVersion(rq.ctx(), a.ID, p.ID, from)
	if err != nil {
		return rq.showError(err, "diff", title, d)
	}
	tv, err := s.Service.GetHostedConfigurationVersion(rq.ctx(), a.ID, p.ID, to)
	if err != nil {
		return rq.showError(err, "diff", title, d)
	}
	d.FromVersion, d.ToVersion = fv, tv
	fromText, toText := prettyContent(fv.ContentType, fv.Content), prettyContent(tv.ContentType, tv.Content)
	if lines := max(strings.Count(fromText, "\n"), strings.Count(toText, "\n")); lines > maxDiffLines {
		// Matching lines takes time that grows faster than the lines do.
		return rq.showError(appconfigd.Errorf(appconfigd.EBadRequest, "Version %d or %d has %d lines; the console compares versions of at most %d lines", from, to, lines, maxDiffLines), "diff", title, d)
	}
	d.Hunks = unifiedDiff(fromText, toText)
	return rq.render(http.StatusOK, "diff", title, d)
}

// maxDiffLines bounds the lines of the versions the console compares.
const maxDiffLines = 20000

// unifiedDiff returns the hunks of a unified diff from text a to text b.
func unifiedDiff(a, b string) []diffHunk {
	al, bl := splitLines(a), splitLines(b)
	var hunks []diffHunk
	for _, group := range difflib.NewMatcher(al, bl).GetGroupedOpCodes(diffContext) {
		first, last := group[0], group[len(group)-1]
		h := diffHunk{Header: fmt.Sprintf("@@ -%s +%s @@", unifiedRange(first.I1, last.I2), unifiedRange(first.J1, last.J2))}
		for _, c := range group {
			if c.Tag == 'e' {
				h.Lines = appendLines(h.Lines, "ctx", " ", al[c.I1:c.I2])
				continue
			}
			if c.Tag == 'r' || c.Tag == 'd' {
				h.Lines = appendLines(h.Lines, "del", "-", al[c.I1:c.I2])
			}
			if c.Tag == 'r' || c.Tag == 'i' {
				h.Lines = appendLines(h.Lines, "add", "+", bl[c.J1:c.J2])
			}
		}
		hunks = append(hunks, h)
	}
	return hunks
}

func appendLines(to []diffLine, class, sign string, lines []string) []diffLine {
	for _, l := range lines {
		to = append(to, diffLine{Class: class, Sign: sign, Text: l})
	}
	return to
}

// splitLines splits text into lines without their line ends; a final
// line end does not start another line.
func splitLines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// unifiedRange writes a hunk's line range as diff -u does: the first line
// (1-based) and the count, the count left out when it is 1, and an empty
// range given as the line before it.
func unifiedRange(start, stop int) string {
	n := stop - start
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
