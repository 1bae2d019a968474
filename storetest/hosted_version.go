package storetest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd"
)

func versionNumber(v *appconfigd.HostedConfigurationVersion) int { return v.VersionNumber }

// withoutContent returns a copy of v as listings return it.
func withoutContent(v *appconfigd.HostedConfigurationVersion) *appconfigd.HostedConfigurationVersion {
	c := *v
	c.Content = nil
	return &c
}

// findVersion returns a version read in its own View.
func findVersion(t *testing.T, s appconfigd.Store, appID, profileID string, number int) *appconfigd.HostedConfigurationVersion {
	t.Helper()
	var v *appconfigd.HostedConfigurationVersion
	view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		var err error
		v, err = tx.FindHostedConfigurationVersion(ctx, appID, profileID, number)
		return err
	})
	return v
}

// latestVersion returns LatestHostedConfigurationVersionNumber.
func latestVersion(ctx context.Context, tx appconfigd.Tx) (int, error) {
	return tx.LatestHostedConfigurationVersionNumber(ctx, "app0001", "prof001")
}

// listVersions pages through prof001's versions matching label.
func listVersions(t *testing.T, s appconfigd.Store, label string, limit int) [][]int {
	t.Helper()
	pages := collectPages(t, s, limit, func(ctx context.Context, tx appconfigd.Tx, p appconfigd.Page) ([]*appconfigd.HostedConfigurationVersion, int64, error) {
		return tx.ListHostedConfigurationVersions(ctx, "app0001", "prof001",
			appconfigd.HostedConfigurationVersionFilter{VersionLabel: label}, p)
	})
	return pageKeys(pages, versionNumber)
}

