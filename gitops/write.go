package gitops

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
)

// ErrNotEmpty is returned by Write (and Export) for a directory that
// holds anything while force is not set.
var ErrNotEmpty = errors.New("directory is not empty")

// Write writes tree into dir in the layout of docs/GITOPS.md: a manifest
// per resource, and every hosted version's content beside its manifest.
// Each resource's file or directory is its name made path-safe, or
// NAME~ID where other resources of its kind and parent share the name
// (DirNames), so the tree's IDs matter only where names collide; the
// paths a tree carries are not used. dir must be empty or missing unless
// force, which replaces its applications/ and strategies/ trees and
// leaves everything else there. The tree is built in a temporary sibling
// of dir and moved into place only once complete, so that a failed write
// leaves dir as it was.
func Write(tree *Tree, dir string, force bool) error {
	dir, err := exportDir(dir, force)
	if err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	build := filepath.Join(tmp, "new")
	w := writer{root: build}
	if err := w.tree(tree); err != nil {
		return err
	}
	return swapIn(dir, build, tmp)
}

// exportDir returns dir as an absolute path with its symbolic links
// resolved, so that the temporary sibling is on its file system, after
// checking that Write may write into it.
func exportDir(dir string, force bool) (string, error) {
	if dir == "" {
		return "", errors.New("no directory to export into")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	resolved, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, os.ErrNotExist) {
		return dir, nil
	}
	if err != nil {
		return "", err
	}
	f, err := os.Open(resolved)
	if err != nil {
		return "", err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	switch {
	case errors.Is(err, io.EOF):
		return resolved, nil
	case err != nil:
		return "", fmt.Errorf("%s: %w", dir, err)
	case !force:
		return "", fmt.Errorf("%s: %w", dir, ErrNotEmpty)
	}
	return resolved, nil
}

// swapIn replaces dir's applications/ and strategies/ with those built in
// build, moving the old ones into tmp (removed by the caller). Each tree
// moves with one rename; when one fails, the trees already moved are put
// back.
func swapIn(dir, build, tmp string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var undo []func()
	rollback := func(err error) error {
		for _, u := range slices.Backward(undo) {
			u()
		}
		return err
	}
	for _, tree := range []string{ApplicationsDir, StrategiesDir} {
		target := filepath.Join(dir, tree)
		old := filepath.Join(tmp, "old-"+tree)
		switch err := os.Rename(target, old); {
		case err == nil:
			undo = append(undo, func() { os.Rename(old, target) })
		case !errors.Is(err, os.ErrNotExist):
			return rollback(err)
		}
		built := filepath.Join(build, tree)
		switch err := os.Rename(built, target); {
		case err == nil:
			undo = append(undo, func() { os.Rename(target, built) })
		case !errors.Is(err, os.ErrNotExist):
			return rollback(err)
		}
	}
	return nil
}

// layout is where each resource of a tree goes in a directory Write
// writes, relative to it and slash-separated.
type layout struct {
	strategies   map[*StrategyFile]string    // the manifest
	applications map[*ApplicationTree]string // the directory
	environments map[*EnvironmentFile]string // the manifest
	profiles     map[*ProfileTree]string     // the directory
}

// layoutOf lays out tree (docs/GITOPS.md, "Layout"): names made
// path-safe, NAME~ID for names shared within a kind and parent.
func layoutOf(t *Tree) layout {
	l := layout{
		strategies:   map[*StrategyFile]string{},
		applications: map[*ApplicationTree]string{},
		environments: map[*EnvironmentFile]string{},
		profiles:     map[*ProfileTree]string{},
	}
	names := fileNames(t.Strategies, func(s *StrategyFile) (string, string) { return s.ID, s.Name })
	for i, s := range t.Strategies {
		l.strategies[s] = path.Join(StrategiesDir, names[i]+ManifestExt)
	}
	names = fileNames(t.Applications, func(a *ApplicationTree) (string, string) { return a.ID, a.Name })
	for i, a := range t.Applications {
		dir := path.Join(ApplicationsDir, names[i])
		l.applications[a] = dir
		envs := fileNames(a.Environments, func(e *EnvironmentFile) (string, string) { return e.ID, e.Name })
		for j, e := range a.Environments {
			l.environments[e] = path.Join(dir, EnvironmentsDir, envs[j]+ManifestExt)
		}
		profiles := fileNames(a.Profiles, func(p *ProfileTree) (string, string) { return p.ID, p.Name })
		for j, p := range a.Profiles {
			l.profiles[p] = path.Join(dir, ProfilesDir, profiles[j])
		}
	}
	return l
}

// fileNames returns DirNames of items, in their order. An item without
// an ID (a tree Load read) stands by its index.
func fileNames[T any](items []T, key func(T) (id, name string)) []string {
	rs := make([]Resource, len(items))
	for i, it := range items {
		id, name := key(it)
		if id == "" {
			id = strconv.Itoa(i)
		}
		rs[i] = Resource{ID: id, Name: name}
	}
	byID := DirNames(rs)
	names := make([]string, len(items))
	for i, r := range rs {
		names[i] = byID[r.ID]
	}
	return names
}

// writer writes one tree under root.
type writer struct{ root string }

func (w writer) tree(t *Tree) error {
	l := layoutOf(t)
	for _, s := range t.Strategies {
		m := s.DeploymentStrategy
		m.Header = Header{APIVersion: APIVersion, Kind: KindDeploymentStrategy}
		if err := w.manifest(l.strategies[s], m); err != nil {
			return err
		}
	}
	for _, a := range t.Applications {
		dir := l.applications[a]
		m := a.Application
		m.Header = Header{APIVersion: APIVersion, Kind: KindApplication}
		if err := w.manifest(path.Join(dir, ApplicationFile), m); err != nil {
			return err
		}
		for _, p := range a.Profiles {
			if err := w.profile(l.profiles[p], p); err != nil {
				return err
			}
		}
		for _, e := range a.Environments {
			m := e.Environment
			m.Header = Header{APIVersion: APIVersion, Kind: KindEnvironment}
			if err := w.manifest(l.environments[e], m); err != nil {
				return err
			}
		}
	}
	return nil
}

// profile writes a profile's directory: its manifest, and each hosted
// version's content and manifest.
func (w writer) profile(dir string, p *ProfileTree) error {
	m := p.ConfigurationProfile
	m.Header = Header{APIVersion: APIVersion, Kind: KindConfigurationProfile}
	if err := w.manifest(path.Join(dir, ProfileFile), m); err != nil {
		return err
	}
	for _, v := range p.Versions {
		content := contentFile(v.Version, v.ContentType)
		if err := w.file(path.Join(dir, VersionsDir, content), v.Data); err != nil {
			return err
		}
		m := v.HostedConfigurationVersion
		m.Header = Header{APIVersion: APIVersion, Kind: KindHostedConfigurationVersion}
		m.Content = content
		if err := w.manifest(path.Join(dir, VersionsDir, strconv.Itoa(v.Version)+ManifestExt), m); err != nil {
			return err
		}
	}
	return nil
}

// file writes a file of the tree at rel, a slash-separated path.
func (w writer) file(rel string, data []byte) error {
	p := filepath.Join(w.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// manifest writes manifest as YAML at rel.
func (w writer) manifest(rel string, manifest any) error {
	data, err := Marshal(manifest)
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	return w.file(rel, data)
}
