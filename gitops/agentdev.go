package gitops

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
	datatypes "github.com/aws/aws-sdk-go-v2/service/appconfigdata/types"
)

// AgentDevClient is the part of the AppConfig API that ExportAgentDev
// calls to find an environment's configurations; *appconfig.Client is
// one, as is every Client.
type AgentDevClient interface {
	ListApplications(context.Context, *appconfig.ListApplicationsInput, ...func(*appconfig.Options)) (*appconfig.ListApplicationsOutput, error)
	ListEnvironments(context.Context, *appconfig.ListEnvironmentsInput, ...func(*appconfig.Options)) (*appconfig.ListEnvironmentsOutput, error)
	ListConfigurationProfiles(context.Context, *appconfig.ListConfigurationProfilesInput, ...func(*appconfig.Options)) (*appconfig.ListConfigurationProfilesOutput, error)
}

// DataClient is the part of the AppConfigData API that ExportAgentDev
// fetches configurations through: the data plane is what the agent and
// applications read, so a file holds what they get (feature flags in
// the retrieval-time format, docs/WIRE.md §4.2), not the stored version.
// *appconfigdata.Client is one.
type DataClient interface {
	StartConfigurationSession(context.Context, *appconfigdata.StartConfigurationSessionInput, ...func(*appconfigdata.Options)) (*appconfigdata.StartConfigurationSessionOutput, error)
	GetLatestConfiguration(context.Context, *appconfigdata.GetLatestConfigurationInput, ...func(*appconfigdata.Options)) (*appconfigdata.GetLatestConfigurationOutput, error)
}

var (
	_ AgentDevClient = (*appconfig.Client)(nil)
	_ DataClient     = (*appconfigdata.Client)(nil)
)

// AgentDevOptions configure ExportAgentDev.
type AgentDevOptions struct {
	// Environment is the name of the environment whose configurations are
	// written, in every application that has an environment so named.
	Environment string
	// Force lets ExportAgentDev write into a directory that already holds
	// configuration files (AgentDevFile): a previous export's, which it
	// replaces, removing those it does not write. Other files are left
	// alone, with or without Force.
	Force bool
}

// AgentDevSummary is what ExportAgentDev wrote and left out, for its
// report.
type AgentDevSummary struct {
	// Written are the names of the files written, sorted.
	Written []string
	// Skipped are the configurations of the environment that got no
	// file, sorted.
	Skipped []AgentDevSkip
	// Removed are the configuration files of the directory that this
	// export did not write (a previous export's), sorted.
	Removed []string
	// WithoutEnvironment counts the applications that have no environment
	// of that name.
	WithoutEnvironment int
}

// AgentDevSkip is a configuration that ExportAgentDev wrote no file for,
// and why.
type AgentDevSkip struct {
	Application, Environment, Profile string // names
	Reason                            string
}

// String returns the skip as a line of a report: the configuration as
// the agent names it (quoted when a name holds a character that does not
// print), and the reason.
func (s AgentDevSkip) String() string {
	return printable(agentDevKey(s.Application, s.Environment, s.Profile)) + ": " + s.Reason
}

// printable returns s, quoted when it holds a character that does not
// print, so that a report line stays one line.
func printable(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) && r != ' ' }) {
		return strconv.Quote(s)
	}
	return s
}

// agentDevKey is a configuration's name as the agent's local development
// files write it (docs/AGENT.md, "Local development").
func agentDevKey(app, env, profile string) string { return app + ":" + env + ":" + profile }

// maxFileName is the longest file name, in bytes, that common file
// systems (ext4, APFS, NTFS) accept.
const maxFileName = 255

// AgentDevFile reports whether a directory entry's name is that of a
// configuration in the agent's local development mode, which reads every
// file whose name holds at least two ':' (agent/local.go): the files an
// export into that directory owns.
func AgentDevFile(name string) bool { return strings.Count(name, ":") >= 2 }

