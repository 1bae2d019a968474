package packaging

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// binaryPackage is the package the Debian package ships, built from the
// repository root; its linked modules are the ones the copyright file lists.
const binaryPackage = "./cmd/appconfigd"

// Module is one Go module whose packages the appconfigd binary links. Each
// one's licence travels with the binary, so each gets a paragraph in the
// copyright file.
type Module struct {
	Path    string // module path, e.g. golang.org/x/text
	Version string // e.g. v0.42.0, recorded so a reader knows which release's licence applies
	Dir     string // its source in the module cache, where the licence file is read from
}

// LinkedModules lists the modules other than the main module whose packages
// pkg (e.g. ./cmd/appconfigd) links when built for Linux, as `go list -deps`
// run in repoRoot sees them, deduplicated and sorted by path. Asking the go
// command, rather than reading go.mod, keeps out the modules that only tests
// and tools use, so the copyright file lists exactly what the binary contains.
//
// The set depends on the target OS (for darwin it gains mattn/go-isatty and
// ncruces/go-strftime and loses prometheus/procfs), and the Debian package
// ships a Linux binary, so go list runs with GOOS=linux whatever the host:
// the copyright file then comes out the same on every machine. GOARCH is
// left alone, since linux/amd64 and linux/arm64 (and linux/386) link the
// same modules.
func LinkedModules(ctx context.Context, repoRoot, pkg string) ([]Module, error) {
	// Standard library packages have no Module, so the template prints an
	// empty line for them; the main module is left out by .Main.
	const format = `{{with .Module}}{{if not .Main}}{{.Path}} {{.Version}} {{.Dir}}{{end}}{{end}}`
	cmd := exec.CommandContext(ctx, "go", "list", "-deps", "-f", format, pkg)
	cmd.Dir = repoRoot
	// The last value of a variable wins, so this overrides a GOOS the
	// environment sets.
	cmd.Env = append(os.Environ(), "GOOS=linux")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("GOOS=linux go list -deps %s in %s: %w: %s", pkg, repoRoot, err, strings.TrimSpace(stderr.String()))
	}
	seen := map[string]Module{}
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		// The directory comes last because it is the only field that may hold spaces.
		fields := strings.SplitN(line, " ", 3)
		if len(fields) != 3 || fields[2] == "" {
			return nil, fmt.Errorf("go list -deps %s: module without a version or source directory (not downloaded?): %q", pkg, line)
		}
		seen[fields[0]] = Module{Path: fields[0], Version: fields[1], Dir: fields[2]}
	}
	modules := make([]Module, 0, len(seen))
	for _, m := range seen {
		modules = append(modules, m)
	}
	slices.SortFunc(modules, func(a, b Module) int { return strings.Compare(a.Path, b.Path) })
	return modules, nil
}

// License is what the copyright file records about one licence file: a
// module's main one, which also carries the module's NOTICE and its other
// licence files, or one of those others.
type License struct {
	File string // the file's name, e.g. LICENSE or LICENSE-GO
	// ID is the SPDX identifier or expression classify names the text by,
	// or "" for a file of notLicenses, which names no licence of its own.
	ID   string
	Text string // the file, verbatim
	// Notice is the module's NOTICE file, empty if it has none. Apache-2.0
	// §4(d) requires its attribution notices to travel with the binary, so
	// the copyright file carries it too.
	Notice string
	// Extra are the module's other licence files (see isLicenseFile), in
	// order of name: the licences of code it took from elsewhere, such as
	// the Go code in modernc.org/memory's LICENSE-GO.
	Extra []License
}

// licenseFileNames are the names a module's main licence file goes by, in
// the order they are tried (case-insensitively); a fixed order keeps the
// choice deterministic when a module has more than one.
var licenseFileNames = []string{"LICENSE", "LICENSE.txt", "LICENSE.md", "COPYING", "LICENCE"}

// isLicenseFile reports whether a file at a module's root, named name, is a
// licence file: one whose name starts with LICENSE, LICENCE or COPYING in any
// case, such as LICENSE-GO or LICENSE-3RD-PARTY.md.
func isLicenseFile(name string) bool {
	name = strings.ToUpper(name)
	return strings.HasPrefix(name, "LICENSE") || strings.HasPrefix(name, "LICENCE") || strings.HasPrefix(name, "COPYING")
}

