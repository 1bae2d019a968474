package gitops

import (
	"bytes"
	"mime"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The directories of an export, relative to its root. Only these two are
// the export's: a --force export replaces them and leaves everything else
// in the directory (a README, .git) alone.
const (
	StrategiesDir   = "strategies"
	ApplicationsDir = "applications"
)

// The files and directories under applications/APP.
const (
	ApplicationFile = "application.yaml"
	EnvironmentsDir = "environments"
	ProfilesDir     = "profiles"
	ProfileFile     = "profile.yaml"
	VersionsDir     = "versions"
)

// ManifestExt is the extension of every manifest.
const ManifestExt = ".yaml"

// PathName makes a resource name safe as one file or directory name on any
// file system: ASCII letters, digits, '.', '_' and '-' stay, every other
// byte becomes %XX (upper-case hex), and the names "." and "..", which a
// path cannot hold as names, are escaped whole. Escaping '%' and '~' keeps
// it injective, and keeps "NAME~ID" (DirNames) apart from every escaped
// name.
func PathName(name string) string {
	if name == "." || name == ".." {
		return strings.Repeat("%2E", len(name))
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if pathSafe(c) {
			b.WriteByte(c)
			continue
		}
		const hex = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xF])
	}
	return b.String()
}

func pathSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-'
}

// Resource is a resource's ID and name, as DirNames takes them.
type Resource struct {
	ID   string
	Name string
}

// DirNames returns the file name (without extension) of each of a kind of
// resources under one parent, by ID: the name made path-safe (PathName),
// or "NAME~ID" for every resource whose name another one shares, as
// AppConfig allows. Names that differ only in letter case share a file
// name too: a repository of the export may be checked out on a file
// system that does not tell them apart.
func DirNames(rs []Resource) map[string]string {
	count := make(map[string]int, len(rs))
	for _, r := range rs {
		count[strings.ToLower(PathName(r.Name))]++
	}
	names := make(map[string]string, len(rs))
	for _, r := range rs {
		name := PathName(r.Name)
		if count[strings.ToLower(name)] > 1 || name == "" {
			name += "~" + PathName(r.ID)
		}
		names[r.ID] = name
	}
	return names
}

// ContentExtension is the extension, without the dot, of a hosted
// version's content file: the natural one of its content type, so that
// editors and diffs treat the file as what it is; "bin" for types without
// one. YAML content is "yml", as N.yaml is the version's manifest beside
// it. Parameters (charset) and case do not count.
func ContentExtension(contentType string) string {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = strings.ToLower(strings.TrimSpace(contentType))
	}
	switch mediaType {
	case "application/json":
		return "json"
	case "application/x-yaml", "application/yaml", "text/yaml":
		return "yml"
	case "text/plain":
		return "txt"
	default:
		return "bin"
	}
}

// Marshal writes a manifest as YAML the way every export writes it, so
// that exports of the same configuration are byte for byte the same and
// read well in a diff: keys in the order of the struct's fields, empty
// fields left out, maps sorted by key, two-space indentation, multi-line
// strings (JSON Schemas) as literal blocks.
func Marshal(manifest any) ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(manifest); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