// AgentDevNameProblem returns why an application, environment or profile
// name cannot be part of a local development file name, "" when it can:
// a file name cannot hold '/' or NUL, and ':' separates the names, so
// that the agent could take a file for another configuration.
func AgentDevNameProblem(name string) string {
	switch {
	case name == "":
		return "is empty"
	case strings.Contains(name, "/"):
		return `has a "/", which no file name can hold`
	case strings.Contains(name, ":"):
		return `has a ":", which separates the names in the agent's file names`
	case strings.ContainsRune(name, 0):
		return "has a NUL, which no file name can hold"
	}
	return ""
}

// AgentDevExtension returns the extension, without the dot, of a local
// development file whose configuration has the content type contentType,
// such that the agent serves that type again (docs/AGENT.md, "Local
// development"): "json" for application/json, type%subtype for any other
// type, with its parameters as further %-separated parts and the spaces
// around them dropped, and "" for no content type. ok is false for a
// type the agent cannot be given this way: one without a type or subtype,
// or with a '%', '/' or NUL in a part.
func AgentDevExtension(contentType string) (ext string, ok bool) {
	switch contentType {
	case "":
		return "", true
	case "application/json":
		return "json", true
	}
	parts := strings.Split(contentType, ";")
	typ, subtype, found := strings.Cut(parts[0], "/")
	typ, subtype = strings.TrimSpace(typ), strings.TrimSpace(subtype)
	if !found || typ == "" || subtype == "" {
		return "", false
	}
	out := []string{typ, subtype}
	for _, p := range parts[1:] {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	for _, p := range out {
		if strings.ContainsAny(p, "%/\x00") {
			return "", false
		}
	}
	return strings.Join(out, "%"), true
}

// ExportAgentDev writes into dir, for every application that has an
// environment named opts.Environment and every configuration profile of
// it, the configuration that environment serves a new session now, byte
// for byte as AppConfigData serves it, as a file of the agent's local
// development mode (docs/GITOPS.md, "The agent's local development
// directory"): APP:ENV:PROFILE with the extension of its content type
// (AgentDevExtension). Configurations are found through client and
// fetched through data, all of them before any file is written, so that
// a failed call leaves dir as it was; each file is then written to a
// temporary name and renamed into place, so that an agent reading dir
// meanwhile never reads half a file. A profile with nothing deployed, or
// one the data plane does not find, gets no file and is listed in the
// summary, as are configurations whose names cannot make a file name the
// agent reads back as theirs. dir may hold other files, which are left
// alone; configuration files (AgentDevFile) that this export does not
// write are removed, and without opts.Force a dir that holds any is
// refused with ErrNotEmpty before any call.
func ExportAgentDev(ctx context.Context, client AgentDevClient, data DataClient, dir string, opts AgentDevOptions) (*AgentDevSummary, error) {
	if problem := AgentDevNameProblem(opts.Environment); problem != "" {
		return nil, fmt.Errorf("environment name %q %s", opts.Environment, problem)
	}
	dir, err := agentDevDir(dir, opts.Force)
	if err != nil {
		return nil, err
	}
	summary := &AgentDevSummary{}
	configs, err := fetchAgentDev(ctx, client, data, opts.Environment, summary)
	if err != nil {
		return nil, err
	}
	written := planAgentDev(configs, summary)
	if err := writeAgentDev(dir, written, summary); err != nil {
		return nil, err
	}
	slices.SortFunc(summary.Skipped, func(a, b AgentDevSkip) int {
		return cmp.Or(cmp.Compare(a.Application, b.Application), cmp.Compare(a.Environment, b.Environment), cmp.Compare(a.Profile, b.Profile))
	})
	return summary, nil
}

// agentDevDir returns dir as an absolute path with its symbolic links
// resolved, after checking that ExportAgentDev may write into it: it is
// missing, or a directory that holds no configuration file unless force.
func agentDevDir(dir string, force bool) (string, error) {
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
	names, err := agentDevFiles(resolved)
	if err != nil {
		return "", err
	}
	if len(names) > 0 && !force {
		return "", fmt.Errorf("%s holds configuration files such as %s: %w", dir, printable(names[0]), ErrNotEmpty)
	}
	return resolved, nil
}

// agentDevFiles returns the names of the configuration files in dir,
// sorted: the entries AgentDevFile names that are not directories, which
// the agent does not read either.
func agentDevFiles(dir string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if AgentDevFile(e.Name()) && !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names, nil
}

// agentDevConfig is one configuration of the environment: its names and
// IDs, what the data plane served, and the file it goes to.
type agentDevConfig struct {
	app, env, profile       string // names
	appID, envID, profileID string
	content                 []byte
	contentType             string
	// key is the configuration as the agent names it, APP:ENV:PROFILE.
	key string
	// file is the file written, "" once the configuration is skipped.
	file string
}

func (c *agentDevConfig) skip(s *AgentDevSummary, reason string) {
	c.file = ""
	s.Skipped = append(s.Skipped, AgentDevSkip{Application: c.app, Environment: c.env, Profile: c.profile, Reason: reason})
}

// fetchAgentDev returns every configuration of the environments named env
// that the data plane serves something of, fetched through a new session
// each. Applications without such an environment are counted;
// configurations with names no file can carry, with nothing deployed, or
// that the data plane does not find are listed as skipped.
func fetchAgentDev(ctx context.Context, client AgentDevClient, data DataClient, env string, summary *AgentDevSummary) ([]*agentDevConfig, error) {
	var configs []*agentDevConfig
	apps := appconfig.NewListApplicationsPaginator(client, &appconfig.ListApplicationsInput{})
	for apps.HasMorePages() {
		page, err := apps.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list applications: %w", err)
		}
		for _, a := range page.Items {
			found, err := fetchApplication(ctx, client, data, a.Id, aws.ToString(a.Name), env, summary)
			if err != nil {
				return nil, err
			}
			configs = append(configs, found...)
		}
	}
	return configs, nil
}

