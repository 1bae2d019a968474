package packaging

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// There is no Docker engine and no Kubernetes cluster to try the image and
// the example on, so these tests lint them instead, with rules in the
// spirit of hadolint and kubeconform. Every rule is a function that both
// the test of the shipped file and a test feeding it mistakes run: a rule
// that cannot fail would otherwise pass unnoticed.

// dockerfilePath is the repository's Dockerfile: go test runs in this
// package's directory, one below the repository root.
const dockerfilePath = "../Dockerfile"

// kubeExamplePath is the Kubernetes example, which lives in this package.
const kubeExamplePath = "kubernetes/appconfigd.yaml"

// containerRule is one lint rule over a parsed file of type T: its name,
// which is its subtest's and starts each of its messages, and a check
// returning one message per mistake, saying where the mistake is.
type containerRule[T any] struct {
	name  string
	check func(T) []string
}

// containerProblems runs rules over x and returns every message, each
// prefixed with its rule's name, so that a caller can tell which rule
// caught a mistake.
func containerProblems[T any](rules []containerRule[T], x T) []string {
	var out []string
	for _, r := range rules {
		for _, msg := range r.check(x) {
			out = append(out, r.name+": "+msg)
		}
	}
	return out
}

// containerImageUnpinned says why the image reference ref is not pinned,
// or returns "": an image without a tag is latest, and latest changes
// under a build or a rollout without anyone deciding it.
func containerImageUnpinned(ref string) string {
	if _, digest, ok := strings.Cut(ref, "@"); ok && digest != "" {
		return ""
	}
	name := ref[strings.LastIndex(ref, "/")+1:] // a registry's :port is no tag
	switch _, tag, ok := strings.Cut(name, ":"); {
	case !ok || tag == "":
		return fmt.Sprintf("got image %q without a tag or digest, which means latest; want a pinned tag", ref)
	case tag == "latest":
		return fmt.Sprintf("got image %q; want a pinned tag or digest, never latest", ref)
	}
	return ""
}

// containerFlag returns the value of the flag name (-name or --name,
// followed by its value or by =value) in argv, or "": the image and the
// example pass the server its port and data directory as flags.
func containerFlag(argv []string, name string) string {
	for i, a := range argv {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		a = strings.TrimLeft(a, "-")
		if a == name && i+1 < len(argv) {
			return argv[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

// containerReadFile returns the file at path, failing the test if it
// cannot be read.
func containerReadFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return string(b)
}

// containerEdit turns a shipped file's text into a broken one for the
// tests that feed the rules mistakes.
type containerEdit func(t *testing.T, text string) string

// containerReplace is an edit replacing old, which must occur exactly
// once, so that a changed file fails loudly rather than silently leaving
// a case testing nothing.
func containerReplace(old, replacement string) containerEdit {
	return func(t *testing.T, text string) string {
		t.Helper()
		if n := strings.Count(text, old); n != 1 {
			t.Fatalf("the file holds %q %d times; want once, so that the case breaks what it means to", old, n)
		}
		return strings.Replace(text, old, replacement, 1)
	}
}

// containerCutFrom is an edit dropping everything from marker on, which
// must occur in the text.
func containerCutFrom(marker string) containerEdit {
	return func(t *testing.T, text string) string {
		t.Helper()
		before, _, ok := strings.Cut(text, marker)
		if !ok {
			t.Fatalf("the file does not hold %q", marker)
		}
		return before
	}
}

// containerCaught reports whether problems holds a message of rule.
func containerCaught(problems []string, rule string) bool {
	return slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, rule+": ") })
}

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
	for _, r := range dockerfileRules() {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			for _, msg := range r.check(d) {
				t.Error(msg)
			}
		})
	}
}

// TestDockerfileRulesCatchMistakes feeds the rules the shipped Dockerfile
// with one mistake each and asserts the rule meant for it catches it.
func TestDockerfileRulesCatchMistakes(t *testing.T) {
	t.Parallel()
	good := containerReadFile(t, dockerfilePath)
	if got := dockerfileProblems(good); len(got) != 0 {
		t.Fatalf("dockerfileProblems(the shipped Dockerfile) = %q; want none, so that each case shows its own mistake", got)
	}
	tests := []struct {
		name     string
		edit     containerEdit
		wantRule string
	}{
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := dockerfileProblems(tt.edit(t, good))
			if !containerCaught(got, tt.wantRule) {
				t.Errorf("dockerfileProblems = %q; want a problem from %s", got, tt.wantRule)
			}
		})
	}
}