func hostedVersionSpecs() []spec {
	return []spec{
		{"CreateThenFindReturnsEveryFieldAndContent", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			want := newVersion("app0001", "prof001", 1, "v1")
			createVersions(t, s, want)
			wantEqual(t, "FindHostedConfigurationVersion", findVersion(t, s, "app0001", "prof001", 1), want)
		}},
		{"EmptyContentAndLabelRoundTrip", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			want := newVersion("app0001", "prof001", 1, "")
			want.Content, want.Description = []byte{}, ""
			createVersions(t, s, want)
			wantEqual(t, "FindHostedConfigurationVersion", findVersion(t, s, "app0001", "prof001", 1), want)
		}},
		{"FindMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001", "prof002")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""))
			for _, key := range []struct {
				profile string
				number  int
			}{{"prof001", 2}, {"prof002", 1}} {
				err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					_, err := tx.FindHostedConfigurationVersion(ctx, "app0001", key.profile, key.number)
					return err
				})
				wantNotFound(t, err, appconfigd.ResourceHostedConfigurationVersion, strconv.Itoa(key.number))
			}
		}},
		{"CreateDuplicateNumberReturnsConflict", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, "first"))
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.CreateHostedConfigurationVersion(ctx, newVersion("app0001", "prof001", 1, "second"))
			})
			wantCode(t, err, appconfigd.EConflict)
			if got := findVersion(t, s, "app0001", "prof001", 1).VersionLabel; got != "first" {
				t.Errorf("VersionLabel = %q after a conflicting create, want %q", got, "first")
			}
		}},
		{"LatestNumberIsZeroWithoutVersions", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			wantCount(t, s, "LatestHostedConfigurationVersionNumber", 0, latestVersion)
		}},
		{"LatestNumberIsPerProfile", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001", "prof002")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""), newVersion("app0001", "prof001", 2, ""),
				newVersion("app0001", "prof002", 1, ""))
			wantCount(t, s, "latest version of prof001", 2, latestVersion)
			wantCount(t, s, "latest version of prof002", 1, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.LatestHostedConfigurationVersionNumber(ctx, "app0001", "prof002")
			})
		}},
		{"NumbersAreNeverReusedAfterDelete", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""), newVersion("app0001", "prof001", 2, ""),
				newVersion("app0001", "prof001", 3, ""))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteHostedConfigurationVersion(ctx, "app0001", "prof001", 3)
			})
			wantCount(t, s, "latest version after deleting the newest", 3, latestVersion)
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				for _, n := range []int{1, 2} {
					if err := tx.DeleteHostedConfigurationVersion(ctx, "app0001", "prof001", n); err != nil {
						return err
					}
				}
				return nil
			})
			wantCount(t, s, "latest version after deleting every version", 3, latestVersion)
			// The next version, numbered as the service numbers it, is 4.
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				n, err := tx.LatestHostedConfigurationVersionNumber(ctx, "app0001", "prof001")
				if err != nil {
					return err
				}
				return tx.CreateHostedConfigurationVersion(ctx, newVersion("app0001", "prof001", n+1, ""))
			})
			wantEqual(t, "versions", listVersions(t, s, "", 0), [][]int{{4}})
			wantCount(t, s, "latest version", 4, latestVersion)
		}},
		{"FindByLabelReturnsTheNewest", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001", "prof002")
			createVersions(t, s,
				newVersion("app0001", "prof001", 1, "beta"),
				newVersion("app0001", "prof001", 2, "beta"),
				newVersion("app0001", "prof001", 3, "other"),
				newVersion("app0001", "prof001", 4, ""),
				newVersion("app0001", "prof002", 5, "beta"))
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, err := tx.FindHostedConfigurationVersionByLabel(ctx, "app0001", "prof001", "beta")
				if err != nil {
					return err
				}
				wantEqual(t, "FindHostedConfigurationVersionByLabel", got, newVersion("app0001", "prof001", 2, "beta"))
				return nil
			})
		}},
		{"FindByLabelWithoutMatchReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, "beta"))
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindHostedConfigurationVersionByLabel(ctx, "app0001", "prof001", "Beta")
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceHostedConfigurationVersion, "Beta")
		}},
		{"ListIsNewestFirstWithoutContent", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001", "prof002")
			v1, v2, v3 := newVersion("app0001", "prof001", 1, "a"), newVersion("app0001", "prof001", 2, ""), newVersion("app0001", "prof001", 3, "c")
			createVersions(t, s, v1, v2, newVersion("app0001", "prof002", 1, ""), v3)
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				got, next, err := tx.ListHostedConfigurationVersions(ctx, "app0001", "prof001",
					appconfigd.HostedConfigurationVersionFilter{}, appconfigd.Page{})
				if err != nil {
					return err
				}
				wantEqual(t, "ListHostedConfigurationVersions", got, []*appconfigd.HostedConfigurationVersion{
					withoutContent(v3), withoutContent(v2), withoutContent(v1),
				})
				if next != 0 {
					t.Errorf("next cursor = %d with Limit 0, want 0", next)
				}
				return nil
			})
		}},
		{"ListPagesNewestFirst", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			for n := 1; n <= 5; n++ {
				createVersions(t, s, newVersion("app0001", "prof001", n, ""))
			}
			wantEqual(t, "pages of 2", listVersions(t, s, "", 2), [][]int{{5, 4}, {3, 2}, {1}})
			wantEqual(t, "pages of 5", listVersions(t, s, "", 5), [][]int{{5, 4, 3, 2, 1}})
		}},
		{"ListFiltersByExactLabel", func(t *testing.T, s appconfigd.Store) {
			seedLabels(t, s)
			wantEqual(t, "versions labelled v2", listVersions(t, s, "v2", 0), [][]int{{6, 2}})
			wantEqual(t, "versions labelled v", listVersions(t, s, "v", 0), [][]int{nil})
		}},
		{"ListFiltersByLabelPrefix", func(t *testing.T, s appconfigd.Store) {
			seedLabels(t, s)
			wantEqual(t, "versions labelled v2*", listVersions(t, s, "v2*", 0), [][]int{{6, 4, 3, 2}})
			wantEqual(t, "versions labelled v2* in pages of 3", listVersions(t, s, "v2*", 3), [][]int{{6, 4, 3}, {2}})
			wantEqual(t, "versions labelled %*", listVersions(t, s, "%*", 0), [][]int{{8}})
			wantEqual(t, "versions labelled *", listVersions(t, s, "*", 0), [][]int{{8, 7, 6, 5, 4, 3, 2, 1}})
		}},
		{"CountCountsOnlyTheProfile", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001", "prof002")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""), newVersion("app0001", "prof001", 2, ""),
				newVersion("app0001", "prof002", 1, ""))
			wantCount(t, s, "CountHostedConfigurationVersions", 2, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountHostedConfigurationVersions(ctx, "app0001", "prof001")
			})
		}},
		{"DeleteRemovesOnlyThatVersion", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""), newVersion("app0001", "prof001", 2, ""))
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteHostedConfigurationVersion(ctx, "app0001", "prof001", 1)
			})
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindHostedConfigurationVersion(ctx, "app0001", "prof001", 1)
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceHostedConfigurationVersion, "1")
			wantEqual(t, "versions left", listVersions(t, s, "", 0), [][]int{{2}})
		}},
		{"DeleteMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteHostedConfigurationVersion(ctx, "app0001", "prof001", 1)
			})
			wantNotFound(t, err, appconfigd.ResourceHostedConfigurationVersion, "1")
		}},
		{"MarkedDeletedIsHiddenButServed", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			v1, v2 := newVersion("app0001", "prof001", 1, "live"), newVersion("app0001", "prof001", 2, "live")
			createVersions(t, s, v1, v2)
			markDeleted(t, s, 2)
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindHostedConfigurationVersion(ctx, "app0001", "prof001", 2)
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceHostedConfigurationVersion, "2")
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				byLabel, err := tx.FindHostedConfigurationVersionByLabel(ctx, "app0001", "prof001", "live")
				if err != nil {
					return err
				}
				wantEqual(t, "FindHostedConfigurationVersionByLabel", byLabel, v1)
				served, err := tx.FindServedHostedConfigurationVersion(ctx, "app0001", "prof001", 2)
				if err != nil {
					return err
				}
				wantEqual(t, "FindServedHostedConfigurationVersion", served, v2)
				deleted, err := tx.ListDeletedHostedConfigurationVersions(ctx)
				if err != nil {
					return err
				}
				wantEqual(t, "ListDeletedHostedConfigurationVersions", deleted, []*appconfigd.HostedConfigurationVersion{withoutContent(v2)})
				return nil
			})
			wantEqual(t, "versions listed", listVersions(t, s, "", 0), [][]int{{1}})
			wantEqual(t, "versions labelled live*", listVersions(t, s, "live*", 0), [][]int{{1}})
			wantCount(t, s, "CountHostedConfigurationVersions", 1, func(ctx context.Context, tx appconfigd.Tx) (int, error) {
				return tx.CountHostedConfigurationVersions(ctx, "app0001", "prof001")
			})
			wantCount(t, s, "latest version", 2, latestVersion)
		}},
		{"MarkDeletedTwiceOrMissingReturnsNotFound", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""))
			markDeleted(t, s, 1)
			for _, n := range []int{1, 2} {
				err := updateErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
					return tx.MarkHostedConfigurationVersionDeleted(ctx, "app0001", "prof001", n, deletedAt())
				})
				wantNotFound(t, err, appconfigd.ResourceHostedConfigurationVersion, strconv.Itoa(n))
			}
		}},
		{"DeleteRemovesAMarkedVersion", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""))
			markDeleted(t, s, 1)
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				return tx.DeleteHostedConfigurationVersion(ctx, "app0001", "prof001", 1)
			})
			err := viewErr(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				_, err := tx.FindServedHostedConfigurationVersion(ctx, "app0001", "prof001", 1)
				return err
			})
			wantNotFound(t, err, appconfigd.ResourceHostedConfigurationVersion, "1")
		}},
		{"DeletingTheProfileRemovesMarkedVersions", func(t *testing.T, s appconfigd.Store) {
			seedProfile(t, s, "app0001", "prof001")
			createVersions(t, s, newVersion("app0001", "prof001", 1, ""))
			markDeleted(t, s, 1)
			update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				if err := tx.DeleteConfigurationProfile(ctx, "app0001", "prof001"); err != nil {
					return err
				}
				return tx.DeleteApplication(ctx, "app0001")
			})
			view(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
				deleted, err := tx.ListDeletedHostedConfigurationVersions(ctx)
				wantEqual(t, "versions marked deleted after deleting the profile", len(deleted), 0)
				return err
			})
		}},
	}
}

// seedLabels creates versions 1..8 of prof001 with labels chosen to tell
// exact, prefix and case-sensitive matches apart.
func seedLabels(t *testing.T, s appconfigd.Store) {
	t.Helper()
	seedProfile(t, s, "app0001", "prof001")
	for n, label := range []string{"v1", "v2", "v2.1", "v20", "V2-upper", "v2", "", "%_x"} {
		createVersions(t, s, newVersion("app0001", "prof001", n+1, label))
	}
}

// deletedAt is when markDeleted marks versions deleted.
func deletedAt() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

// markDeleted marks version n of prof001 deleted.
func markDeleted(t *testing.T, s appconfigd.Store, n int) {
	t.Helper()
	update(t, s, func(ctx context.Context, tx appconfigd.Tx) error {
		return tx.MarkHostedConfigurationVersionDeleted(ctx, "app0001", "prof001", n, deletedAt())
	})
}
