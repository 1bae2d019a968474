package gitops

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"strconv"
)

// ImportOptions configure PlanImport.
type ImportOptions struct {
	// From makes the source's ARNs, under which its tags are read.
	From ReadOptions
	// To makes the target's.
	To ReadOptions
}

// ImportPlan is what an import does: the changes that make the target
// hold what the source holds, and what the source holds that no change
// copies.
type ImportPlan struct {
	Changes []Change
	// Source counts what the source holds.
	Source *Summary
	// Target is the target as read, which the changes were planned
	// against.
	Target *Tree
	// NotCopied lists what is not copied, one line each, starting with
	// the path an export of the source gives it: content not in the
	// hosted store, deployed versions since deleted, and resources whose
	// name another of the same kind and parent shares.
	NotCopied []string
}

// PlanImport reads the source and the target and plans the import of
// everything the source holds into the target (docs/GITOPS.md, "Import"):
// custom strategies, applications, environments, profiles with their
// validators, hosted versions under their numbers, tags, and, for every
// environment, what it serves of each profile. The target keeps what the
// source does not name, except hosted versions of an imported profile
// that the source lacks (a version's number is its identity). The plan
// is planned against the target as it is, so an import that stopped part
// way goes on from where it stopped when planned again.
func PlanImport(ctx context.Context, source, target Client, opts ImportOptions) (*ImportPlan, error) {
	tree, summary, err := Read(ctx, source, opts.From)
	if err != nil {
		return nil, fmt.Errorf("read the source: %w", err)
	}
	notCopied := slices.Clone(summary.NotCopied)
	notCopied = append(notCopied, dropSharedNames(tree)...)
	setPaths(tree)
	current, _, err := Read(ctx, target, opts.To)
	if err != nil {
		return nil, fmt.Errorf("read the target: %w", err)
	}
	changes, err := Plan(tree, current, PlanOptions{Deploy: true, PruneVersions: true, FromEndpoint: true})
	if err != nil {
		return nil, err
	}
	return &ImportPlan{Changes: changes, Source: summary, Target: current, NotCopied: notCopied}, nil
}

// Apply carries the plan out on the target as Apply does, each
// deployment completed as it starts: it recreates what the source
// deployed, not the rollout (docs/WIRE.md §3.10).
func (p *ImportPlan) Apply(ctx context.Context, target ApplyClient, opts ApplyOptions) error {
	opts.DeployAtOnce = true
	return Apply(ctx, target, p.Changes, p.Target, opts)
}

// setPaths gives a tree read from an endpoint the paths an export of it
// has, which the plan's changes and errors name.
func setPaths(t *Tree) {
	l := layoutOf(t)
	for _, s := range t.Strategies {
		s.Path = l.strategies[s]
	}
	for _, a := range t.Applications {
		a.Path = path.Join(l.applications[a], ApplicationFile)
		for _, e := range a.Environments {
			e.Path = l.environments[e]
		}
		for _, p := range a.Profiles {
			dir := l.profiles[p]
			p.Path = path.Join(dir, ProfileFile)
			for _, v := range p.Versions {
				v.Path = path.Join(dir, VersionsDir, strconv.Itoa(v.Version)+ManifestExt)
			}
		}
	}
}

// dropSharedNames keeps, of the resources of one kind and parent that
// share a name, the one with the lowest ID, and returns a line for each
// of the others. A plan finds resources by name, so such resources
// cannot be told apart on the target, and an import planned again would
// take one for another. Deployed entries, which name a profile or
// strategy by its ID where its name is shared (Read), are rewritten to
// the kept one's name, or dropped with the profile.
func dropSharedNames(t *Tree) []string {
	var lines []string
	l := layoutOf(t)
	strategies := map[string]string{} // deployed entries' strategy → name
	t.Strategies = keepFirst(t.Strategies, func(s *StrategyFile) (string, string) { return s.ID, s.Name },
		func(dropped, kept *StrategyFile) {
			lines = append(lines, fmt.Sprintf("%s: deployment strategy %s (%s) shares its name with %s, which is copied in its place", l.strategies[dropped], dropped.Name, dropped.ID, kept.ID))
			strategies[dropped.ID] = kept.Name
		},
		func(kept *StrategyFile) { strategies[kept.ID] = kept.Name })
	t.Applications = keepFirst(t.Applications, func(a *ApplicationTree) (string, string) { return a.ID, a.Name },
		func(dropped, kept *ApplicationTree) {
			lines = append(lines, fmt.Sprintf("%s: application %s (%s) shares its name with %s; rename one on the source to copy both", l.applications[dropped], dropped.Name, dropped.ID, kept.ID))
		}, nil)
	for _, a := range t.Applications {
		profiles := map[string]string{} // deployed entries' profile → name
		dropped := map[string]bool{}
		a.Profiles = keepFirst(a.Profiles, func(p *ProfileTree) (string, string) { return p.ID, p.Name },
			func(d, kept *ProfileTree) {
				lines = append(lines, fmt.Sprintf("%s: configuration profile %s (%s) shares its name with %s; rename one on the source to copy both", l.profiles[d], d.Name, d.ID, kept.ID))
				dropped[d.ID] = true
			},
			func(kept *ProfileTree) { profiles[kept.ID] = kept.Name })
		a.Environments = keepFirst(a.Environments, func(e *EnvironmentFile) (string, string) { return e.ID, e.Name },
			func(d, kept *EnvironmentFile) {
				lines = append(lines, fmt.Sprintf("%s: environment %s (%s) shares its name with %s; rename one on the source to copy both", l.environments[d], d.Name, d.ID, kept.ID))
			}, nil)
		for _, e := range a.Environments {
			e.Deployed = slices.DeleteFunc(e.Deployed, func(d Deployed) bool {
				if dropped[d.Profile] {
					lines = append(lines, fmt.Sprintf("%s: deployed version %d of configuration profile %s: the profile is not copied", l.environments[e], d.Version, d.Profile))
					return true
				}
				return false
			})
			for i, d := range e.Deployed {
				if name, ok := profiles[d.Profile]; ok {
					e.Deployed[i].Profile = name
				}
				if name, ok := strategies[d.Strategy]; ok {
					e.Deployed[i].Strategy = name
				}
			}
		}
	}
	return lines
}

// keepFirst returns items without those whose name an item with a lower
// ID has, calling drop for each left out with the one kept in its place
// and, when set, keep for each kept. Items keep their order.
func keepFirst[T any](items []T, key func(T) (id, name string), drop func(dropped, kept T), keep func(T)) []T {
	kept := map[string]T{}
	byID := slices.Clone(items)
	slices.SortFunc(byID, func(a, b T) int {
		ida, _ := key(a)
		idb, _ := key(b)
		return cmp.Compare(ida, idb)
	})
	for _, it := range byID {
		_, name := key(it)
		if _, ok := kept[name]; !ok {
			kept[name] = it
		}
	}
	return slices.DeleteFunc(slices.Clone(items), func(it T) bool {
		id, name := key(it)
		first := kept[name]
		if firstID, _ := key(first); firstID == id {
			if keep != nil {
				keep(it)
			}
			return false
		}
		drop(it, first)
		return true
	})
}