// kubeMeta is the metadata the rules read.
type kubeMeta struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels"`
}

// kubeSecret is a Secret, for the keys the Deployment may refer to.
type kubeSecret struct {
	Metadata   kubeMeta          `yaml:"metadata"`
	StringData map[string]string `yaml:"stringData"`
	Data       map[string]string `yaml:"data"`
}

// kubeDeployment is a Deployment, with the fields the rules read.
type kubeDeployment struct {
	Metadata kubeMeta `yaml:"metadata"`
	Spec     struct {
		Selector struct {
			MatchLabels map[string]string `yaml:"matchLabels"`
		} `yaml:"selector"`
		Template struct {
			Metadata kubeMeta `yaml:"metadata"`
			Spec     struct {
				SecurityContext struct {
					RunAsNonRoot   *bool  `yaml:"runAsNonRoot"`
					RunAsUser      *int64 `yaml:"runAsUser"`
					SeccompProfile struct {
						Type string `yaml:"type"`
					} `yaml:"seccompProfile"`
				} `yaml:"securityContext"`
				Containers []kubeContainer `yaml:"containers"`
				Volumes    []kubeVolume    `yaml:"volumes"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

// kubeContainer is a Deployment's container, with the fields the rules
// read.
type kubeContainer struct {
	Name  string   `yaml:"name"`
	Image string   `yaml:"image"`
	Args  []string `yaml:"args"`
	Env   []struct {
		Name      string `yaml:"name"`
		Value     string `yaml:"value"`
		ValueFrom struct {
			SecretKeyRef *struct {
				Name string `yaml:"name"`
				Key  string `yaml:"key"`
			} `yaml:"secretKeyRef"`
		} `yaml:"valueFrom"`
	} `yaml:"env"`
	Ports          []kubeContainerPort `yaml:"ports"`
	ReadinessProbe *kubeProbe          `yaml:"readinessProbe"`
	LivenessProbe  *kubeProbe          `yaml:"livenessProbe"`
	Resources      struct {
		Requests map[string]string `yaml:"requests"`
		Limits   map[string]string `yaml:"limits"`
	} `yaml:"resources"`
	SecurityContext struct {
		AllowPrivilegeEscalation *bool  `yaml:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   *bool  `yaml:"readOnlyRootFilesystem"`
		Privileged               *bool  `yaml:"privileged"`
		RunAsUser                *int64 `yaml:"runAsUser"`
		Capabilities             struct {
			Drop []string `yaml:"drop"`
		} `yaml:"capabilities"`
	} `yaml:"securityContext"`
	VolumeMounts []kubeVolumeMount `yaml:"volumeMounts"`
}

// kubeContainerPort is a port a container declares, which probes and
// Services may name.
type kubeContainerPort struct {
	Name          string `yaml:"name"`
	ContainerPort int    `yaml:"containerPort"`
}

// kubeVolumeMount mounts one of the pod's volumes into a container.
type kubeVolumeMount struct {
	Name      string `yaml:"name"`
	MountPath string `yaml:"mountPath"`
}

// kubeVolume is one of the pod's volumes, which mounts must name.
type kubeVolume struct {
	Name string `yaml:"name"`
}

// kubeProbe is a readiness or liveness probe; Port is a name or a number.
type kubeProbe struct {
	HTTPGet *struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
}

// kubeService is a Service; TargetPort is a name, a number or absent.
type kubeService struct {
	Metadata kubeMeta `yaml:"metadata"`
	Spec     struct {
		Type     string            `yaml:"type"`
		Selector map[string]string `yaml:"selector"`
		Ports    []struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort any    `yaml:"targetPort"`
		} `yaml:"ports"`
	} `yaml:"spec"`
}

// kubeDoc is one document as generic maps, for the schema check, which
// must see the keys that no struct names.
type kubeDoc struct {
	kind, name string
	raw        map[string]any
}

// kubeExample is the parsed example: every document, and those of the
// kinds it holds decoded into the structs the rules read.
type kubeExample struct {
	docs        []kubeDoc
	secrets     []kubeSecret
	deployments []kubeDeployment
	services    []kubeService
}

// parseKubeExample decodes every document of the multi-document text,
// skipping empty ones, as kubectl does.
func parseKubeExample(text string) (kubeExample, error) {
	var ex kubeExample
	dec := yaml.NewDecoder(strings.NewReader(text))
	for {
		var node yaml.Node
		if err := dec.Decode(&node); errors.Is(err, io.EOF) {
			return ex, nil
		} else if err != nil {
			return ex, err
		}
		var raw map[string]any
		if err := node.Decode(&raw); err != nil {
			return ex, fmt.Errorf("document at line %d: %w", node.Line, err)
		}
		if raw == nil {
			continue
		}
		doc := kubeDoc{raw: raw}
		doc.kind, _ = raw["kind"].(string)
		doc.name, _ = kubeLookup(raw, "metadata.name").(string)
		ex.docs = append(ex.docs, doc)
		var err error
		switch doc.kind {
		case "Secret":
			var s kubeSecret
			err = node.Decode(&s)
			ex.secrets = append(ex.secrets, s)
		case "Deployment":
			var d kubeDeployment
			err = node.Decode(&d)
			ex.deployments = append(ex.deployments, d)
		case "Service":
			var s kubeService
			err = node.Decode(&s)
			ex.services = append(ex.services, s)
		}
		if err != nil {
			return ex, fmt.Errorf("%s %s: %w", doc.kind, doc.name, err)
		}
	}
}

// kubeLookup returns the value at the dotted path in raw, or nil.
func kubeLookup(raw map[string]any, path string) any {
	var v any = raw
	for key := range strings.SplitSeq(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[key]
	}
	return v
}

// containers yields every container of every Deployment with a name for
// messages, since most rules are about containers.
func (ex kubeExample) containers() iter.Seq2[string, kubeContainer] {
	return func(yield func(string, kubeContainer) bool) {
		for _, d := range ex.deployments {
			for _, c := range d.Spec.Template.Spec.Containers {
				if !yield(fmt.Sprintf("Deployment %s container %s", d.Metadata.Name, c.Name), c) {
					return
				}
			}
		}
	}
}

// kubeSelects reports whether selector is not empty and every label it
// asks for is among labels: an empty selector selects nothing useful.
func kubeSelects(selector, labels map[string]string) bool {
	for k, v := range selector {
		if labels[k] != v {
			return false
		}
	}
	return len(selector) > 0
}

// kubePortMatches reports whether port, a name or a number as Kubernetes
// allows in probes and targetPort, is one of the container's ports.
func kubePortMatches(c kubeContainer, port any) bool {
	return slices.ContainsFunc(c.Ports, func(p kubeContainerPort) bool {
		switch port := port.(type) {
		case string:
			return port != "" && port == p.Name
		case int:
			return port == p.ContainerPort
		}
		return false
	})
}

// kubeRules lists the rules the example must pass, in the order of its
// subtests; a function, so that no test can change what another runs.
func kubeRules() []containerRule[kubeExample] {
	return []containerRule[kubeExample]{
		{"HoldsASecretADeploymentAndAService", kubeHoldsASecretADeploymentAndAService},
		{"FieldsMatchTheSchema", kubeFieldsMatchTheSchema},
		{"EveryDocumentHasAKindAndName", kubeEveryDocumentHasAKindAndName},
		{"ImageIsPinned", kubeImageIsPinned},
		{"ProbesAreHealthzAndReadyz", kubeProbesAreHealthzAndReadyz},
		{"SecretsComeFromTheSecret", kubeSecretsComeFromTheSecret},
		{"SelectorsMatchTheTemplate", kubeSelectorsMatchTheTemplate},
		{"RunsAsNonRootWithoutPrivileges", kubeRunsAsNonRootWithoutPrivileges},
		{"ServiceTargetsTheContainerPort", kubeServiceTargetsTheContainerPort},
		{"ResourcesAreBounded", kubeResourcesAreBounded},
		{"DataDirectoryIsAMountedVolume", kubeDataDirectoryIsAMountedVolume},
	}
}

// kubeProblems returns one message per mistake in the example text, each
// naming its rule and the object.
func kubeProblems(text string) []string {
	ex, err := parseKubeExample(text)
	if err != nil {
		return []string{"Parse: " + err.Error()}
	}
	return containerProblems(kubeRules(), ex)
}

// kubeHoldsASecretADeploymentAndAService: the example is whole, so that
// the other rules do not pass for lack of something to check.
func kubeHoldsASecretADeploymentAndAService(ex kubeExample) []string {
	got := [3]int{len(ex.secrets), len(ex.deployments), len(ex.services)}
	if got != [3]int{1, 1, 1} {
		return []string{fmt.Sprintf("got %d Secrets, %d Deployments and %d Services; want one of each", got[0], got[1], got[2])}
	}
	return nil
}

// kubeFieldsMatchTheSchema is the structural check kubectl would make:
// each object is of a kind the example may hold, at its apiVersion, has
// that kind's required fields and no unknown top-level key, where a typo
// would make Kubernetes refuse, or silently drop, the field.
func kubeFieldsMatchTheSchema(ex kubeExample) []string {
	required := map[string][]string{
		"v1 Secret":          {"metadata.name", "type"},
		"apps/v1 Deployment": {"metadata.name", "spec.selector.matchLabels", "spec.template.metadata.labels", "spec.template.spec.containers"},
		"v1 Service":         {"metadata.name", "spec.selector", "spec.ports"},
	}
	topLevel := []string{"apiVersion", "kind", "metadata", "spec", "type", "stringData", "data"}
	var out []string
	for _, doc := range ex.docs {
		where := strings.TrimSpace(doc.kind + " " + doc.name)
		apiVersion, _ := doc.raw["apiVersion"].(string)
		fields, ok := required[apiVersion+" "+doc.kind]
		if !ok {
			out = append(out, fmt.Sprintf("%s: got apiVersion %q kind %q; want one of v1 Secret, apps/v1 Deployment, v1 Service", where, apiVersion, doc.kind))
		}
		for _, path := range fields {
			if kubeLookup(doc.raw, path) == nil {
				out = append(out, fmt.Sprintf("%s: got no %s; want it", where, path))
			}
		}
		for key := range doc.raw {
			if !slices.Contains(topLevel, key) {
				out = append(out, fmt.Sprintf("%s: got top-level key %q; want only %q", where, key, topLevel))
			}
		}
	}
	slices.Sort(out) // map order must not change the messages
	return out
}

// kubeEveryDocumentHasAKindAndName: every object has a kind and a name,
// unique within its kind, so that kubectl apply knows what it updates.
func kubeEveryDocumentHasAKindAndName(ex kubeExample) []string {
	var out []string
	seen := map[string]bool{}
	for i, doc := range ex.docs {
		if doc.kind == "" || doc.name == "" {
			out = append(out, fmt.Sprintf("document %d: got kind %q name %q; want both", i+1, doc.kind, doc.name))
			continue
		}
		if seen[doc.kind+"/"+doc.name] {
			out = append(out, fmt.Sprintf("document %d: got a second %s %s; want names unique per kind", i+1, doc.kind, doc.name))
		}
		seen[doc.kind+"/"+doc.name] = true
	}
	return out
}

// kubeImageIsPinned: the image has a tag or digest other than latest, so
// that replicas run the same version and a rollout is a decision.
func kubeImageIsPinned(ex kubeExample) []string {
	var out []string
	for where, c := range ex.containers() {
		if why := containerImageUnpinned(c.Image); why != "" {
			out = append(out, where+": "+why)
		}
	}
	return out
}

// kubeProbesAreHealthzAndReadyz: readiness asks /readyz, which fails while
// the database does not answer, and liveness /healthz, which does not, so
// that a database outage takes replicas out of the Service without
// restarting them; both on one of the container's ports.
func kubeProbesAreHealthzAndReadyz(ex kubeExample) []string {
	var out []string
	for where, c := range ex.containers() {
		for _, p := range []struct {
			name, want string
			probe      *kubeProbe
		}{{"readinessProbe", "/readyz", c.ReadinessProbe}, {"livenessProbe", "/healthz", c.LivenessProbe}} {
			switch {
			case p.probe == nil || p.probe.HTTPGet == nil:
				out = append(out, fmt.Sprintf("%s: got no %s.httpGet; want one on %s", where, p.name, p.want))
			case p.probe.HTTPGet.Path != p.want:
				out = append(out, fmt.Sprintf("%s: got %s path %q; want %q", where, p.name, p.probe.HTTPGet.Path, p.want))
			case !kubePortMatches(c, p.probe.HTTPGet.Port):
				out = append(out, fmt.Sprintf("%s: got %s port %v; want one of the container's ports", where, p.name, p.probe.HTTPGet.Port))
			}
		}
	}
	return out
}

// kubeSecretsComeFromTheSecret: the database URL and the admin key come
// from a Secret in the file, by a key it defines, never written into the
// Deployment, where anyone who may read Deployments reads them.
func kubeSecretsComeFromTheSecret(ex kubeExample) []string {
	keys := map[string][]string{}
	for _, s := range ex.secrets {
		for k := range s.StringData {
			keys[s.Metadata.Name] = append(keys[s.Metadata.Name], k)
		}
		for k := range s.Data {
			keys[s.Metadata.Name] = append(keys[s.Metadata.Name], k)
		}
	}
	var out []string
	for where, c := range ex.containers() {
		referenced := map[string]bool{}
		for _, e := range c.Env {
			ref := e.ValueFrom.SecretKeyRef
			if ref == nil {
				continue
			}
			referenced[e.Name] = true
			switch {
			case keys[ref.Name] == nil:
				out = append(out, fmt.Sprintf("%s: got %s from Secret %q; want a Secret of this file", where, e.Name, ref.Name))
			case !slices.Contains(keys[ref.Name], ref.Key):
				out = append(out, fmt.Sprintf("%s: got %s from key %q of Secret %s; want one of %q", where, e.Name, ref.Key, ref.Name, keys[ref.Name]))
			}
		}
		for _, name := range []string{"APPCONFIGD_DATABASE_URL", "APPCONFIGD_ADMIN_ACCESS_KEY_ID", "APPCONFIGD_ADMIN_SECRET_ACCESS_KEY"} {
			if !referenced[name] {
				out = append(out, fmt.Sprintf("%s: got %s not from the Secret; want it from a secretKeyRef", where, name))
			}
		}
	}
	return out
}

// kubeSelectorsMatchTheTemplate: the Deployment's selector and the
// Service's select the Deployment's pods; otherwise the Deployment is
// refused, or the Service sends traffic nowhere.
func kubeSelectorsMatchTheTemplate(ex kubeExample) []string {
	var out []string
	for _, d := range ex.deployments {
		if !kubeSelects(d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels) {
			out = append(out, fmt.Sprintf("Deployment %s: got selector %v and template labels %v; want the selector to match them", d.Metadata.Name, d.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels))
		}
	}
	for _, s := range ex.services {
		if !slices.ContainsFunc(ex.deployments, func(d kubeDeployment) bool { return kubeSelects(s.Spec.Selector, d.Spec.Template.Metadata.Labels) }) {
			out = append(out, fmt.Sprintf("Service %s: got selector %v; want it to match a Deployment's template labels", s.Metadata.Name, s.Spec.Selector))
		}
	}
	return out
}

// kubeRunsAsNonRootWithoutPrivileges: the pod runs as the image's nonroot
// user under the runtime's seccomp profile, and the container can neither
// gain privileges nor write outside its volumes: the restricted Pod
// Security Standard, so that the example runs in namespaces enforcing it.
func kubeRunsAsNonRootWithoutPrivileges(ex kubeExample) []string {
	var out []string
	for _, d := range ex.deployments {
		where := "Deployment " + d.Metadata.Name + " pod"
		sc := d.Spec.Template.Spec.SecurityContext
		if sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
			out = append(out, where+": got runAsNonRoot not true; want true")
		}
		if sc.RunAsUser == nil || *sc.RunAsUser == 0 {
			out = append(out, where+": got runAsUser unset or 0; want the image's nonroot uid 65532")
		}
		if sc.SeccompProfile.Type != "RuntimeDefault" {
			out = append(out, fmt.Sprintf("%s: got seccompProfile %q; want RuntimeDefault", where, sc.SeccompProfile.Type))
		}
	}
	for where, c := range ex.containers() {
		sc := c.SecurityContext
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			out = append(out, where+": got allowPrivilegeEscalation not false; want false")
		}
		if sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem {
			out = append(out, where+": got readOnlyRootFilesystem not true; want true")
		}
		if sc.Privileged != nil && *sc.Privileged {
			out = append(out, where+": got privileged; want not")
		}
		if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			out = append(out, where+": got runAsUser 0; want a non-root uid")
		}
		if !slices.Contains(sc.Capabilities.Drop, "ALL") {
			out = append(out, fmt.Sprintf("%s: got capabilities drop %q; want ALL", where, sc.Capabilities.Drop))
		}
	}
	return out
}