// fetchApplication returns the configurations of one application's
// environments named env.
func fetchApplication(ctx context.Context, client AgentDevClient, data DataClient, appID *string, appName, env string, summary *AgentDevSummary) ([]*agentDevConfig, error) {
	what := fmt.Sprintf("application %q (%s)", appName, aws.ToString(appID))
	var envIDs []string
	envs := appconfig.NewListEnvironmentsPaginator(client, &appconfig.ListEnvironmentsInput{ApplicationId: appID})
	for envs.HasMorePages() {
		page, err := envs.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list environments of %s: %w", what, err)
		}
		for _, e := range page.Items {
			if aws.ToString(e.Name) == env {
				envIDs = append(envIDs, aws.ToString(e.Id))
			}
		}
	}
	if len(envIDs) == 0 {
		summary.WithoutEnvironment++
		return nil, nil
	}
	var configs []*agentDevConfig
	profiles := appconfig.NewListConfigurationProfilesPaginator(client, &appconfig.ListConfigurationProfilesInput{ApplicationId: appID})
	for profiles.HasMorePages() {
		page, err := profiles.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list configuration profiles of %s: %w", what, err)
		}
		for _, p := range page.Items {
			for _, envID := range envIDs {
				c := &agentDevConfig{
					app: appName, env: env, profile: aws.ToString(p.Name),
					appID: aws.ToString(appID), envID: envID, profileID: aws.ToString(p.Id),
				}
				c.key = agentDevKey(c.app, c.env, c.profile)
				if served, err := fetchServed(ctx, data, c, summary); err != nil {
					return nil, err
				} else if served {
					configs = append(configs, c)
				}
			}
		}
	}
	return configs, nil
}

