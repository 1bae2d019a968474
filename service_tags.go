package appconfigd

import (
	"context"
	"errors"
	"maps"
)

// findTaggable checks that the resource an ARN names exists and returns
// the ARN its tags are stored under: this server's own ARN for it, so that
// an ARN with another region or account finds the same tags.
func (s *Service) findTaggable(ctx context.Context, tx Tx, arn string) (string, error) {
	rest, err := s.checkedARNResource(arn)
	if err != nil {
		return "", err
	}
	key, ok, err := s.findExtensionTaggable(ctx, tx, rest)
	if ok {
		return key, nameMissingByARN(err, arn)
	}
	t, err := parseARNResource(arn, rest)
	if err != nil {
		return "", err
	}
	switch t.kind {
	case ResourceApplication:
		_, err = tx.FindApplication(ctx, t.appID)
	case ResourceEnvironment:
		_, err = tx.FindEnvironment(ctx, t.appID, t.envID)
	case ResourceConfigurationProfile:
		_, err = tx.FindConfigurationProfile(ctx, t.appID, t.profileID)
	case ResourceDeploymentStrategy:
		_, err = tx.FindDeploymentStrategy(ctx, t.stID)
	case ResourceDeployment:
		_, err = tx.FindDeployment(ctx, t.appID, t.envID, t.deployment)
	}
	return s.canonicalARN(t), nameMissingByARN(err, arn)
}

// nameMissingByARN returns err, naming the missing resource by arn when err
// is a not-found error: the control plane names the resource of a tagging
// operation by the ARN the client sent.
func nameMissingByARN(err error, arn string) error {
	var e *Error
	if errors.As(err, &e) && e.Code == ENotFound {
		e.ResourceName = arn
	}
	return err
}

// ListTagsForResource returns the tags of the resource an ARN names.
func (s *Service) ListTagsForResource(ctx context.Context, arn string) (tags map[string]string, err error) {
	err = s.Store.View(ctx, func(tx Tx) error {
		key, err := s.findTaggable(ctx, tx, arn)
		if err != nil {
			return err
		}
		tags, err = tx.FindTags(ctx, key)
		return err
	})
	return tags, err
}

// TagResource adds or overwrites tags of a resource, keeping at most the
// per-resource limit.
func (s *Service) TagResource(ctx context.Context, arn string, tags map[string]string) error {
	if len(tags) == 0 {
		return badRequest("Tags is required and must have at least one entry")
	}
	if err := ValidateTags(tags, s.Limits.TagsPerResource); err != nil {
		return err
	}
	return s.Store.Update(ctx, func(tx Tx) error {
		key, err := s.findTaggable(ctx, tx, arn)
		if err != nil {
			return err
		}
		current, err := tx.FindTags(ctx, key)
		if err != nil {
			return err
		}
		merged := maps.Clone(current)
		if merged == nil {
			merged = make(map[string]string)
		}
		maps.Copy(merged, tags)
		if err := ValidateTags(merged, s.Limits.TagsPerResource); err != nil {
			return err
		}
		return tx.ReplaceTags(ctx, key, merged)
	})
}

// UntagResource removes the named tag keys of a resource; keys it does not
// have are ignored.
func (s *Service) UntagResource(ctx context.Context, arn string, keys []string) error {
	if len(keys) > s.Limits.TagsPerResource {
		return badRequest("TagKeys may have at most %d entries", s.Limits.TagsPerResource)
	}
	for _, k := range keys {
		// The model's TagKey: 1..128 characters (docs/WIRE.md Appendix A).
		if err := checkLength("TagKeys member", k, 1, maxTagKeyLength); err != nil {
			return err
		}
	}
	return s.Store.Update(ctx, func(tx Tx) error {
		key, err := s.findTaggable(ctx, tx, arn)
		if err != nil {
			return err
		}
		current, err := tx.FindTags(ctx, key)
		if err != nil {
			return err
		}
		for _, k := range keys {
			delete(current, k)
		}
		return tx.ReplaceTags(ctx, key, current)
	})
}