// kubeServiceTargetsTheContainerPort: every Service port targets a port of
// a container it selects, by name or number, so that renumbering the
// container's port cannot leave the Service pointing at nothing.
func kubeServiceTargetsTheContainerPort(ex kubeExample) []string {
	var out []string
	for _, s := range ex.services {
		var selected []kubeContainer
		for _, d := range ex.deployments {
			if kubeSelects(s.Spec.Selector, d.Spec.Template.Metadata.Labels) {
				selected = append(selected, d.Spec.Template.Spec.Containers...)
			}
		}
		for _, p := range s.Spec.Ports {
			target := p.TargetPort
			if target == nil {
				target = p.Port // Kubernetes' default
			}
			if !slices.ContainsFunc(selected, func(c kubeContainer) bool { return kubePortMatches(c, target) }) {
				out = append(out, fmt.Sprintf("Service %s port %d: got targetPort %v; want a containerPort name of a container it selects", s.Metadata.Name, p.Port, target))
			}
		}
	}
	return out
}

// kubeResourcesAreBounded: every container requests and limits cpu and
// memory, so that the scheduler can place it and it cannot starve its
// neighbours.
func kubeResourcesAreBounded(ex kubeExample) []string {
	var out []string
	for where, c := range ex.containers() {
		for _, r := range []struct {
			name string
			list map[string]string
		}{{"requests", c.Resources.Requests}, {"limits", c.Resources.Limits}} {
			for _, res := range []string{"cpu", "memory"} {
				if r.list[res] == "" {
					out = append(out, fmt.Sprintf("%s: got no resources.%s.%s; want one", where, r.name, res))
				}
			}
		}
	}
	return out
}

