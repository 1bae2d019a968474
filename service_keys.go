package appconfigd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// KeyActivationDelay is how long a new sealing key waits before it seals
// tokens. Every replica reloads keys at least this often (its periodic
// resync), so none is handed a token sealed with a key it has not loaded.
const KeyActivationDelay = 2 * time.Minute

// ErrUnknownSealingKey is what a TokenSealer's Open returns (possibly
// wrapped) for a token sealed with a key it does not have. The service then
// reloads the keys once, in case another replica just made one.
var ErrUnknownSealingKey = errors.New("token sealed with an unknown key")

// sealerState is the sealer and the key IDs it was built from.
type sealerState struct {
	sealer TokenSealer
	keys   []uint32
}

// keyring holds the current sealer and throttles reloads of the keys.
type keyring struct {
	state      atomic.Pointer[sealerState]
	mu         sync.Mutex
	lastReload time.Time
}

// sealingOrder returns keys (newest first) with the key that should seal
// new tokens first: the newest key that has been active for
// KeyActivationDelay, or the oldest key when none has. Every key opens
// tokens.
func sealingOrder(keys []SealingKey, now time.Time) []SealingKey {
	pick := len(keys) - 1
	for i, k := range keys {
		if !k.CreatedAt.After(now.Add(-KeyActivationDelay)) {
			pick = i
			break
		}
	}
	out := make([]SealingKey, 0, len(keys))
	out = append(out, keys[pick])
	out = append(out, keys[:pick]...)
	return append(out, keys[pick+1:]...)
}

// installKeys builds the sealer from keys unless it already has exactly
// those keys with the same sealing key.
func (s *Service) installKeys(keys []SealingKey) error {
	if len(keys) == 0 {
		return errors.New("no sealing keys")
	}
	ordered := sealingOrder(keys, s.now())
	ids := make([]uint32, len(ordered))
	for i, k := range ordered {
		ids[i] = k.ID
	}
	if cur := s.keys.state.Load(); cur != nil && slices.Equal(cur.keys, ids) {
		return nil
	}
	sealer, err := s.NewSealer(ordered)
	if err != nil {
		return err
	}
	s.keys.state.Store(&sealerState{sealer: sealer, keys: ids})
	return nil
}

// reloadKeys reads the sealing keys from the store and installs them.
func (s *Service) reloadKeys(ctx context.Context) error {
	var keys []SealingKey
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		keys, err = tx.SealingKeys(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("reload sealing keys: %w", err)
	}
	return s.installKeys(keys)
}

// reloadKeysForUnknown reloads the keys after a token named a key this
// process lacks, at most once a second so that forged key IDs cannot make
// every poll hit the store.
func (s *Service) reloadKeysForUnknown(ctx context.Context) bool {
	s.keys.mu.Lock()
	now := time.Now()
	if now.Sub(s.keys.lastReload) < time.Second {
		s.keys.mu.Unlock()
		return false
	}
	s.keys.lastReload = now
	s.keys.mu.Unlock()
	if err := s.reloadKeys(ctx); err != nil {
		s.Logger.Error("reload sealing keys", "err", err)
		return false
	}
	return true
}

// RotateSealingKeys makes a new sealing key when the newest is KeyRotation
// old, and deletes keys whose tokens have all expired: a key stops sealing
// once its successor is active, and its last tokens expire TokenTTL later.
// The deployment engine's leader calls it. A KeyRotation of 0 never rotates.
func (s *Service) RotateSealingKeys(ctx context.Context) error {
	if s.KeyRotation <= 0 {
		return nil
	}
	var keys []SealingKey
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if keys, err = tx.SealingKeys(ctx); err != nil || len(keys) == 0 {
			return err
		}
		now := s.now()
		if now.Sub(keys[0].CreatedAt) >= s.KeyRotation {
			secret, err := RandomBytes(s.Rand, 32)
			if err != nil {
				return err
			}
			k := SealingKey{ID: maxKeyID(keys) + 1, Secret: secret, CreatedAt: now}
			if err := tx.CreateSealingKey(ctx, k); err != nil {
				return err
			}
			keys = append([]SealingKey{k}, keys...)
		}
		for i := len(keys) - 1; i >= 1; i-- {
			lastToken := keys[i-1].CreatedAt.Add(KeyActivationDelay + s.TokenTTL)
			if now.After(lastToken) {
				if err := tx.DeleteSealingKey(ctx, keys[i].ID); err != nil {
					return err
				}
				keys = keys[:i]
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rotate sealing keys: %w", err)
	}
	return s.installKeys(keys)
}

func maxKeyID(keys []SealingKey) uint32 {
	var m uint32
	for _, k := range keys {
		m = max(m, k.ID)
	}
	return m
}

// engineLease names the lease that elects the deployment engine's replica.
const engineLease = "deployment-engine"

// TryEngineLease acquires or renews, for ttl, the lease that lets this
// process run the deployment engine, and reports whether it holds it. Of
// the replicas sharing a store, one holds it at a time; another takes over
// once the holder stops renewing.
func (s *Service) TryEngineLease(ctx context.Context, ttl time.Duration) (held bool, err error) {
	err = s.Store.Update(ctx, func(tx Tx) error {
		now := s.now()
		held, err = tx.TryLease(ctx, engineLease, s.InstanceID, now, now.Add(ttl))
		return err
	})
	return held, err
}

// ReleaseEngineLease gives up the engine's lease if this process holds it,
// so that another replica takes over at once rather than after the lease
// runs out: it renews the lease to a moment already past. A lease held by
// another process is left alone.
func (s *Service) ReleaseEngineLease(ctx context.Context) error {
	return s.Store.Update(ctx, func(tx Tx) error {
		now := s.now()
		_, err := tx.TryLease(ctx, engineLease, s.InstanceID, now, now.Add(-time.Millisecond))
		return err
	})
}
