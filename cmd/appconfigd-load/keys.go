package main

import (
	"encoding/json"
	"os"
	"path/filepath"
)

// keyPair is an access key the commands give the appconfigd they start.
type keyPair struct {
	Name, ID, Secret string
}

// writeKeysFile writes a --keys-file for appconfigd in dir with an admin
// key, to set the server up, and a reader key, to poll with as a fleet
// does, and returns its path.
func writeKeysFile(dir string, admin, reader keyPair) (string, error) {
	type key struct {
		Name            string `json:"name"`
		AccessKeyID     string `json:"accessKeyId"`
		SecretAccessKey string `json:"secretAccessKey"`
		Role            string `json:"role"`
	}
	b, err := json.Marshal(map[string][]key{"keys": {
		{admin.Name, admin.ID, admin.Secret, "admin"},
		{reader.Name, reader.ID, reader.Secret, "reader"},
	}})
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "keys.json")
	return path, os.WriteFile(path, b, 0o600)
}
