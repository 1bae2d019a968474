package packaging

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// dockerfilePath is the repository's Dockerfile: go test runs in this
// package's directory, one below the repository root.
const dockerfilePath = "../Dockerfile"

// dockerfileInstruction is one Dockerfile instruction with its
// continuation lines joined, as Docker reads it, and the line it starts
// on, which messages name.
type dockerfileInstruction struct {
	line int
	cmd  string // the keyword, upper-case: FROM, RUN, …
	args string
}

// dockerfileAt formats a message about in, naming its line, so that each
// message points at the line to fix.
func dockerfileAt(in dockerfileInstruction, format string, args ...any) string {
	return fmt.Sprintf("line %d: ", in.line) + fmt.Sprintf(format, args...)
}

// parseDockerfile splits text into instructions as Docker does: a line
// whose first non-blank character is # is a comment, also between
// continuation lines; blank lines are skipped; a line ending in \
// continues on the next. Heredocs are not supported: the Dockerfile uses
// none.
func parseDockerfile(text string) []dockerfileInstruction {
	var out []dockerfileInstruction
	var parts []string
	start, open := 0, false
	flush := func() {
		joined := strings.Join(parts, " ")
		parts, open = nil, false
		if fields := strings.Fields(joined); len(fields) > 0 {
			args := strings.TrimSpace(joined[len(fields[0]):])
			out = append(out, dockerfileInstruction{line: start, cmd: strings.ToUpper(fields[0]), args: args})
		}
	}
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if !open {
			start, open = i+1, true
		}
		body, more := strings.CutSuffix(trimmed, `\`)
		if body = strings.TrimSpace(body); body != "" {
			parts = append(parts, body)
		}
		if !more {
			flush()
		}
	}
	flush()
	return out
}

// dockerfileStage is one build stage: its FROM, the base image it names
// (without flags such as --platform), its AS name and its instructions.
type dockerfileStage struct {
	from  dockerfileInstruction
	image string
	name  string
	body  []dockerfileInstruction
}

// last returns the stage's last instruction with keyword cmd: of USER,
// CMD, ENTRYPOINT and HEALTHCHECK, the last is the one that counts.
func (s dockerfileStage) last(cmd string) (dockerfileInstruction, bool) {
	for _, in := range slices.Backward(s.body) {
		if in.cmd == cmd {
			return in, true
		}
	}
	return dockerfileInstruction{}, false
}

// each returns the stage's instructions with keyword cmd.
func (s dockerfileStage) each(cmd string) []dockerfileInstruction {
	var out []dockerfileInstruction
	for _, in := range s.body {
		if in.cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// dockerfile is a parsed Dockerfile: every instruction, for the rules
// about all of them, and its stages, the last of which is the image.
type dockerfile struct {
	all    []dockerfileInstruction
	stages []dockerfileStage
}

// newDockerfile parses text into instructions and stages.
func newDockerfile(text string) dockerfile {
	d := dockerfile{all: parseDockerfile(text)}
	for _, in := range d.all {
		if in.cmd != "FROM" {
			if n := len(d.stages); n > 0 {
				d.stages[n-1].body = append(d.stages[n-1].body, in)
			}
			continue
		}
		s := dockerfileStage{from: in}
		words := slices.DeleteFunc(strings.Fields(in.args), func(w string) bool { return strings.HasPrefix(w, "--") })
		if len(words) > 0 {
			s.image = words[0]
		}
		if len(words) == 3 && strings.EqualFold(words[1], "AS") {
			s.name = words[2]
		}
		d.stages = append(d.stages, s)
	}
	return d
}

// final returns the last stage, the one the image is made of, or the
// zero stage when there is no FROM.
func (d dockerfile) final() dockerfileStage {
	if len(d.stages) == 0 {
		return dockerfileStage{}
	}
	return d.stages[len(d.stages)-1]
}

// dockerfileExecForm returns the argv an ENTRYPOINT, CMD or HEALTHCHECK's
// CMD runs, and an error for the shell form: it needs /bin/sh, which the
// distroless image lacks, and a shell would keep SIGTERM from the server.
func dockerfileExecForm(in dockerfileInstruction) ([]string, error) {
	args := in.args
	if in.cmd == "HEALTHCHECK" {
		for strings.HasPrefix(args, "--") {
			_, args, _ = strings.Cut(args, " ")
			args = strings.TrimSpace(args)
		}
		cmd, rest, _ := strings.Cut(args, " ")
		if !strings.EqualFold(cmd, "CMD") {
			return nil, fmt.Errorf("got HEALTHCHECK %s; want HEALTHCHECK [options] CMD [...]", in.args)
		}
		args = strings.TrimSpace(rest)
	}
	var argv []string
	if err := json.Unmarshal([]byte(args), &argv); err != nil || len(argv) == 0 {
		return nil, fmt.Errorf("got %s %s, the shell form; want the exec form, a JSON array of strings", in.cmd, in.args)
	}
	return argv, nil
}

// dockerfileRules lists the rules the Dockerfile must pass, in the order
// of its subtests; a function rather than a variable, so that no test can
// change what another runs.
func dockerfileRules() []containerRule[dockerfile] {
	return []containerRule[dockerfile]{
		{"EveryBaseImageIsPinned", dockerfileEveryBaseImageIsPinned},
		{"FinalStageRunsAsNonRoot", dockerfileFinalStageRunsAsNonRoot},
		{"FinalStageRunsNothing", dockerfileFinalStageRunsNothing},
		{"ExecFormOnly", dockerfileExecFormOnly},
		{"HealthcheckUsesTheBinary", dockerfileHealthcheckUsesTheBinary},
		{"NoAddForLocalFiles", dockerfileNoAddForLocalFiles},
		{"BinaryIsStatic", dockerfileBinaryIsStatic},
		{"ServesOnTheExposedPort", dockerfileServesOnTheExposedPort},
		{"CommandIsServe", dockerfileCommandIsServe},
		{"DataDirectoryIsAWritableVolume", dockerfileDataDirectoryIsAWritableVolume},
	}
}

// dockerfileProblems returns one message per mistake in the Dockerfile
// text, each naming its rule and line.
func dockerfileProblems(text string) []string {
	return containerProblems(dockerfileRules(), newDockerfile(text))
}

// dockerfileEveryBaseImageIsPinned: every FROM names a tag or digest other
// than latest (or an earlier stage), so that a rebuild builds the same.
func dockerfileEveryBaseImageIsPinned(d dockerfile) []string {
	if len(d.stages) == 0 {
		return []string{"got no FROM; want a pinned base image"}
	}
	var out []string
	known := map[string]bool{"scratch": true}
	for _, s := range d.stages {
		if !known[strings.ToLower(s.image)] {
			if why := containerImageUnpinned(s.image); why != "" {
				out = append(out, dockerfileAt(s.from, "%s", why))
			}
		}
		if s.name != "" {
			known[strings.ToLower(s.name)] = true
		}
	}
	return out
}

// dockerfileFinalStageRunsAsNonRoot: the image states a non-root USER, so
// that a change of base image cannot make the server run as root.
func dockerfileFinalStageRunsAsNonRoot(d dockerfile) []string {
	s := d.final()
	u, ok := s.last("USER")
	if !ok {
		return []string{dockerfileAt(s.from, "got no USER in the final stage; want a non-root one stated, such as USER nonroot:nonroot")}
	}
	if user, _, _ := strings.Cut(u.args, ":"); user == "root" || strings.Trim(user, "0") == "" {
		return []string{dockerfileAt(u, "got USER %s; want a non-root user, such as nonroot (uid 65532)", u.args)}
	}
	return nil
}

// dockerfileFinalStageRunsNothing: the final stage has no RUN, which would
// need the shell the distroless base lacks; work is for the build stage.
func dockerfileFinalStageRunsNothing(d dockerfile) []string {
	var out []string
	for _, in := range d.final().each("RUN") {
		out = append(out, dockerfileAt(in, "got RUN %s in the final stage; want it in the build stage, since the final one has no shell", in.args))
	}
	return out
}

// dockerfileExecFormOnly: ENTRYPOINT, CMD and HEALTHCHECK's CMD are JSON
// arrays (see dockerfileExecForm for why).
func dockerfileExecFormOnly(d dockerfile) []string {
	var out []string
	for _, in := range d.all {
		switch {
		case in.cmd == "HEALTHCHECK" && strings.EqualFold(in.args, "NONE"):
		case in.cmd == "ENTRYPOINT" || in.cmd == "CMD" || in.cmd == "HEALTHCHECK":
			if _, err := dockerfileExecForm(in); err != nil {
				out = append(out, dockerfileAt(in, "%v", err))
			}
		}
	}
	return out
}

// dockerfileHealthcheckUsesTheBinary: the HEALTHCHECK runs the ENTRYPOINT's
// binary's healthcheck command, since the image has no curl or wget.
func dockerfileHealthcheckUsesTheBinary(d dockerfile) []string {
	s := d.final()
	hc, ok := s.last("HEALTHCHECK")
	if !ok {
		return []string{dockerfileAt(s.from, "got no HEALTHCHECK in the final stage; want one running the binary's healthcheck command")}
	}
	ep, ok := s.last("ENTRYPOINT")
	if !ok {
		return []string{dockerfileAt(s.from, "got no ENTRYPOINT in the final stage; want the binary")}
	}
	check, err1 := dockerfileExecForm(hc)
	entry, err2 := dockerfileExecForm(ep)
	if err1 != nil || err2 != nil {
		return nil // ExecFormOnly reports it
	}
	var out []string
	if check[0] != entry[0] {
		out = append(out, dockerfileAt(hc, "got HEALTHCHECK running %q; want the ENTRYPOINT's %q", check[0], entry[0]))
	}
	if len(check) < 2 || check[1] != "healthcheck" {
		out = append(out, dockerfileAt(hc, "got HEALTHCHECK CMD %q; want %q's healthcheck command", check, entry[0]))
	}
	return out
}

// dockerfileNoAddForLocalFiles: files come in with COPY, since ADD also
// fetches URLs and unpacks archives, which no step here means to do.
func dockerfileNoAddForLocalFiles(d dockerfile) []string {
	var out []string
	for _, in := range d.all {
		if in.cmd == "ADD" {
			out = append(out, dockerfileAt(in, "got ADD %s; want COPY", in.args))
		}
	}
	return out
}

// dockerfileBinaryIsStatic: go build runs with CGO_ENABLED=0, since the
// distroless static base has no libc for a dynamically linked binary.
func dockerfileBinaryIsStatic(d dockerfile) []string {
	var out []string
	builds := 0
	for _, s := range d.stages {
		static := false
		for _, in := range s.body {
			if in.cmd == "ENV" && strings.Contains(in.args, "CGO_ENABLED=0") {
				static = true
			}
			if in.cmd != "RUN" || !strings.Contains(in.args, "go build") {
				continue
			}
			builds++
			if !static && !strings.Contains(in.args, "CGO_ENABLED=0") {
				out = append(out, dockerfileAt(in, "got go build without CGO_ENABLED=0; want a static binary"))
			}
		}
	}
	if builds == 0 {
		out = append(out, "got no RUN go build; want the binary built in a build stage")
	}
	return out
}

// dockerfileServesOnTheExposedPort: the one EXPOSEd port is the one CMD's
// --listen serves on and the one the HEALTHCHECK asks, so that changing
// one without the others shows.
func dockerfileServesOnTheExposedPort(d dockerfile) []string {
	s := d.final()
	var ports []string
	for _, in := range s.each("EXPOSE") {
		for _, p := range strings.Fields(in.args) {
			ports = append(ports, strings.TrimSuffix(p, "/tcp"))
		}
	}
	if len(ports) != 1 {
		return []string{dockerfileAt(s.from, "got EXPOSE %q in the final stage; want exactly one port, the server's", ports)}
	}
	port := ports[0]
	var out []string
	if cmd, ok := s.last("CMD"); !ok {
		out = append(out, dockerfileAt(s.from, "got no CMD; want one serving on port %s", port))
	} else if argv, err := dockerfileExecForm(cmd); err == nil {
		listen := containerFlag(argv, "listen")
		if _, p, err := net.SplitHostPort(listen); err != nil || p != port {
			out = append(out, dockerfileAt(cmd, "got CMD --listen %q; want port %s, the EXPOSEd one", listen, port))
		}
	}
	if hc, ok := s.last("HEALTHCHECK"); ok {
		if argv, err := dockerfileExecForm(hc); err == nil {
			raw := containerFlag(argv, "url")
			if u, err := url.Parse(raw); err != nil || u.Port() != port {
				out = append(out, dockerfileAt(hc, "got HEALTHCHECK --url %q; want port %s, the EXPOSEd one", raw, port))
			}
		}
	}
	return out
}

// dockerfileCommandIsServe: CMD starts the server with appconfigd's serve
// command, so that the image serves when run without arguments.
func dockerfileCommandIsServe(d dockerfile) []string {
	s := d.final()
	cmd, ok := s.last("CMD")
	if !ok {
		return []string{dockerfileAt(s.from, `got no CMD in the final stage; want CMD ["serve", ...]`)}
	}
	if argv, err := dockerfileExecForm(cmd); err == nil && argv[0] != "serve" {
		return []string{dockerfileAt(cmd, "got CMD running %q; want %q", argv[0], "serve")}
	}
	return nil
}

// dockerfileDataDirectoryIsAWritableVolume: CMD's --data directory is a
// VOLUME, so that the SQLite database outlives the container, and a COPY
// --chown to a non-root owner creates it, since Docker would otherwise
// create it owned by root and the server could not write to it.
func dockerfileDataDirectoryIsAWritableVolume(d dockerfile) []string {
	s := d.final()
	cmd, ok := s.last("CMD")
	if !ok {
		return nil // CommandIsServe reports it
	}
	argv, err := dockerfileExecForm(cmd)
	if err != nil {
		return nil // ExecFormOnly reports it
	}
	dir := containerFlag(argv, "data")
	if dir == "" {
		return []string{dockerfileAt(cmd, "got CMD without --data; want the data directory on the VOLUME")}
	}
	var out, volumes []string
	for _, in := range s.each("VOLUME") {
		var list []string
		if json.Unmarshal([]byte(in.args), &list) != nil {
			list = strings.Fields(in.args)
		}
		volumes = append(volumes, list...)
	}
	if !slices.Contains(volumes, dir) {
		out = append(out, dockerfileAt(cmd, "got VOLUME %q; want --data %s among them", volumes, dir))
	}
	owned := slices.ContainsFunc(s.each("COPY"), func(in dockerfileInstruction) bool {
		fields := strings.Fields(in.args)
		if len(fields) == 0 || strings.TrimSuffix(fields[len(fields)-1], "/") != dir {
			return false
		}
		for _, f := range fields {
			if owner, ok := strings.CutPrefix(f, "--chown="); ok {
				user, _, _ := strings.Cut(owner, ":")
				return user != "root" && strings.Trim(user, "0") != ""
			}
		}
		return false
	})
	if !owned {
		out = append(out, dockerfileAt(s.from, "got no COPY --chown creating %s in the final stage; want it owned by the non-root user", dir))
	}
	return out
}

// TestDockerfileParserJoinsContinuationsAndSkipsComments checks the parser
// the rules rely on, since a rule reading a wrongly parsed file passes or
// fails for the wrong reason.
func TestDockerfileParserJoinsContinuationsAndSkipsComments(t *testing.T) {
	t.Parallel()
	text := "# syntax=docker/dockerfile:1\nFROM a:1 AS b\n# a comment\nRUN one \\\n    # a comment inside\n\n    two \\\n  three\nCMD [\"x\"]\n  user  nobody\n"
	got := parseDockerfile(text)
	want := []dockerfileInstruction{
		{line: 2, cmd: "FROM", args: "a:1 AS b"},
		{line: 4, cmd: "RUN", args: "one two three"},
		{line: 9, cmd: "CMD", args: `["x"]`},
		{line: 10, cmd: "USER", args: "nobody"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("parseDockerfile(%q)\n got %+v\nwant %+v", text, got, want)
	}
}

// TestDockerfile lints the repository's Dockerfile, one subtest per rule.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	d := newDockerfile(containerReadFile(t, dockerfilePath))
	if got := len(d.stages); got < 2 {
		t.Fatalf("got %d stages; want a build stage and a final one", got)
	}
	containerRunRules(t, dockerfileRules(), d)
}

// TestDockerfileRulesCatchMistakes breaks the shipped Dockerfile in the
// ways an edit to it plausibly would (latest tags, a shell form, root, a
// port changed in one place only), since TestDockerfile passing proves
// nothing unless each rule is seen to fail on the mistake it is for.
func TestDockerfileRulesCatchMistakes(t *testing.T) {
	t.Parallel()
	lint := containerLinter{path: dockerfilePath, file: "Dockerfile", problemsName: "dockerfileProblems", problems: dockerfileProblems}
	containerCatchesMistakes(t, lint, []containerMistake{
		{"LatestBuildImage", containerReplace("golang:1.26.8-bookworm", "golang:latest"), "EveryBaseImageIsPinned"},
		{"UntaggedFinalImage", containerReplace("static-debian12:nonroot", "static-debian12"), "EveryBaseImageIsPinned"},
		{"NoUser", containerReplace("USER nonroot:nonroot\n", ""), "FinalStageRunsAsNonRoot"},
		{"UserOnlyInAComment", containerReplace("USER nonroot:nonroot", "# USER nonroot:nonroot"), "FinalStageRunsAsNonRoot"},
		{"RootUser", containerReplace("USER nonroot:nonroot", "USER 0:0"), "FinalStageRunsAsNonRoot"},
		{"RunInTheFinalStage", containerReplace("USER nonroot:nonroot", "USER nonroot:nonroot\nRUN mkdir /tmp/x"), "FinalStageRunsNothing"},
		{"ShellFormCmd", containerReplace(`CMD ["serve", "--listen", ":2771", "--data", "/var/lib/appconfigd"]`, "CMD serve --listen :2771 --data /var/lib/appconfigd"), "ExecFormOnly"},
		{"ShellFormEntrypoint", containerReplace(`ENTRYPOINT ["/usr/bin/appconfigd"]`, "ENTRYPOINT /usr/bin/appconfigd"), "ExecFormOnly"},
		{"ShellFormHealthcheck", containerReplace(`CMD ["/usr/bin/appconfigd", "healthcheck", "--url", "http://127.0.0.1:2771/healthz"]`, "CMD /usr/bin/appconfigd healthcheck --url http://127.0.0.1:2771/healthz"), "ExecFormOnly"},
		{"HealthcheckWithCurl", containerReplace(`"/usr/bin/appconfigd", "healthcheck"`, `"curl", "-f"`), "HealthcheckUsesTheBinary"},
		{"HealthcheckWithoutTheCommand", containerReplace(`"healthcheck", "--url"`, `"--url"`), "HealthcheckUsesTheBinary"},
		{"NoHealthcheck", containerCutFrom("HEALTHCHECK"), "HealthcheckUsesTheBinary"},
		{"AddInsteadOfCopy", containerReplace("COPY . .", "ADD . ."), "NoAddForLocalFiles"},
		{"CgoLeftOn", containerReplace("CGO_ENABLED=0 go build", "go build"), "BinaryIsStatic"},
		{"OtherPortExposed", containerReplace("EXPOSE 2771", "EXPOSE 8080"), "ServesOnTheExposedPort"},
		{"HealthcheckOnOtherPort", containerReplace("127.0.0.1:2771", "127.0.0.1:8080"), "ServesOnTheExposedPort"},
		{"ListenOnOtherPort", containerReplace(`":2771"`, `":8080"`), "ServesOnTheExposedPort"},
		{"CommandNotServe", containerReplace(`CMD ["serve",`, `CMD ["server",`), "CommandIsServe"},
		{"DataNotAVolume", containerReplace("VOLUME /var/lib/appconfigd\n", ""), "DataDirectoryIsAWritableVolume"},
		{"DataOwnedByRoot", containerReplace("--chown=65532:65532 ", ""), "DataDirectoryIsAWritableVolume"},
	})
}
