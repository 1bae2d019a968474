package agent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// backupStore keeps a backup of every configuration the agent retrieves
// in BACKUP_DIRECTORY (docs/WIRE.md §4.4), one file per configuration, so that a
// restarted agent can serve while the service is unreachable. Backups are
// not encrypted, as the AWS agent's are not; files are mode 0600.
type backupStore struct {
	dir string
}

// backupSuffix ends every backup file's name.
const backupSuffix = ".backup"

// maxBackupName bounds readable backup file names; longer ones are
// hashed, well within the 255-byte limit of common file systems.
const maxBackupName = 200

// backupFile is a backup's content: the configuration with everything
// the agent serves it with, and the key it was asked for by (which a
// hashed file name does not show).
type backupFile struct {
	Application          string
	Environment          string
	Profile              string
	ContentType          string
	VersionLabel         string `json:",omitempty"`
	ConfigurationVersion string `json:",omitempty"`
	Content              []byte
}

// backupName returns the file name of k's backup: the three identifiers
// percent-encoded (only letters, digits, '.', '_' and '-' stay as they
// are) and joined by ':', or a SHA-256 of the key when that is too long.
func backupName(k Key) string {
	name := escapeName(k.Application) + ":" + escapeName(k.Environment) + ":" + escapeName(k.Profile)
	if len(name) > maxBackupName {
		sum := sha256.Sum256([]byte(k.Application + "\x00" + k.Environment + "\x00" + k.Profile))
		name = "sha256-" + hex.EncodeToString(sum[:])
	}
	return name + backupSuffix
}

func escapeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// save writes s as k's backup atomically: a temporary file in the same
// directory, synced, then renamed over the old backup.
func (b *backupStore) save(k Key, s *snapshot) error {
	data, err := json.Marshal(backupFile{
		Application:          k.Application,
		Environment:          k.Environment,
		Profile:              k.Profile,
		ContentType:          s.contentType,
		VersionLabel:         s.versionLabel,
		ConfigurationVersion: s.serverVersion,
		Content:              s.content,
	})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(b.dir, ".tmp-*") // mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(b.dir, backupName(k)))
}

// load reads k's backup; the error is os.ErrNotExist when there is none.
func (b *backupStore) load(k Key) (*snapshot, error) {
	_, s, err := b.read(filepath.Join(b.dir, backupName(k)))
	return s, err
}

// loadAll reads every backup in the directory. A missing directory holds
// no backups; a backup that cannot be read is reported and skipped.
func (b *backupStore) loadAll() (map[Key]*snapshot, []error) {
	entries, err := os.ReadDir(b.dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, []error{err}
	}
	backups := make(map[Key]*snapshot)
	var errs []error
	for _, de := range entries {
		if !de.Type().IsRegular() || !strings.HasSuffix(de.Name(), backupSuffix) {
			continue
		}
		k, s, err := b.read(filepath.Join(b.dir, de.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		backups[k] = s
	}
	return backups, errs
}

func (b *backupStore) read(path string) (Key, *snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Key{}, nil, err
	}
	var f backupFile
	if err := json.Unmarshal(data, &f); err != nil {
		return Key{}, nil, fmt.Errorf("backup %s: %w", path, err)
	}
	k := Key{Application: f.Application, Environment: f.Environment, Profile: f.Profile}
	if k.Application == "" || k.Environment == "" || k.Profile == "" {
		return Key{}, nil, fmt.Errorf("backup %s: no configuration key", path)
	}
	return k, newSnapshot(f.Content, f.ContentType, f.VersionLabel, f.ConfigurationVersion), nil
}