// notLicenses are licence files, by module path and name, that someone has
// read and found to name no licence of the module's code: the copyright file
// carries them verbatim in the module's Comment, as it does a NOTICE,
// instead of asking classify for a name.
var notLicenses = map[string]bool{
	// The source of the module's logo, logo.png, which only its README
	// shows.
	"modernc.org/memory LICENSE-LOGO": true,
	// An inventory of the module's whole module graph, with the licence
	// texts of test-only and unused modules (Apache-2.0, MPL-2.0) among
	// them, so no expression of the licences it holds is the licence of the
	// module's files. The components it lists as linked have their licences
	// in LICENSE-SQLITE, LICENSE-SQLITE_VEC, modernc.org/libc's
	// LICENSE-3RD-PARTY.md and the modules' own paragraphs.
	"modernc.org/sqlite LICENSE-3RD-PARTY.md": true,
}

// noticeFileNames are the names of the Apache-2.0 NOTICE file, tried like
// licenseFileNames.
var noticeFileNames = []string{"NOTICE", "NOTICE.txt", "NOTICE.md"}

// findFile returns the first of names, compared case-insensitively, that
// dir holds, or "" if it holds none.
func findFile(dir string, names []string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, name := range names {
		for _, e := range entries {
			if !e.IsDir() && strings.EqualFold(e.Name(), name) {
				return filepath.Join(dir, e.Name()), nil
			}
		}
	}
	return "", nil
}

// moduleLicense reads and names the licences in m's source directory: its
// main licence file and every other licence file at its root. A module
// without a licence file, or with one classify cannot name, is an error that
// names the module and the file: a new dependency then stops the build
// instead of shipping without its licence listed. Every module the binary
// links today has its licence files at its own root, so no parent directory
// or subdirectory is searched.
func moduleLicense(m Module) (License, error) {
	file, err := findFile(m.Dir, licenseFileNames)
	if err != nil {
		return License{}, fmt.Errorf("module %s %s: %w", m.Path, m.Version, err)
	}
	if file == "" {
		return License{}, fmt.Errorf("module %s %s: no licence file (%s) in %s", m.Path, m.Version, strings.Join(licenseFileNames, ", "), m.Dir)
	}
	lic, err := readLicense(m, filepath.Base(file))
	if err != nil {
		return License{}, err
	}
	entries, err := os.ReadDir(m.Dir) // sorted by name
	if err != nil {
		return License{}, fmt.Errorf("module %s %s: %w", m.Path, m.Version, err)
	}
	for _, e := range entries {
		if e.IsDir() || e.Name() == lic.File || !isLicenseFile(e.Name()) {
			continue
		}
		extra, err := readLicense(m, e.Name())
		if err != nil {
			return License{}, err
		}
		lic.Extra = append(lic.Extra, extra)
	}
	notice, err := findFile(m.Dir, noticeFileNames)
	if err != nil {
		return License{}, fmt.Errorf("module %s %s: %w", m.Path, m.Version, err)
	}
	if notice != "" {
		b, err := os.ReadFile(notice)
		if err != nil {
			return License{}, fmt.Errorf("module %s %s: %w", m.Path, m.Version, err)
		}
		lic.Notice = string(b)
	}
	return lic, nil
}

// readLicense reads the licence file name at m's root and names it, unless
// notLicenses lists it.
func readLicense(m Module, name string) (License, error) {
	file := filepath.Join(m.Dir, name)
	text, err := os.ReadFile(file)
	if err != nil {
		return License{}, fmt.Errorf("module %s %s: %w", m.Path, m.Version, err)
	}
	lic := License{File: name, Text: string(text)}
	if notLicenses[m.Path+" "+name] {
		return lic, nil
	}
	var ok bool
	if lic.ID, ok = classify(lic.Text); !ok {
		return License{}, fmt.Errorf("module %s %s: unrecognised licence in %s: read it, and if it may be shipped teach classify in packaging/copyright.go to name it", m.Path, m.Version, file)
	}
	return lic, nil
}

