package gitops

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Tree is a directory of manifests as Load reads it (docs/GITOPS.md,
// "Layout"), in the order of its names.
type Tree struct {
	Strategies   []*StrategyFile
	Applications []*ApplicationTree
}

// StrategyFile is a deployment strategy's manifest and where it is. In a
// tree read from an endpoint, Path is empty and ID is the resource's ID;
// so for the other parts of a tree.
type StrategyFile struct {
	Path, ID string
	DeploymentStrategy
}

// ApplicationTree is an application's directory.
type ApplicationTree struct {
	Path string // of application.yaml
	ID   string
	Application
	Environments []*EnvironmentFile
	Profiles     []*ProfileTree
}

// EnvironmentFile is an environment's manifest and where it is.
type EnvironmentFile struct {
	Path, ID string
	Environment
}

// ProfileTree is a configuration profile's directory.
type ProfileTree struct {
	Path string // of profile.yaml
	ID   string
	ConfigurationProfile
	// Versions are its hosted versions, by ascending number.
	Versions []*VersionFile
}

// VersionFile is a hosted version: its manifest, where it is, and the
// content its manifest names.
type VersionFile struct {
	Path string
	HostedConfigurationVersion
	Data []byte
}

// Load reads the directory dir of the file system fsys. Every problem is
// an error naming the file (relative to dir) and, for a manifest that
// does not fit the format, the field. A dir that is missing is an error,
// not an empty tree: applied with pruning, an empty tree deletes
// everything.
func Load(fsys fs.FS, dir string) (*Tree, error) {
	if err := isDir(fs.Stat(fsys, dir)); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	l := loader{fsys: fsys, dir: dir}
	t := &Tree{}
	for _, name := range l.entries("strategies", false) {
		var s StrategyFile
		s.Path = path.Join("strategies", name)
		l.manifest(s.Path, KindDeploymentStrategy, &s.DeploymentStrategy)
		t.Strategies = append(t.Strategies, &s)
	}
	checkUnique(&l, "strategies", t.Strategies, func(s *StrategyFile) (string, string) { return s.Path, s.Name })
	for _, name := range l.entries("applications", true) {
		t.Applications = append(t.Applications, l.application(path.Join("applications", name)))
	}
	checkUnique(&l, "applications", t.Applications, func(a *ApplicationTree) (string, string) { return a.Path, a.Name })
	if err := errors.Join(l.errs...); err != nil {
		return nil, err
	}
	return t, nil
}

// loader collects the problems of one Load.
type loader struct {
	fsys fs.FS
	dir  string
	errs []error
}

func (l *loader) fail(file, format string, args ...any) {
	l.errs = append(l.errs, fmt.Errorf("%s: %s", file, fmt.Sprintf(format, args...)))
}

// entries lists the directory rel's YAML files, or, with dirs, its
// directories, by name; a missing directory has none.
func (l *loader) entries(rel string, dirs bool) []string {
	des, err := fs.ReadDir(l.fsys, path.Join(l.dir, rel))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		l.fail(rel, "%v", err)
		return nil
	}
	var names []string
	for _, de := range des {
		switch {
		case strings.HasPrefix(de.Name(), "."):
		case dirs && de.IsDir():
			names = append(names, de.Name())
		case !dirs && !de.IsDir() && strings.HasSuffix(de.Name(), ".yaml"):
			names = append(names, de.Name())
		}
	}
	return names
}

// manifest reads the manifest file into v, which must be of kind: the
// schema first, so that a problem is named by its field, then strictly
// into the Go type.
func (l *loader) manifest(file, kind string, v any) bool {
	data, err := fs.ReadFile(l.fsys, path.Join(l.dir, file))
	if err != nil {
		l.fail(file, "%v", err)
		return false
	}
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		l.fail(file, "not YAML: %v", err)
		return false
	}
	if err := CheckManifest(doc); err != nil {
		l.fail(file, "%v", err)
		return false
	}
	if got := doc.(map[string]any)["kind"]; got != kind {
		l.fail(file, "kind %v where kind %s belongs", got, kind)
		return false
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		l.fail(file, "%v", err)
		return false
	}
	return true
}