// kubeDataDirectoryIsAMountedVolume: the --data directory is a mounted
// volume of the pod, since the root filesystem is read-only and the
// server writes its data directory at start.
func kubeDataDirectoryIsAMountedVolume(ex kubeExample) []string {
	var out []string
	for _, d := range ex.deployments {
		spec := d.Spec.Template.Spec
		for _, c := range spec.Containers {
			where := fmt.Sprintf("Deployment %s container %s", d.Metadata.Name, c.Name)
			dir := containerFlag(c.Args, "data")
			if dir == "" {
				out = append(out, where+": got args without --data; want the data directory on a mounted volume")
				continue
			}
			i := slices.IndexFunc(c.VolumeMounts, func(m kubeVolumeMount) bool { return m.MountPath == dir })
			switch {
			case i < 0:
				out = append(out, fmt.Sprintf("%s: got no volumeMount at --data %s; want one", where, dir))
			case !slices.ContainsFunc(spec.Volumes, func(v kubeVolume) bool { return v.Name == c.VolumeMounts[i].Name }):
				out = append(out, fmt.Sprintf("%s: got a mount of volume %q, which the pod does not define; want it among its volumes", where, c.VolumeMounts[i].Name))
			}
		}
	}
	return out
}

// TestKubernetesExample lints the Kubernetes example, one subtest per rule.
func TestKubernetesExample(t *testing.T) {
	t.Parallel()
	ex, err := parseKubeExample(containerReadFile(t, kubeExamplePath))
	if err != nil {
		t.Fatalf("parse %s: %v", kubeExamplePath, err)
	}
	for _, r := range kubeRules() {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			for _, msg := range r.check(ex) {
				t.Error(msg)
			}
		})
	}
}