// licenseRule names a licence by phrases of its text, compared after
// normalize. A text must contain every phrase in all and none in none; none
// holds what marks a different licence that shares the other phrases (the
// BSD-3-Clause endorsement clause, the BSD-4-Clause advertising clause).
type licenseRule struct {
	id   string
	all  []string
	none []string
}

// Phrases shared by several rules.
const (
	mitGrant  = "permission is hereby granted, free of charge, to any person obtaining a copy"
	mitNotice = "the above copyright notice and this permission notice shall be included in all copies or substantial portions of the software"
	apacheRef = "licensed under the apache license, version 2.0"
	bsdGrant  = "redistribution and use in source and binary forms, with or without modification, are permitted provided that the following conditions are met"
	bsdSource = "redistributions of source code must retain the above copyright notice"
	bsdBinary = "redistributions in binary form must reproduce the above copyright notice"
	bsdNoName = "endorse or promote products derived from this software"
	bsdAdvert = "all advertising materials mentioning features"
)

// licenseRules are the licences appconfigd may ship. They are written so that
// at most one identifier matches any text; classify refuses a text that
// matches none or several.
var licenseRules = []licenseRule{
	{id: "Apache-2.0",
		all:  []string{"apache license version 2.0, january 2004", "terms and conditions for use, reproduction, and distribution", "grant of patent license"},
		none: []string{mitGrant}},
	// go.yaml.in/yaml/v3: code ported from libyaml stays MIT, the rest is
	// Apache-2.0 by reference to the licence's standard header.
	{id: "MIT AND Apache-2.0",
		all:  []string{mitGrant, mitNotice, apacheRef},
		none: []string{bsdGrant}},
	{id: "MIT",
		all:  []string{mitGrant, mitNotice},
		none: []string{"apache license", "shall not be used in advertising", bsdGrant}},
	{id: "BSD-3-Clause",
		all:  []string{bsdGrant, bsdSource, bsdBinary, bsdNoName},
		none: []string{bsdAdvert, mitGrant}},
	// modernc.org/libc's LICENSE-3RD-PARTY.md: the texts of the Go code it
	// took (BSD-3-Clause) and of musl, go-netdb and nixpkgs (MIT), one after
	// the other.
	{id: "BSD-3-Clause AND MIT",
		all:  []string{bsdGrant, bsdSource, bsdBinary, bsdNoName, mitGrant, mitNotice},
		none: []string{bsdAdvert, "apache license"}},
	{id: "BSD-2-Clause",
		all:  []string{bsdGrant, bsdSource, bsdBinary},
		none: []string{bsdNoName, bsdAdvert, mitGrant}},
	{id: "ISC",
		all: []string{"permission to use, copy, modify, and/or distribute this software for any purpose with or without fee is hereby granted", "disclaims all warranties with regard to this software"}},
	{id: "MPL-2.0",
		all: []string{"mozilla public license version 2.0", "secondary license"}},
	// SQLite has no licence: its authors dedicated it to the public domain.
	// "public-domain" is the name Debian gives that; SPDX has none. The
	// dedication comes in two wordings. modernc.org/sqlite's LICENSE-SQLITE
	// is the statement of https://sqlite.org/copyright.html:
	{id: "public-domain",
		all: []string{"all of the code and documentation in sqlite has been dedicated to the public domain by the authors"}},
	// and SQLite's own sources, and its LICENSE.md, carry the blessing that
	// stands in place of a licence: "The author disclaims copyright to this
	// source code. In place of a legal notice, here is a blessing: ...". The
	// whole sentence is asked for, as the ISC licence's warranty disclaimer
	// starts with "the author disclaims" too.
	{id: "public-domain",
		all: []string{"the author disclaims copyright to this source code", "in place of a legal notice, here is a blessing"}},
}