// application reads an application's directory.
func (l *loader) application(dir string) *ApplicationTree {
	a := &ApplicationTree{Path: path.Join(dir, "application.yaml")}
	l.manifest(a.Path, KindApplication, &a.Application)
	for _, name := range l.entries(path.Join(dir, "environments"), false) {
		e := &EnvironmentFile{Path: path.Join(dir, "environments", name)}
		l.manifest(e.Path, KindEnvironment, &e.Environment)
		a.Environments = append(a.Environments, e)
	}
	checkUnique(l, path.Join(dir, "environments"), a.Environments, func(e *EnvironmentFile) (string, string) { return e.Path, e.Name })
	for _, name := range l.entries(path.Join(dir, "profiles"), true) {
		a.Profiles = append(a.Profiles, l.profile(path.Join(dir, "profiles", name)))
	}
	checkUnique(l, path.Join(dir, "profiles"), a.Profiles, func(p *ProfileTree) (string, string) { return p.Path, p.Name })
	l.deployed(a)
	return a
}

// profile reads a configuration profile's directory.
func (l *loader) profile(dir string) *ProfileTree {
	p := &ProfileTree{Path: path.Join(dir, "profile.yaml")}
	l.manifest(p.Path, KindConfigurationProfile, &p.ConfigurationProfile)
	for _, name := range l.entries(path.Join(dir, "versions"), false) {
		v := &VersionFile{Path: path.Join(dir, "versions", name)}
		if !l.manifest(v.Path, KindHostedConfigurationVersion, &v.HostedConfigurationVersion) {
			continue
		}
		if n := strings.TrimSuffix(name, ".yaml"); n != strconv.Itoa(v.Version) {
			l.fail(v.Path, "version %d in a file named %s.yaml; name it %d.yaml", v.Version, n, v.Version)
			continue
		}
		if p.LocationURI != "hosted" {
			l.fail(v.Path, "a hosted version of profile %q, whose content is not hosted (locationUri %s)", p.Name, p.LocationURI)
			continue
		}
		content := path.Join(dir, "versions", v.Content)
		if path.Dir(content) != path.Join(dir, "versions") {
			l.fail(v.Path, "content %q must be a file beside the manifest", v.Content)
			continue
		}
		data, err := fs.ReadFile(l.fsys, path.Join(l.dir, content))
		if err != nil {
			l.fail(v.Path, "content: %v", err)
			continue
		}
		v.Data = data
		p.Versions = append(p.Versions, v)
	}
	slices.SortFunc(p.Versions, func(a, b *VersionFile) int { return a.Version - b.Version })
	return p
}

// deployed checks that an application's environments deploy profiles and
// versions its directory has.
func (l *loader) deployed(a *ApplicationTree) {
	for _, e := range a.Environments {
		seen := make(map[string]bool)
		for i, d := range e.Deployed {
			if seen[d.Profile] {
				l.fail(e.Path, "at /deployed/%d: profile %q is listed twice", i, d.Profile)
				continue
			}
			seen[d.Profile] = true
			p := a.profile(d.Profile)
			switch {
			case p == nil:
				l.fail(e.Path, "at /deployed/%d/profile: application %q has no profile %q", i, a.Name, d.Profile)
			case p.LocationURI == "hosted" && !slices.ContainsFunc(p.Versions, func(v *VersionFile) bool { return v.Version == d.Version }):
				l.fail(e.Path, "at /deployed/%d/version: profile %q has no version %d in %s", i, d.Profile, d.Version, path.Dir(p.Path)+"/versions")
			}
		}
	}
}

// profile returns the application's profile named name, nil for none.
func (a *ApplicationTree) profile(name string) *ProfileTree {
	for _, p := range a.Profiles {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// checkUnique reports manifests of one directory that give the same
// name: names identify resources in these files.
func checkUnique[T any](l *loader, dir string, items []T, key func(T) (file, name string)) {
	first := make(map[string]string)
	for _, it := range items {
		file, name := key(it)
		if name == "" {
			continue
		}
		if other, ok := first[name]; ok {
			l.fail(file, "name %q is also the name in %s; names in %s must differ", name, other, dir)
			continue
		}
		first[name] = file
	}
}

// LoadDir is Load on the operating system's directory dir.
func LoadDir(dir string) (*Tree, error) {
	if err := isDir(os.Stat(dir)); err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return Load(os.DirFS(dir), ".")
}

// isDir is the error of a Stat, or one saying that what it found is not
// a directory.
func isDir(fi fs.FileInfo, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such directory")
	case err != nil:
		return err
	case !fi.IsDir():
		return errors.New("not a directory")
	}
	return nil
}
