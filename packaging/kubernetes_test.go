package packaging

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// kubeExamplePath is the Kubernetes example, which lives in this package.
const kubeExamplePath = "kubernetes/appconfigd.yaml"

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
	containerRunRules(t, kubeRules(), ex)
}

// TestKubernetesRulesCatchMistakes breaks the shipped example once per
// case, from invalid YAML to a misspelt Secret key or a lost mount, since
// with no cluster to apply it to, a kube rule that never fails would
// leave the example unchecked while TestKubernetesExample still passed.
func TestKubernetesRulesCatchMistakes(t *testing.T) {
	t.Parallel()
	lint := containerLinter{path: kubeExamplePath, file: "example", problemsName: "kubeProblems", problems: kubeProblems}
	containerCatchesMistakes(t, lint, []containerMistake{
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
	})
}
