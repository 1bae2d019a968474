package daemon

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Every flag of serve is a setting that can come from four places, the
// first that gives it winning (docs/OPERATIONS.md, "Configuration"): the
// command line, the environment variable named by envName, the key of the
// same name in the --config file, the default. A setting given at a higher
// level replaces a lower one's whole value, lists included.

// configFlag names the configuration file. It is a setting of the command
// line and of the environment only: a file cannot name another.
const configFlag = "config"

// envName is the environment variable that sets the serve flag name:
// APPCONFIGD_ and the name in upper case, - written _ (--data is
// APPCONFIGD_DATA, --database-url APPCONFIGD_DATABASE_URL).
func envName(name string) string {
	return "APPCONFIGD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// settingSource says where each setting's value came from, as config
// print shows it: "default", "flag", "$APPCONFIGD_NAME" or "file PATH".
type settingSource map[string]string

// applySettings gives each flag of fs that the command line left unset
// the value of its environment variable, else of its key in the
// configuration file (--config, else $APPCONFIGD_CONFIG), and returns
// where each flag's value came from. The error names the setting, and
// the variable or the file and line that gave a bad value or an unknown
// key, so that a mistake stops the start instead of being ignored.
func applySettings(fs *flag.FlagSet, getenv func(string) string) (settingSource, error) {
	sources := settingSource{}
	fs.Visit(func(f *flag.Flag) { sources[f.Name] = "flag" })
	path := fs.Lookup(configFlag).Value.String()
	if path == "" {
		path = getenv(envName(configFlag))
		sources[configFlag] = "$" + envName(configFlag)
	}
	file := map[string]fileSetting{}
	if path != "" {
		var err error
		if file, err = readSettingsFile(fs, path); err != nil {
			return nil, err
		}
		if err := fs.Set(configFlag, path); err != nil {
			return nil, err
		}
	}
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == configFlag || sources[f.Name] == "flag" {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			sources[f.Name] = "$" + envName(f.Name)
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("$%s: invalid value %q: %w", envName(f.Name), v, err))
			}
			return
		}
		s, ok := file[f.Name]
		if !ok {
			sources[f.Name] = "default"
			return
		}
		sources[f.Name] = "file " + path
		for _, v := range s.values {
			if err := fs.Set(f.Name, v); err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: %s: invalid value %q: %w", path, s.line, f.Name, v, err))
				return
			}
		}
	})
	if path == "" {
		delete(sources, configFlag)
	}
	return sources, errors.Join(errs...)
}

// fileSetting is one key of a configuration file: the values to give its
// flag, in order, and the line that holds it.
type fileSetting struct {
	values []string
	line   int
}

// readSettingsFile reads the configuration file at path: a YAML mapping
// (JSON is YAML too) of serve's flag names, without the leading --, to a
// value as the flag takes it; the repeatable flags also take a list, and
// quota a mapping of quota names to values. An unknown key, a key given
// twice or a value of the wrong shape is an error naming the line.
func readSettingsFile(fs *flag.FlagSet, path string) (map[string]fileSetting, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("configuration file: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: not YAML: %w", path, err)
	}
	out := map[string]fileSetting{}
	if len(doc.Content) == 0 {
		return out, nil // an empty file, or comments only
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of settings (listen: 127.0.0.1:2771, …)", path, root.Line)
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, value := root.Content[i], root.Content[i+1]
		name := key.Value
		f := fs.Lookup(name)
		if f == nil || name == configFlag {
			return nil, fmt.Errorf("%s:%d: unknown setting %q; the settings are the flags of serve without the leading -- (appconfigd help lists them)", path, key.Line, name)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("%s:%d: %s is set twice", path, key.Line, name)
		}
		values, err := settingValues(f, value)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", path, value.Line, name, err)
		}
		out[name] = fileSetting{values: values, line: value.Line}
	}
	return out, nil
}

// settingValues returns the values that value, a file's YAML node, gives
// the flag f.
func settingValues(f *flag.Flag, value *yaml.Node) ([]string, error) {
	switch value.Kind {
	case yaml.ScalarNode:
		if value.Tag == "!!null" {
			return nil, errors.New("no value; remove the key to keep the default")
		}
		return []string{value.Value}, nil
	case yaml.SequenceNode:
		if !isList(f) {
			return nil, errors.New("takes one value, not a list")
		}
		var values []string
		for _, item := range value.Content {
			if item.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: want a value, not a list or mapping", item.Line)
			}
			values = append(values, item.Value)
		}
		return values, nil
	case yaml.MappingNode:
		if _, ok := f.Value.(quotaFlag); !ok {
			return nil, errors.New("takes a value, not a mapping")
		}
		var values []string
		for i := 0; i+1 < len(value.Content); i += 2 {
			values = append(values, value.Content[i].Value+"="+value.Content[i+1].Value)
		}
		return values, nil
	}
	return nil, errors.New("want a value")
}

// isList reports whether the flag f may be repeated, each time adding to
// its value.
func isList(f *flag.Flag) bool {
	switch f.Value.(type) {
	case networksFlag, quotaFlag:
		return true
	}
	return false
}

// secretSettings are the settings whose values may hold a password.
var secretSettings = []string{"database-url"}

// keywordPassword finds the password of a keyword/value connection
// string, such as host=db password=secret.
var keywordPassword = regexp.MustCompile(`(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)`)

// maskSetting returns value with any password it holds replaced by xxxxx,
// for config print.
func maskSetting(name, value string) string {
	if !slices.Contains(secretSettings, name) || value == "" {
		return value
	}
	if u, err := url.Parse(value); err == nil && u.Scheme != "" {
		if q := u.Query(); q.Has("password") {
			q.Set("password", "xxxxx")
			u.RawQuery = q.Encode()
		}
		return u.Redacted()
	}
	return keywordPassword.ReplaceAllString(value, "${1}xxxxx")
}