// normalize lowers case and collapses runs of white space, so that phrases
// match however a licence file is wrapped and indented.
func normalize(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// classify names a licence text by its SPDX identifier (or expression). It
// reports false unless exactly one of licenseRules matches, so that a licence
// nobody has read is never shipped under a guessed name.
func classify(text string) (spdx string, ok bool) {
	t := normalize(text)
	var found []string
	for _, r := range licenseRules {
		if allIn(t, r.all) && !anyIn(t, r.none) && !slices.Contains(found, r.id) {
			found = append(found, r.id)
		}
	}
	if len(found) != 1 {
		return "", false
	}
	return found[0], true
}

// allIn reports whether t contains every phrase.
func allIn(t string, phrases []string) bool {
	for _, p := range phrases {
		if !strings.Contains(t, p) {
			return false
		}
	}
	return true
}

// anyIn reports whether t contains any of phrases.
func anyIn(t string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(t, p) {
			return true
		}
	}
	return false
}

// copyrightLines returns the copyright statements in texts (lines starting
// with "Copyright" or "©"), once each and in order of appearance. The
// Apache-2.0 appendix's "Copyright [yyyy] [name of copyright owner]" is a
// template, not a statement, and is skipped.
func copyrightLines(texts ...string) []string {
	var lines []string
	for _, text := range texts {
		for line := range strings.Lines(text) {
			line = strings.TrimSpace(line)
			if (strings.HasPrefix(line, "Copyright") || strings.HasPrefix(line, "©")) &&
				!strings.Contains(line, "[yyyy]") && !slices.Contains(lines, line) {
				lines = append(lines, line)
			}
		}
	}
	return lines
}

