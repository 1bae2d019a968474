package packaging

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// update makes TestCopyrightListsEveryLinkedModule rewrite packaging/copyright
// instead of comparing with it: the way to accept a change of dependencies.
var update = flag.Bool("update", false, "rewrite packaging/copyright from the modules ./cmd/appconfigd links")

// regenerateCopyright is the command that brings packaging/copyright up to date.
const regenerateCopyright = "go test ./packaging -run TestCopyright -update"

// TestCopyrightListsEveryLinkedModule keeps the committed copyright file in
// step with the binary: a module added, removed or upgraded, or a licence
// changed, fails here until the file is regenerated and reviewed.
func TestCopyrightListsEveryLinkedModule(t *testing.T) {
	t.Parallel()
	got, err := GenerateCopyright(t.Context(), "..")
	if err != nil {
		t.Fatalf("GenerateCopyright: %v", err)
	}
	if *update {
		if err := os.WriteFile("copyright", got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile("copyright")
	if err != nil {
		t.Fatalf("%v; run: %s", err, regenerateCopyright)
	}
	if bytes.Equal(got, want) {
		return
	}
	gotModules, wantModules := filesModules(got), filesModules(want)
	var missing, extra []string
	for _, m := range gotModules {
		if !slices.Contains(wantModules, m) {
			missing = append(missing, m)
		}
	}
	for _, m := range wantModules {
		if !slices.Contains(gotModules, m) {
			extra = append(extra, m)
		}
	}
	gotLines, wantLines := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	line := 0
	for line < min(len(gotLines), len(wantLines)) && gotLines[line] == wantLines[line] {
		line++
	}
	t.Errorf("packaging/copyright is out of date; run: %s\n"+
		"linked but missing from the file: %q\n"+
		"in the file but no longer linked: %q\n"+
		"first difference at line %d:\n got: %q\nwant: %q",
		regenerateCopyright, missing, extra, line+1, at(gotLines, line), at(wantLines, line))
}

// filesModules returns the module paths a copyright file has Files
// paragraphs for.
func filesModules(copyright []byte) []string {
	var modules []string
	for line := range strings.Lines(string(copyright)) {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "Files: vendor/"); ok {
			modules = append(modules, strings.TrimSuffix(p, "/*"))
		}
	}
	return modules
}

// at returns lines[i], or "" past the end, for reporting a difference.
func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return ""
}

