package agent

import (
	"bytes"
	"cmp"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// localFiles serves LOCAL_DEVELOPMENT_DIRECTORY (AWS's "Working with
// AppConfig Agent local development mode"): a file named
// Application:Environment:Profile, with an optional extension that sets
// the content type, is that configuration. The directory is read again
// every poll interval, as the AWS agent does, so editing a file deploys it.
type localFiles struct {
	dir string

	mu sync.Mutex
	// files maps the names of the directory's files to their content.
	files map[string]*localFile
}

// localFile is one file's content and, once asked for, the configuration
// made of it.
type localFile struct {
	content []byte
	snap    *snapshot
}

// refresh reads the directory again. A file whose bytes did not change
// keeps its parsed configuration.
func (l *localFiles) refresh() error {
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		return err
	}
	l.mu.Lock()
	old := l.files
	l.mu.Unlock()
	files := make(map[string]*localFile)
	var firstErr error
	for _, de := range entries {
		name := de.Name()
		if strings.Count(name, ":") < 2 || de.IsDir() {
			continue
		}
		content, err := os.ReadFile(filepath.Join(l.dir, name))
		if err != nil {
			firstErr = cmp.Or(firstErr, err)
			continue
		}
		if f, ok := old[name]; ok && bytes.Equal(f.content, content) {
			files[name] = f
			continue
		}
		files[name] = &localFile{content: content}
	}
	l.mu.Lock()
	l.files = files
	l.mu.Unlock()
	return firstErr
}

// lookup returns k's configuration, or nil. Its file is named k, or k
// followed by '.' and an extension; when several match (a profile whose
// name has a dot), the exact name wins, then the shortest extension.
func (l *localFiles) lookup(k Key) *snapshot {
	base := k.String()
	l.mu.Lock()
	defer l.mu.Unlock()
	name, f := base, l.files[base]
	if f == nil {
		for n, candidate := range l.files {
			if strings.HasPrefix(n, base+".") && (f == nil || len(n) < len(name)) {
				name, f = n, candidate
			}
		}
	}
	if f == nil {
		return nil
	}
	contentType := localContentType(strings.TrimPrefix(name[len(base):], "."))
	if f.snap == nil || f.snap.contentType != contentType {
		f.snap = newSnapshot(f.content, contentType, "", "")
	}
	return f.snap
}

// localContentType maps a local file's extension to the content type
// served: json is application/json, none is application/octet-stream, and
// type%subtype is type/subtype; further '%'s separate parameters, so that
// application%ion%type=AWS.AppConfig.FeatureFlags is
// application/ion;type=AWS.AppConfig.FeatureFlags, the multi-variant flag
// format (docs/WIRE.md §4.2, §6 Q13). Other extensions are
// application/octet-stream too.
func localContentType(ext string) string {
	if strings.EqualFold(ext, "json") {
		return "application/json"
	}
	parts := strings.Split(ext, "%")
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return "application/octet-stream"
	}
	return parts[0] + "/" + strings.Join(parts[1:], ";")
}