// TestKubernetesRulesCatchMistakes feeds the rules the shipped example
// with one mistake each and asserts the rule meant for it catches it.
func TestKubernetesRulesCatchMistakes(t *testing.T) {
	t.Parallel()
	good := containerReadFile(t, kubeExamplePath)
	if got := kubeProblems(good); len(got) != 0 {
		t.Fatalf("kubeProblems(the shipped example) = %q; want none, so that each case shows its own mistake", got)
	}
	tests := []struct {
		name     string
		edit     containerEdit
		wantRule string
	}{
		{"NotYAML", containerReplace("replicas: 2", "replicas: [2"), "Parse"},
		{"NoService", containerCutFrom("---\napiVersion: v1\nkind: Service"), "HoldsASecretADeploymentAndAService"},
		{"WrongAPIVersion", containerReplace("apiVersion: apps/v1", "apiVersion: v1"), "FieldsMatchTheSchema"},
		{"UnknownTopLevelKey", containerReplace("kind: Service\n", "kind: Service\nspecs: {}\n"), "FieldsMatchTheSchema"},
		{"NoSecretType", containerReplace("type: Opaque\n", ""), "FieldsMatchTheSchema"},
		{"ServiceWithoutName", containerReplace("kind: Service\nmetadata:\n  name: appconfigd\n", "kind: Service\nmetadata:\n"), "EveryDocumentHasAKindAndName"},
		{"LatestImage", containerReplace("appconfigd/appconfigd:0.1.0", "appconfigd/appconfigd:latest"), "ImageIsPinned"},
		{"UntaggedImage", containerReplace("appconfigd/appconfigd:0.1.0", "appconfigd/appconfigd"), "ImageIsPinned"},
		{"ReadinessOnHealthz", containerReplace("path: /readyz", "path: /healthz"), "ProbesAreHealthzAndReadyz"},
		{"NoLivenessProbe", containerReplace("livenessProbe:", "startupProbe:"), "ProbesAreHealthzAndReadyz"},
		{"ProbeOnUnknownPort", containerReplace("path: /healthz\n              port: http", "path: /healthz\n              port: web"), "ProbesAreHealthzAndReadyz"},
		{"MisspelledSecretKey", containerReplace("key: database-url", "key: database_url"), "SecretsComeFromTheSecret"},
		{"OtherSecret", containerReplace("name: appconfigd\n                  key: admin-access-key-id", "name: other\n                  key: admin-access-key-id"), "SecretsComeFromTheSecret"},
		{"PasswordInTheDeployment", containerReplace("- name: APPCONFIGD_DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: appconfigd\n                  key: database-url", "- name: APPCONFIGD_DATABASE_URL\n              value: postgres://appconfigd:secret@postgres/appconfigd"), "SecretsComeFromTheSecret"},
		{"SelectorMissesTheTemplate", containerReplace("matchLabels:\n      app.kubernetes.io/name: appconfigd", "matchLabels:\n      app.kubernetes.io/name: appconfig"), "SelectorsMatchTheTemplate"},
		{"ServiceSelectsNothing", containerReplace("selector:\n    app.kubernetes.io/name: appconfigd", "selector:\n    app: appconfigd"), "SelectorsMatchTheTemplate"},
		{"MayRunAsRoot", containerReplace("runAsNonRoot: true", "runAsNonRoot: false"), "RunsAsNonRootWithoutPrivileges"},
		{"RunsAsRoot", containerReplace("runAsUser: 65532", "runAsUser: 0"), "RunsAsNonRootWithoutPrivileges"},
		{"Unconfined", containerReplace("type: RuntimeDefault", "type: Unconfined"), "RunsAsNonRootWithoutPrivileges"},
		{"MayEscalate", containerReplace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true"), "RunsAsNonRootWithoutPrivileges"},
		{"WritableRoot", containerReplace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"), "RunsAsNonRootWithoutPrivileges"},
		{"KeepsCapabilities", containerReplace(`drop: ["ALL"]`, `drop: ["NET_RAW"]`), "RunsAsNonRootWithoutPrivileges"},
		{"TargetsUnknownPortName", containerReplace("targetPort: http", "targetPort: web"), "ServiceTargetsTheContainerPort"},
		{"TargetsOtherPortNumber", containerReplace("targetPort: http", "targetPort: 8080"), "ServiceTargetsTheContainerPort"},
		{"NoLimits", containerReplace("            limits:\n              cpu: \"1\"\n              memory: 512Mi\n", ""), "ResourcesAreBounded"},
		{"NoMemoryRequest", containerReplace("              memory: 128Mi\n", ""), "ResourcesAreBounded"},
		{"DataNotMounted", containerReplace("mountPath: /var/lib/appconfigd", "mountPath: /data"), "DataDirectoryIsAMountedVolume"},
		{"MountOfNoVolume", containerReplace("- name: data\n          emptyDir: {}", "- name: cache\n          emptyDir: {}"), "DataDirectoryIsAMountedVolume"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := kubeProblems(tt.edit(t, good))
			if !containerCaught(got, tt.wantRule) {
				t.Errorf("kubeProblems = %q; want a problem from %s", got, tt.wantRule)
			}
		})
	}
}