// fetchServed fetches what the data plane serves a new session of c, by
// IDs, which no shared name makes ambiguous. It returns false, having
// listed c as skipped, when there is nothing to write.
func fetchServed(ctx context.Context, data DataClient, c *agentDevConfig, summary *AgentDevSummary) (bool, error) {
	for _, n := range []struct{ what, name string }{{"application", c.app}, {"profile", c.profile}} {
		if problem := AgentDevNameProblem(n.name); problem != "" {
			c.skip(summary, "the "+n.what+" name "+problem)
			return false, nil
		}
	}
	what := fmt.Sprintf("configuration profile %q (%s) of application %q (%s) in environment %q (%s)", c.profile, c.profileID, c.app, c.appID, c.env, c.envID)
	notFound := func(err error) bool {
		var nf *datatypes.ResourceNotFoundException
		if errors.As(err, &nf) {
			c.skip(summary, "AppConfigData does not find it: "+nf.ErrorMessage())
			return true
		}
		return false
	}
	session, err := data.StartConfigurationSession(ctx, &appconfigdata.StartConfigurationSessionInput{
		ApplicationIdentifier:          aws.String(c.appID),
		EnvironmentIdentifier:          aws.String(c.envID),
		ConfigurationProfileIdentifier: aws.String(c.profileID),
	})
	if err != nil {
		if notFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("start a configuration session of %s: %w", what, err)
	}
	out, err := data.GetLatestConfiguration(ctx, &appconfigdata.GetLatestConfigurationInput{ConfigurationToken: session.InitialConfigurationToken})
	if err != nil {
		if notFound(err) {
			return false, nil
		}
		return false, fmt.Errorf("get the configuration of %s: %w", what, err)
	}
	c.content, c.contentType = out.Configuration, aws.ToString(out.ContentType)
	if len(c.content) == 0 && c.contentType == "" {
		// docs/WIRE.md §6 Q4: a session of a profile never deployed to
		// the environment gets an empty body and no content type.
		c.skip(summary, "nothing deployed")
		return false, nil
	}
	return true, nil
}

// planAgentDev names the file of each configuration and returns those to
// write. A configuration gets no file, and is listed as skipped, when
// its content type has no extension the agent reads back, when its file
// name is too long, when another configuration has the same names (the
// agent asks the data plane by name) or a file name that differs only in
// letter case (one file on macOS and Windows), and when the agent, asked
// for another configuration, would serve its file: a profile name may
// hold a dot, so that app:env:a.b.json could be a.b's JSON or a's b.json
// (agent/local.go takes the exact name first, then the shortest
// extension). Files are skipped until the agent would serve each one
// that remains for its own configuration and for no other that the
// environment serves.
func planAgentDev(configs []*agentDevConfig, summary *AgentDevSummary) []*agentDevConfig {
	slices.SortFunc(configs, func(a, b *agentDevConfig) int { return strings.Compare(a.key, b.key) })
	for _, c := range configs {
		ext, ok := AgentDevExtension(c.contentType)
		if !ok {
			c.skip(summary, fmt.Sprintf("the content type %q has no file extension the agent reads back as it", c.contentType))
			continue
		}
		c.file = c.key
		if ext != "" {
			c.file += "." + ext
		}
		if len(c.file) > maxFileName {
			c.skip(summary, fmt.Sprintf("its file name would be %d bytes long, more than file systems take (%d)", len(c.file), maxFileName))
		}
	}
	skipSharedNames(configs, summary)
	skipCaseClashes(configs, summary)
	skipMisServed(configs, summary)
	var written []*agentDevConfig
	for _, c := range configs {
		if c.file != "" {
			written = append(written, c)
		}
	}
	return written
}

// skipSharedNames skips the configurations whose names another one
// shares: the agent asks the data plane by name, and AppConfig allows two
// applications, or two environments of one, to share a name.
func skipSharedNames(configs []*agentDevConfig, summary *AgentDevSummary) {
	byKey := map[string][]*agentDevConfig{}
	for _, c := range configs {
		byKey[c.key] = append(byKey[c.key], c)
	}
	for _, c := range configs {
		if len(byKey[c.key]) > 1 && c.file != "" {
			c.skip(summary, "another configuration has the same names; the agent asks for configurations by name")
		}
	}
}