// TestClassify says which licence texts appconfigd may ship and under which
// SPDX name: each case is an excerpt of a real licence file, and anything
// else is refused.
func TestClassify(t *testing.T) {
	t.Parallel()
	const mit = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.`
	const bsd2 = `Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

* Redistributions of source code must retain the above copyright notice, this
  list of conditions and the following disclaimer.

* Redistributions in binary form must reproduce the above copyright notice,
  this list of conditions and the following disclaimer in the documentation
  and/or other materials provided with the distribution.`
	const bsd3Clause = `
   * Neither the name of Google Inc. nor the names of its
contributors may be used to endorse or promote products derived from
this software without specific prior written permission.`
	tests := []struct {
		name, text string
		want       string // "" when the text must be refused
	}{
		{"Apache-2.0", `
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION
   ...
   3. Grant of Patent License. Subject to the terms and conditions of`, "Apache-2.0"},
		{"MIT", "Copyright (c) 2016 Caleb Spare\n\nMIT License\n\n" + mit, "MIT"},
		{"MIT for the libyaml port, Apache-2.0 for the rest", "#### MIT License ####\n" + mit + `
### Apache License ###
Licensed under the Apache License, Version 2.0 (the "License");`, "MIT AND Apache-2.0"},
		{"BSD-3-Clause", "Copyright 2009 The Go Authors.\n\n" + bsd2 + bsd3Clause, "BSD-3-Clause"},
		{"BSD-2-Clause", "Copyright (c) 2016, Brent Pedersen - Bioinformatics\nAll rights reserved.\n\n" + bsd2, "BSD-2-Clause"},
		{"ISC", `Permission to use, copy, modify, and/or distribute this software for any
purpose with or without fee is hereby granted, provided that the above
copyright notice and this permission notice appear in all copies.

THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
WITH REGARD TO THIS SOFTWARE`, "ISC"},
		{"MPL-2.0", `Mozilla Public License Version 2.0
==================================
...
1.13. "Secondary License"`, "MPL-2.0"},
		{"BSD-3-Clause and MIT one after the other, as in modernc.org/libc's LICENSE-3RD-PARTY.md",
			"# Third-Party Software Notices\n\n## Go\n\nCopyright (c) 2009 The Go Authors. All rights reserved.\n\n" +
				bsd2 + bsd3Clause + "\n\n## musl libc\n\nCopyright © 2005-2020 Rich Felker, et al.\n\n" + mit,
			"BSD-3-Clause AND MIT"},
		{"public-domain: SQLite's dedication, modernc.org/sqlite's LICENSE-SQLITE", `SQLite Is Public Domain

All of the code and documentation in SQLite has been dedicated to the public
domain by the authors. All code authors, and representatives of the companies
they work for, have signed affidavits dedicating their contributions to the
public domain`, "public-domain"},
		{"public-domain: SQLite's blessing, its LICENSE.md", `The author disclaims copyright to this source code.  In place of
a legal notice, here is a blessing:

  *   May you do good and not evil.`, "public-domain"},
		{"refused: the blessing's first sentence alone", "The author disclaims copyright to this source code.", ""},
		{"refused: a mention of the public domain", `The implementation of blowfish crypt (src/crypt/crypt_blowfish.c) was
originally written by Solar Designer and placed into the public
domain.`, ""},
		{"refused: the blessing after the MIT licence", mit + "\n\nThe author disclaims copyright to this source code.  In place of\na legal notice, here is a blessing:", ""},
		{"refused: BSD-2-Clause and MIT, which no rule names together", bsd2 + "\n\n" + mit, ""},
		{"refused: GPL-3.0", `GNU GENERAL PUBLIC LICENSE
Version 3, 29 June 2007
Everyone is permitted to copy and distribute verbatim copies
of this license document, but changing it is not allowed.`, ""},
		{"refused: BSD-4-Clause's advertising clause", bsd2 + `
3. All advertising materials mentioning features or use of this software
   must display the following acknowledgement:` + bsd3Clause, ""},
		{"refused: a bare copyright line", "Copyright (c) 2024 Example Corp. All rights reserved.", ""},
		{"refused: empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := classify(tt.text)
			if tt.want == "" {
				if ok {
					t.Errorf("classify() = %q, true; want it refused", got)
				}
				return
			}
			if !ok || got != tt.want {
				t.Errorf("classify() = %q, %v; want %q, true", got, ok, tt.want)
			}
		})
	}
}

// TestRepositoryLicenseIsApache checks the licence appconfigd is published
// under: Apache-2.0, the licence of the AWS SDKs it implements the API of.
func TestRepositoryLicenseIsApache(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile(filepath.Join("..", "LICENSE"))
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := classify(string(text)); !ok || got != "Apache-2.0" {
		t.Errorf("classify(LICENSE) = %q, %v; want %q, true", got, ok, "Apache-2.0")
	}
}

// TestModuleLicenseRefusesWhatItCannotName checks that a dependency whose
// licence is missing or unknown stops generation with an error that names
// the module and the file to look at.
func TestModuleLicenseRefusesWhatItCannotName(t *testing.T) {
	t.Parallel()
	module := func(t *testing.T, files map[string]string) Module {
		t.Helper()
		dir := t.TempDir()
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return Module{Path: "example.com/dep", Version: "v1.0.0", Dir: dir}
	}
	t.Run("no licence file", func(t *testing.T) {
		t.Parallel()
		m := module(t, map[string]string{"README.md": "MIT licensed"})
		_, err := moduleLicense(m)
		wantErrorNaming(t, err, m.Path, "no licence file")
	})
	t.Run("unknown licence", func(t *testing.T) {
		t.Parallel()
		m := module(t, map[string]string{"License.txt": "All rights reserved."})
		_, err := moduleLicense(m)
		wantErrorNaming(t, err, m.Path, filepath.Join(m.Dir, "License.txt"))
	})
	t.Run("unknown other licence file", func(t *testing.T) {
		t.Parallel()
		m := module(t, map[string]string{"LICENSE": testBSD3, "LICENSE-FONTS": "All rights reserved."})
		_, err := moduleLicense(m)
		wantErrorNaming(t, err, m.Path, filepath.Join(m.Dir, "LICENSE-FONTS"))
	})
}

// Licence texts for the tests that build module directories.
const (
	testBSD3 = `Copyright (c) 2017 The Example Authors. All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:
* Redistributions of source code must retain the above copyright notice.
* Redistributions in binary form must reproduce the above copyright notice.
* Neither the name of the copyright holder may be used to endorse or promote
  products derived from this software without specific prior written permission.
`
	testMIT = `Copyright (c) 2024 Alex Garcia

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software, to deal in the Software without restriction, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.
`
	testSQLite = `SQLite Is Public Domain

All of the code and documentation in SQLite has been dedicated to the public
domain by the authors.
`
)

// TestModuleLicensePicksUpOtherLicenceFiles checks that every licence file at
// a module's root, whatever the case of its name, reaches the module's Files
// paragraph, and that the result is valid DEP-5.
func TestModuleLicensePicksUpOtherLicenceFiles(t *testing.T) {
	t.Parallel()
	project := License{File: "LICENSE", ID: "Apache-2.0", Text: "Apache License\n"}
	tests := []struct {
		name, path  string
		files       map[string]string
		wantExtra   []string // the File and ID of each of License.Extra
		wantLicense string   // the License field of the module's paragraph
		wantInFile  []string // more lines the output must hold
	}{{
		name: "stand-alone texts",
		path: "example.com/dep",
		files: map[string]string{
			"LICENSE":            testBSD3,
			"LICENSE-GO":         strings.Replace(testBSD3, "2017 The Example", "2009 The Go", 1),
			"licence-sqlite.txt": testSQLite,
			"COPYING.vec":        testMIT,
			"README.md":          "licensed under the LICENSE file",
			"LICENSES/MIT":       testMIT, // not at the root
		},
		wantExtra:   []string{"COPYING.vec MIT", "LICENSE-GO BSD-3-Clause", "licence-sqlite.txt public-domain"},
		wantLicense: "License: BSD-3-Clause and MIT and BSD-3-Clause~example.com/dep/LICENSE-GO and public-domain",
		wantInFile: []string{
			"Copyright: Copyright (c) 2017 The Example Authors. All rights reserved.",
			" Copyright (c) 2024 Alex Garcia",
			" Copyright (c) 2009 The Go Authors. All rights reserved.",
		},
	}, {
		name: "an expression puts every text inline",
		path: "example.com/dep",
		files: map[string]string{
			"LICENSE":              testBSD3,
			"LICENSE-3RD-PARTY.md": "# Notices\n\n" + testBSD3 + "\n" + testMIT,
		},
		wantExtra:   []string{"LICENSE-3RD-PARTY.md BSD-3-Clause AND MIT"},
		wantLicense: "License: BSD-3-Clause and MIT",
		wantInFile:  []string{" LICENSE:", " .", " LICENSE-3RD-PARTY.md:", " # Notices"},
	}, {
		name: "a file of notLicenses goes in the Comment",
		path: "modernc.org/memory",
		files: map[string]string{
			"LICENSE":      testBSD3,
			"LICENSE-LOGO": "https://commons.wikimedia.org/wiki/File:Memory_infra_logo.png\n",
		},
		wantExtra:   []string{"LICENSE-LOGO "},
		wantLicense: "License: BSD-3-Clause",
		wantInFile:  []string{" LICENSE-LOGO:", " https://commons.wikimedia.org/wiki/File:Memory_infra_logo.png"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for name, text := range tt.files {
				file := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			m := Module{Path: tt.path, Version: "v1.0.0", Dir: dir}
			lic, err := moduleLicense(m)
			if err != nil {
				t.Fatal(err)
			}
			var extra []string
			for _, x := range lic.Extra {
				extra = append(extra, x.File+" "+x.ID)
			}
			if lic.File != "LICENSE" || !slices.Equal(extra, tt.wantExtra) {
				t.Errorf("moduleLicense() = %s and %q; want LICENSE and %q", lic.File, extra, tt.wantExtra)
			}
			out, err := Copyright(project, []Module{m}, moduleLicense)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(string(out), "\n")
			for _, want := range append([]string{tt.wantLicense}, tt.wantInFile...) {
				if !slices.Contains(lines, want) {
					t.Errorf("Copyright() has no line %q:\n%s", want, out)
				}
			}
			checkLicenseParagraphs(t, out)
		})
	}
}

// TestCopyrightNamesEachLicenceOnce checks the committed copyright file
// against DEP-5's rule for licence names.
func TestCopyrightNamesEachLicenceOnce(t *testing.T) {
	t.Parallel()
	out, err := os.ReadFile("copyright")
	if err != nil {
		t.Fatalf("%v; run: %s", err, regenerateCopyright)
	}
	checkLicenseParagraphs(t, out)
}

// checkLicenseParagraphs fails t unless every licence name a Files
// paragraph's License field gives without a text has exactly one
// stand-alone License paragraph, and every such paragraph is used.
func checkLicenseParagraphs(t *testing.T, copyright []byte) {
	t.Helper()
	standAlone := map[string]int{}
	var used []string
	for para := range strings.SplitSeq(string(copyright), "\n\n") {
		lines := strings.Split(strings.TrimSuffix(para, "\n"), "\n")
		if name, ok := strings.CutPrefix(lines[0], "License: "); ok {
			standAlone[name]++
			continue
		}
		for i, line := range lines {
			expr, ok := strings.CutPrefix(line, "License: ")
			if ok && (i+1 == len(lines) || !strings.HasPrefix(lines[i+1], " ")) {
				used = append(used, strings.Split(expr, " and ")...)
			}
		}
	}
	for _, name := range used {
		if standAlone[name] != 1 {
			t.Errorf("licence %q has %d stand-alone License paragraphs; want 1", name, standAlone[name])
		}
	}
	for name := range standAlone {
		if !slices.Contains(used, name) {
			t.Errorf("stand-alone License paragraph %q is used by no Files paragraph", name)
		}
	}
}

// TestLinkedModulesAreLinux checks that the modules listed are those of a
// Linux build whatever the host: with GOOS=darwin in the environment, as on
// a Mac, the answer is the one for GOOS=linux (darwin links other modules).
func TestLinkedModulesAreLinux(t *testing.T) {
	var got [2][]string
	for i, goos := range []string{"darwin", "linux"} {
		t.Setenv("GOOS", goos)
		modules, err := LinkedModules(t.Context(), "..", binaryPackage)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range modules {
			got[i] = append(got[i], m.Path)
		}
	}
	if !slices.Equal(got[0], got[1]) {
		t.Errorf("LinkedModules with GOOS=darwin = %q\nwith GOOS=linux = %q", got[0], got[1])
	}
}

// wantErrorNaming fails t unless err mentions every one of want.
func wantErrorNaming(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error; want one naming %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not name %q", err, w)
		}
	}
}
