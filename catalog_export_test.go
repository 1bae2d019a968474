package appconfigd

import (
	"context"
	"fmt"
	"reflect"
)

// CatalogMismatch compares the catalog the service built, change after
// change, with a full reload of its store, and describes the first
// difference; "" when there is none.
func (s *Service) CatalogMismatch(ctx context.Context) (string, error) {
	got := s.catalog.snapshot.Load()
	want, err := loadCatalog(ctx, s.Store, s.Logger, nil)
	if err != nil {
		return "", err
	}
	gotNames, wantNames := make(map[string][]string), make(map[string][]string)
	got.appsNamed.all(func(k string, v []string) bool { gotNames[k] = v; return true })
	want.appsNamed.all(func(k string, v []string) bool { wantNames[k] = v; return true })
	if !reflect.DeepEqual(gotNames, wantNames) {
		return fmt.Sprintf("application names %v, a full reload has %v", gotNames, wantNames), nil
	}
	if !reflect.DeepEqual(got.deployments, want.deployments) {
		return fmt.Sprintf("deployment counts %v, a full reload has %v", got.deployments, want.deployments), nil
	}
	diff := ""
	want.apps.all(func(id string, ca *catalogApp) bool {
		if !reflect.DeepEqual(got.app(id), ca) {
			diff = fmt.Sprintf("application %s is %+v, a full reload has %+v", id, got.app(id), ca)
		}
		return diff == ""
	})
	if diff != "" {
		return diff, nil
	}
	if got.apps.len() != want.apps.len() {
		return fmt.Sprintf("%d applications, a full reload has %d", got.apps.len(), want.apps.len()), nil
	}
	return "", nil
}
