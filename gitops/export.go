package gitops

import "context"

// ExportOptions configure Export.
type ExportOptions struct {
	// Force lets Export write into a directory that is not empty: it
	// replaces the directory's applications/ and strategies/ trees, so
	// that resources deleted since the last export disappear, and leaves
	// everything else there alone.
	Force bool
	// Region is the region of the endpoint, for the ARNs whose tags are
	// listed (ReadOptions.Region).
	Region string
	// AccountID is the account of those ARNs (ReadOptions.AccountID).
	AccountID string
}

// Export writes everything the endpoint behind client holds into dir, in
// the layout of docs/GITOPS.md: Read, then Write. The directory is
// checked before any call, so that a refused export costs none, and a
// failed export leaves dir as it was.
func Export(ctx context.Context, client Client, dir string, opts ExportOptions) (*Summary, error) {
	if _, err := exportDir(dir, opts.Force); err != nil {
		return nil, err
	}
	tree, summary, err := Read(ctx, client, ReadOptions{Region: opts.Region, AccountID: opts.AccountID})
	if err != nil {
		return nil, err
	}
	if err := Write(tree, dir, opts.Force); err != nil {
		return nil, err
	}
	return summary, nil
}