// skipCaseClashes skips the configurations whose file names another's
// equals or differs from only in letter case, which would be one file on
// macOS and Windows.
func skipCaseClashes(configs []*agentDevConfig, summary *AgentDevSummary) {
	byFold := map[string][]*agentDevConfig{}
	for _, c := range configs {
		if c.file != "" {
			byFold[strings.ToLower(c.file)] = append(byFold[strings.ToLower(c.file)], c)
		}
	}
	clash := map[*agentDevConfig]string{}
	for _, c := range configs {
		same := byFold[strings.ToLower(c.file)]
		if c.file == "" || len(same) < 2 {
			continue
		}
		other := same[0]
		if other == c {
			other = same[1]
		}
		clash[c] = fmt.Sprintf("its file name and %s's differ only in letter case, which some file systems do not tell apart", printable(other.key))
		if other.file == c.file {
			clash[c] = fmt.Sprintf("its file name is also %s's", printable(other.key))
		}
	}
	for _, c := range configs {
		if reason, ok := clash[c]; ok {
			c.skip(summary, reason)
		}
	}
}

// skipMisServed skips the files that the agent would serve for another
// configuration (agentPick), round after round until there are none:
// a configuration whose file a round skips may then resolve to yet
// another file. Each round skips one file at least.
func skipMisServed(configs []*agentDevConfig, summary *AgentDevSummary) {
	for {
		owners := map[string]*agentDevConfig{}
		var files []string
		for _, c := range configs {
			if c.file != "" {
				owners[c.file] = c
				files = append(files, c.file)
			}
		}
		slices.Sort(files)
		wrong := map[*agentDevConfig]string{} // file's owner → the configuration it would be served for
		for _, c := range configs {
			for _, f := range agentPick(files, c.key) {
				if owner := owners[f]; owner != c {
					if _, seen := wrong[owner]; !seen {
						wrong[owner] = c.key
					}
				}
			}
		}
		if len(wrong) == 0 {
			break
		}
		for _, c := range configs {
			if key, ok := wrong[c]; ok {
				c.skip(summary, fmt.Sprintf("the agent would serve its file for %s too", printable(key)))
			}
		}
	}
}

// agentPick returns the files (sorted names) that the agent's local
// development mode may serve for the configuration key (agent/local.go):
// the file named key, else those named key.EXT with the shortest EXT,
// several when they tie.
func agentPick(files []string, key string) []string {
	if _, found := slices.BinarySearch(files, key); found {
		return []string{key}
	}
	prefix := key + "."
	i, _ := slices.BinarySearch(files, prefix)
	var best []string
	for ; i < len(files) && strings.HasPrefix(files[i], prefix); i++ {
		switch {
		case len(best) == 0 || len(files[i]) < len(best[0]):
			best = []string{files[i]}
		case len(files[i]) == len(best[0]):
			best = append(best, files[i])
		}
	}
	return best
}

// writeAgentDev writes the configurations into dir and removes the
// configuration files it held that are not among them. A file whose name
// differs from a new one only in letter case is removed first: on a file
// system that does not tell them apart, it is the same file, and would
// keep its old name.
func writeAgentDev(dir string, configs []*agentDevConfig, summary *AgentDevSummary) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	old, err := agentDevFiles(dir)
	if err != nil {
		return err
	}
	written := make(map[string]bool, len(configs))
	folded := make(map[string]bool, len(configs))
	for _, c := range configs {
		written[c.file] = true
		folded[strings.ToLower(c.file)] = true
	}
	remove := func(name string) error {
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		summary.Removed = append(summary.Removed, name)
		return nil
	}
	var stale []string
	for _, name := range old {
		switch {
		case written[name]:
		case folded[strings.ToLower(name)]:
			if err := remove(name); err != nil {
				return err
			}
		default:
			stale = append(stale, name)
		}
	}
	for _, c := range configs {
		if err := writeFileAtomic(dir, c.file, c.content); err != nil {
			return err
		}
		summary.Written = append(summary.Written, c.file)
	}
	for _, name := range stale {
		if err := remove(name); err != nil {
			return err
		}
	}
	slices.Sort(summary.Written)
	slices.Sort(summary.Removed)
	return nil
}

// writeFileAtomic writes data to dir/name through a temporary file in dir
// that is renamed into place. The temporary name holds no ':', so that
// the agent does not read it as a configuration.
func writeFileAtomic(dir, name string, data []byte) (err error) {
	f, err := os.CreateTemp(dir, ".appconfigd-export-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}
