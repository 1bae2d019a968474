package appconfigd

import (
	"context"
	"strconv"
	"strings"
)

// FormatExtensionARN returns the ARN of one version of an extension in a
// region and account: AWS puts the version in it (docs/WIRE.md §3.13).
func FormatExtensionARN(region, accountID, id string, version int) string {
	return formatARN(region, accountID, "extension/"+id+"/"+strconv.Itoa(version))
}

// FormatExtensionAssociationARN returns the ARN of an extension
// association in a region and account.
func FormatExtensionAssociationARN(region, accountID, id string) string {
	return formatARN(region, accountID, "extensionassociation/"+id)
}

// ExtensionARN returns the ARN of one version of an extension. AWS-owned
// extensions belong to no account: their ARNs have an empty one.
func (s *Service) ExtensionARN(e *Extension) string {
	return s.extensionVersionARN(e.ID, e.VersionNumber)
}

// extensionVersionARN returns the ARN of version of the extension id.
func (s *Service) extensionVersionARN(id string, version int) string {
	account := s.AccountID
	if strings.HasPrefix(id, awsOwnedPrefix) {
		account = ""
	}
	return FormatExtensionARN(s.Region, account, id, version)
}

// CreateExtension creates an extension, or a new version of the extension
// with its name when latestVersion is its latest version number, the
// optimistic lock of the Latest-Version-Number header (docs/WIRE.md
// §3.13). Creating under an existing name without it, or with another
// number, is a conflict.
func (s *Service) CreateExtension(ctx context.Context, e *Extension, latestVersion *int, tags map[string]string) (*Extension, error) {
	e.AWSOwned = false
	if err := e.Validate(); err != nil {
		return nil, err
	}
	if err := s.checkActionURIs(e); err != nil {
		return nil, err
	}
	if err := ValidateTags(tags, s.Limits.TagsPerResource); err != nil {
		return nil, err
	}
	if aws := findAWSOwnedExtension(e.Name); aws != nil {
		return nil, Errorf(EConflict, "An extension named %q already exists: AWS-authored extension %s", e.Name, aws.ID)
	}
	err := s.Store.Update(ctx, func(tx Tx) error {
		named, err := tx.FindExtensionsByName(ctx, e.Name)
		if err != nil {
			return err
		}
		latest, err := only(named, "extension", e.Name)
		if err != nil {
			return err
		}
		switch {
		case latest == nil && latestVersion != nil && *latestVersion != 0:
			return Errorf(EConflict, "No extension named %q exists, so Latest-Version-Number %d matches nothing; omit it, or send 0, to create the extension", e.Name, *latestVersion)
		case latest == nil:
			if e.ID, err = s.newID(); err != nil {
				return err
			}
			e.VersionNumber = 1
		case latestVersion == nil:
			return Errorf(EConflict, "An extension named %q already exists (latest version %d); to create version %d, send Latest-Version-Number: %d", e.Name, latest.VersionNumber, latest.VersionNumber+1, latest.VersionNumber)
		case *latestVersion != latest.VersionNumber:
			return Errorf(EConflict, "Latest-Version-Number %d does not match the latest version %d of extension %q", *latestVersion, latest.VersionNumber, e.Name)
		default:
			e.ID, e.VersionNumber = latest.ID, latest.VersionNumber+1
		}
		e.CreatedAt = s.now()
		if err := tx.CreateExtension(ctx, e); err != nil {
			return err
		}
		return tx.ReplaceTags(ctx, s.ExtensionARN(e), tags)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// GetExtension returns one version of an extension, the latest when
// version is 0. ident is its name, ID or ARN.
func (s *Service) GetExtension(ctx context.Context, ident string, version int) (e *Extension, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		e, err = s.findExtension(ctx, tx, ident, version)
		return err
	})
	return e, err
}

// ListExtensions lists the latest version of every custom extension in
// creation order, then the AWS-owned ones, as AWS's listing shows them
// (docs/WIRE.md §3.13); name, when set, keeps those so named. The listing
// is built whole and paged by position: extensions are few.
func (s *Service) ListExtensions(ctx context.Context, name string, in ListInput) (*ListOutput[*Extension], error) {
	page, err := in.page()
	if err != nil {
		return nil, err
	}
	if err := checkLength("Name", name, 0, maxNameLength); err != nil {
		return nil, err
	}
	var all []*Extension
	err = s.Store.View(ctx, func(tx Tx) error {
		all, err = tx.ListExtensions(ctx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, e := range AWSOwnedExtensions() {
		if name == "" || e.Name == name {
			all = append(all, e)
		}
	}
	// A cursor is the position after the last item of the previous page,
	// counted from 1 so that it is never 0.
	start := min(int(page.Cursor), len(all))
	end := min(start+page.Limit, len(all))
	out := &ListOutput[*Extension]{Items: all[start:end]}
	if end < len(all) {
		out.NextToken = nextToken(int64(end))
	}
	return out, nil
}

// UpdateExtension changes the description, actions or parameters of one
// version of a custom extension (u.VersionNumber, 0 for the latest).
// Associations keep the values they set.
func (s *Service) UpdateExtension(ctx context.Context, ident string, u ExtensionUpdate) (e *Extension, err error) {
	err = s.Store.Update(ctx, func(tx Tx) error {
		if e, err = s.findExtension(ctx, tx, ident, u.VersionNumber); err != nil {
			return err
		}
		if e.AWSOwned {
			return badRequest("Extension %s is AWS-authored and cannot be changed", e.ID)
		}
		u.Apply(e)
		if err := e.Validate(); err != nil {
			return err
		}
		if err := s.checkActionURIs(e); err != nil {
			return err
		}
		return tx.UpdateExtension(ctx, e)
	})
	return e, err
}

// DeleteExtension deletes one version of a custom extension, the latest
// when version is 0. A version still associated with a resource is
// refused, so that no association is left naming a missing extension.
func (s *Service) DeleteExtension(ctx context.Context, ident string, version int) error {
	return s.Store.Update(ctx, func(tx Tx) error {
		e, err := s.findExtension(ctx, tx, ident, version)
		if err != nil {
			return err
		}
		if e.AWSOwned {
			return badRequest("Extension %s is AWS-authored and cannot be deleted", e.ID)
		}
		used, _, err := tx.ListExtensionAssociations(ctx, ExtensionAssociationFilter{ExtensionID: e.ID, ExtensionVersionNumber: e.VersionNumber}, Page{Limit: 1})
		if err != nil {
			return err
		}
		if len(used) > 0 {
			return badRequest("Extension %s version %d is associated with a resource (extension association %s); delete its associations first", e.ID, e.VersionNumber, used[0].ID)
		}
		if err := tx.ReplaceTags(ctx, s.ExtensionARN(e), nil); err != nil {
			return err
		}
		return tx.DeleteExtension(ctx, e.ID, e.VersionNumber)
	})
}

// MaxExtensionIdentifierLength is the model's length of an
// ExtensionIdentifier (a name, ID or ARN), in the path or in a request.
const MaxExtensionIdentifierLength = 2048

// findExtension resolves an extension name, ID or ARN and a version
// number, 0 for the latest; an ARN names its version itself.
func (s *Service) findExtension(ctx context.Context, tx Tx, ident string, version int) (*Extension, error) {
	if err := checkLength("ExtensionIdentifier", ident, 1, MaxExtensionIdentifierLength); err != nil {
		return nil, err
	}
	if version < 0 {
		return nil, badRequest("VersionNumber must be a positive integer, got %d", version)
	}
	if strings.HasPrefix(ident, "arn:") {
		id, arnVersion, err := s.parseExtensionARN(ident)
		if err != nil {
			return nil, err
		}
		if version != 0 && version != arnVersion {
			return nil, badRequest("VersionNumber %d differs from version %d in the extension ARN %s", version, arnVersion, ident)
		}
		ident, version = id, arnVersion
	}
	if e := findAWSOwnedExtension(ident); e != nil {
		if version != 0 && version != e.VersionNumber {
			return nil, &Error{Code: ENotFound, Message: "Extension " + e.ID + " version " + strconv.Itoa(version) + " not found", ResourceType: ResourceExtension, ResourceName: ident}
		}
		return e, nil
	}
	e, err := tx.FindExtension(ctx, ident, version)
	if !IsCode(err, ENotFound) {
		return e, err
	}
	named, err2 := tx.FindExtensionsByName(ctx, ident)
	if err2 != nil {
		return nil, err2
	}
	one, err2 := only(named, "extension", ident)
	switch {
	case err2 != nil:
		return nil, err2
	case one == nil:
		return nil, err
	case version == 0:
		return one, nil
	}
	return tx.FindExtension(ctx, one.ID, version)
}

// parseExtensionARN splits an extension ARN, whose resource part is
// extension/ID/VERSION, into the ID and version. Its account and region
// are checked as those of every ARN a client sends (docs/COMPATIBILITY.md,
// "ARNs").
func (s *Service) parseExtensionARN(arn string) (string, int, error) {
	rest, err := s.arnResource(arn)
	if err != nil {
		return "", 0, err
	}
	parts := strings.Split(rest, "/")
	if len(parts) == 3 && parts[0] == "extension" && parts[1] != "" {
		if n, err := strconv.Atoi(parts[2]); err == nil && n > 0 {
			return parts[1], n, nil
		}
	}
	return "", 0, badRequest("ExtensionIdentifier %q is not an extension ARN (arn:aws:appconfig:REGION:ACCOUNT:extension/ID/VERSION)", arn)
}

// findExtensionTaggable resolves rest, the resource part of an ARN, when it
// names an extension version (extension/ID/VERSION) or an extension
// association (extensionassociation/ID), for the tagging operations: it
// checks that the resource exists and returns the ARN its tags are stored
// under. ok is false when rest names neither. AWS-owned extensions belong
// to no account and cannot be tagged.
func (s *Service) findExtensionTaggable(ctx context.Context, tx Tx, rest string) (key string, ok bool, err error) {
	parts := strings.Split(rest, "/")
	switch {
	case len(parts) == 3 && parts[0] == "extension" && parts[1] != "":
		version, err := strconv.Atoi(parts[2])
		if err != nil || version < 1 {
			return "", false, nil
		}
		if strings.HasPrefix(parts[1], awsOwnedPrefix) {
			return "", true, badRequest("Extension %s is AWS-authored and cannot be tagged", parts[1])
		}
		e, err := tx.FindExtension(ctx, parts[1], version)
		if err != nil {
			return "", true, err
		}
		return s.ExtensionARN(e), true, nil
	case len(parts) == 2 && parts[0] == "extensionassociation" && parts[1] != "":
		a, err := tx.FindExtensionAssociation(ctx, parts[1])
		if err != nil {
			return "", true, err
		}
		return s.ExtensionAssociationARN(a.ID), true, nil
	}
	return "", false, nil
}