// textLines splits a file into lines for a DEP-5 field: line endings and
// trailing white space go, and so do blank lines at either end, so that
// copies of one licence that differ only there count as one text.
func textLines(text string) []string {
	var lines []string
	for line := range strings.Lines(text) {
		lines = append(lines, strings.TrimRight(line, " \t\r\n"))
	}
	for len(lines) > 0 && lines[0] == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// writeField writes a deb822 field: first on the field's own line, then each
// of rest as a continuation line indented by one space, an empty line
// written as " ." as the format requires.
func writeField(b *bytes.Buffer, name, first string, rest []string) {
	b.WriteString(name + ":")
	if first != "" {
		b.WriteString(" " + first)
	}
	b.WriteString("\n")
	for _, line := range rest {
		if line == "" {
			line = "."
		}
		b.WriteString(" " + line + "\n")
	}
}

// appendText appends a file's text to the lines of a field, headed by name
// and, unless it comes first, after an empty line.
func appendText(lines []string, name, text string) []string {
	if len(lines) > 0 {
		lines = append(lines, "")
	}
	return append(append(lines, name+":"), textLines(text)...)
}

// Copyright renders the Debian machine-readable copyright file (DEP-5,
// https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/) for
// appconfigd under project's licence and the modules it links, whose
// licences licenseOf finds. The output depends only on its inputs, in the
// order of modules, so a committed copy can be compared with a fresh one.
//
// DEP-5's Files patterns name files of the source tree. appconfigd does not
// vendor its dependencies, so each module's paragraph names the place `go
// mod vendor` would put it, vendor/<module path>/*, the layout Debian's Go
// packages use for embedded code. A module nested in another's path (such
// as github.com/aws/aws-sdk-go-v2/config in github.com/aws/aws-sdk-go-v2)
// sorts after it, and DEP-5 lets the last matching paragraph win, so each
// file still gets its own module's licence.
//
// Each distinct licence text is given once, in a stand-alone License
// paragraph, because MIT and BSD texts name their copyright holders and must
// ship verbatim. The first text met for an SPDX identifier (the project's
// own first, then the modules in order) takes the identifier as its name;
// every other text under that identifier is named <id>~<first module path
// using it>, or <id>~<module path>/<file name> for a module's other licence
// files, since DEP-5 allows arbitrary names that are unique within the file.
// A module with several licence files, such as modernc.org/memory with
// LICENSE-GO, is under all of them: its License field joins their names with
// "and". A text under an SPDX expression such as "MIT AND Apache-2.0" cannot
// be a stand-alone paragraph, whose name must be a single licence, so a
// module with such a text gets the expression of all its licences, and all
// their texts in full, in its Files paragraph instead, as DEP-5 allows: a
// file's name heads its text if there are several. Files of notLicenses go
// in the Comment, after the NOTICE.
func Copyright(project License, modules []Module, licenseOf func(Module) (License, error)) ([]byte, error) {
	names := map[string]string{}   // id + "\x00" + text -> DEP-5 name
	texts := map[string][]string{} // DEP-5 name -> text lines
	name := func(lic License, owner string) string {
		lines := textLines(lic.Text)
		key := lic.ID + "\x00" + strings.Join(lines, "\n")
		if n, ok := names[key]; ok {
			return n
		}
		n := lic.ID
		if _, taken := texts[n]; taken {
			n = lic.ID + "~" + owner
		}
		names[key], texts[n] = n, lines
		return n
	}

	var b bytes.Buffer
	writeField(&b, "Format", "https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/", nil)
	writeField(&b, "Upstream-Name", "appconfigd", nil)
	writeField(&b, "Source", "https://github.com/appconfigd/appconfigd", nil)
	b.WriteString("\n")
	writeField(&b, "Files", "*", nil)
	writeField(&b, "Copyright", "The appconfigd authors", nil)
	writeField(&b, "License", name(project, "github.com/appconfigd/appconfigd"), nil)

	for _, m := range modules {
		lic, err := licenseOf(m)
		if err != nil {
			return nil, err
		}
		lics, comment := []License{lic}, []string{m.Path + " " + m.Version}
		if lic.Notice != "" {
			comment = appendText(comment, "NOTICE", lic.Notice)
		}
		for _, x := range lic.Extra {
			if x.ID == "" {
				comment = appendText(comment, x.File, x.Text)
			} else {
				lics = append(lics, x)
			}
		}
		b.WriteString("\n")
		writeField(&b, "Files", "vendor/"+m.Path+"/*", nil)
		var holders []string
		for _, l := range lics {
			holders = append(holders, l.Text)
		}
		holders = copyrightLines(append(holders, lic.Notice)...)
		if len(holders) == 0 {
			holders = []string{"The " + m.Path + " authors"}
		}
		writeField(&b, "Copyright", holders[0], holders[1:])
		// The expression is made of the identifiers of all the files, once
		// each; classify's expressions use no operator but AND.
		var ids, inline []string
		for _, l := range lics {
			for id := range strings.SplitSeq(l.ID, " AND ") {
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
			if len(lics) == 1 {
				inline = textLines(l.Text)
			} else {
				inline = appendText(inline, l.File, l.Text)
			}
		}
		if slices.ContainsFunc(lics, func(l License) bool { return strings.Contains(l.ID, " ") }) {
			// DEP-5 writes the operator in lower case.
			writeField(&b, "License", strings.Join(ids, " and "), inline)
		} else {
			var names []string
			for i, l := range lics {
				owner := m.Path
				if i > 0 {
					owner += "/" + l.File
				}
				if n := name(l, owner); !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
			writeField(&b, "License", strings.Join(names, " and "), nil)
		}
		writeField(&b, "Comment", comment[0], comment[1:])
	}

	for _, n := range slices.Sorted(maps.Keys(texts)) {
		b.WriteString("\n")
		writeField(&b, "License", n, texts[n])
	}
	return b.Bytes(), nil
}

// GenerateCopyright renders packaging/copyright for the repository at
// repoRoot: its own LICENSE for Files: *, and the licence of every module
// ./cmd/appconfigd links, read from the module cache.
func GenerateCopyright(ctx context.Context, repoRoot string) ([]byte, error) {
	text, err := os.ReadFile(filepath.Join(repoRoot, "LICENSE"))
	if err != nil {
		return nil, err
	}
	id, ok := classify(string(text))
	if !ok {
		return nil, errors.New("unrecognised licence in " + filepath.Join(repoRoot, "LICENSE"))
	}
	modules, err := LinkedModules(ctx, repoRoot, binaryPackage)
	if err != nil {
		return nil, err
	}
	return Copyright(License{File: "LICENSE", ID: id, Text: string(text)}, modules, moduleLicense)
}
