package storetest

import (
	"context"
	"testing"

	"github.com/appconfigd/appconfigd"
)

func alarmSpecs() []spec {
	put := func(t *testing.T, s appconfigd.Store, a *appconfigd.Alarm) {
		t.Helper()
		update(t, s, func(ctx context.Context, tx appconfigd.Tx) error { return tx.PutAlarm(ctx, a) })
	}
	list := func(t *testing.T, s appconfigd.Store) []*appconfigd.Alarm {
		t.Helper()
		var got []*appconfigd.Alarm
		view(t, s, func(ctx context.Context, tx appconfigd.Tx) (err error) {
			got, err = tx.ListAlarms(ctx)
			return err
		})
		return got
	}
	return []spec{
		{"NoneAtFirst", func(t *testing.T, s appconfigd.Store) {
			wantEqual(t, "ListAlarms", list(t, s), []*appconfigd.Alarm(nil))
		}},
		{"PutCreatesAndListIsByARN", func(t *testing.T, s appconfigd.Store) {
			b := &appconfigd.Alarm{ARN: "arn:aws:cloudwatch:us-east-1:000000000000:alarm:b", State: appconfigd.AlarmOK, UpdatedAt: instant(1).UTC()}
			a := &appconfigd.Alarm{ARN: "HighErrorRate", State: appconfigd.AlarmAlarm, Reason: "firing", UpdatedAt: instant(2).UTC()}
			put(t, s, b)
			put(t, s, a)
			wantEqual(t, "ListAlarms", list(t, s), []*appconfigd.Alarm{a, b})
		}},
		{"PutReplaces", func(t *testing.T, s appconfigd.Store) {
			put(t, s, &appconfigd.Alarm{ARN: "x", State: appconfigd.AlarmAlarm, Reason: "firing", UpdatedAt: instant(1).UTC()})
			resolved := &appconfigd.Alarm{ARN: "x", State: appconfigd.AlarmOK, Reason: "resolved", UpdatedAt: instant(2).UTC()}
			put(t, s, resolved)
			wantEqual(t, "ListAlarms", list(t, s), []*appconfigd.Alarm{resolved})
		}},
	}
}
