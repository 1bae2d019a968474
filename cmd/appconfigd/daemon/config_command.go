package daemon

import (
	"flag"
	"fmt"
	"io"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/appconfigd/appconfigd/internal/version"
)

const (
	configCommand  = "config"
	versionCommand = "version"
)

// runConfig runs appconfigd config print with serve's flags: it prints the
// settings serve would start with, as a configuration file that serve
// reads back, each line saying where its value came from and passwords
// masked. It returns 2 for a bad setting, as serve would.
func runConfig(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "print" {
		fmt.Fprintf(stderr, "appconfigd %s: want appconfigd config print [serve's flags]\n", configCommand)
		return 2
	}
	opts, code, ok := loadServeSettings(args[1:], getenv, stderr)
	if !ok {
		return code
	}
	b, err := yaml.Marshal(effectiveSettings(opts))
	if err != nil {
		return reportFailure(stderr, configCommand, err)
	}
	_, _ = stdout.Write(b)
	return 0
}

// effectiveSettings is the YAML document config print writes: a mapping
// of every serve setting to its value, commented with its source.
func effectiveSettings(opts *serveOptions) *yaml.Node {
	root := &yaml.Node{
		Kind:        yaml.MappingNode,
		HeadComment: "The settings of appconfigd serve, each from the first of: flag, environment variable, --config file, default.",
	}
	opts.flags.VisitAll(func(f *flag.Flag) {
		if f.Name == configFlag {
			return
		}
		var value *yaml.Node
		switch f.Value.(type) {
		case quotaFlag:
			value = &yaml.Node{Kind: yaml.MappingNode}
			fields := quotaFields(&opts.config.Limits)
			for _, name := range quotaNames() {
				value.Content = append(value.Content, scalar(name), scalar(strconv.Itoa(*fields[name])))
			}
		case networksFlag:
			value = &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
			for _, p := range opts.config.ValidatorNetworks {
				value.Content = append(value.Content, scalar(p.String()))
			}
		default:
			value = scalar(maskSetting(f.Name, f.Value.String()))
		}
		key := scalar(f.Name)
		if value.Kind != yaml.MappingNode {
			value.LineComment = opts.sources[f.Name]
		} else {
			key.LineComment = opts.sources[f.Name]
		}
		root.Content = append(root.Content, key, value)
	})
	if file := opts.configFile; file != "" {
		root.HeadComment += "\nConfiguration file: " + file + " (" + opts.sources[configFlag] + ")."
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}}
}

// scalar is a YAML node of the value v, written "" when empty, where YAML
// would read nothing (null).
func scalar(v string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Value: v}
	if v == "" {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// runVersion prints the build's version (internal/version).
func runVersion(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "appconfigd %s: unexpected argument %q\n", versionCommand, args[0])
		return 2
	}
	fmt.Fprintln(stdout, version.Read())
	return 0
}
