package appconfigd

// catalogShards is how many shards a shardedMap splits its keys into: a
// change of one key copies one shard, about 1/catalogShards of the map,
// and the array of shard pointers.
const catalogShards = 256

// shardedMap is an immutable map from strings, split into shards so that
// a changed copy (with) shares every shard but those of the changed keys.
// The catalog's top-level maps are shardedMaps, so that a change of one
// application does not copy an entry per application (docs/PERFORMANCE.md,
// "A catalog of 10,000 applications").
type shardedMap[V any] struct {
	shards [catalogShards]map[string]V
}

// shardOf returns the shard of key: FNV-1a, cheap for the short IDs and
// names the catalog holds, and stable, so that tests can rely on it.
func shardOf(key string) int {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h % catalogShards)
}

// newShardedMap returns a shardedMap with the entries of m.
func newShardedMap[V any](m map[string]V) *shardedMap[V] {
	s := &shardedMap[V]{}
	for k, v := range m {
		i := shardOf(k)
		if s.shards[i] == nil {
			s.shards[i] = make(map[string]V)
		}
		s.shards[i][k] = v
	}
	return s
}

// get returns the value of key, and whether there is one.
func (s *shardedMap[V]) get(key string) (V, bool) {
	v, ok := s.shards[shardOf(key)][key]
	return v, ok
}

// len returns the number of entries.
func (s *shardedMap[V]) len() int {
	n := 0
	for _, sh := range s.shards {
		n += len(sh)
	}
	return n
}

// all calls f with every entry until f returns false.
func (s *shardedMap[V]) all(f func(string, V) bool) {
	for _, sh := range s.shards {
		for k, v := range sh {
			if !f(k, v) {
				return
			}
		}
	}
}

// with returns a copy of s in which the keys of set have their values and
// the keys of del are gone. It copies only the shards of those keys.
func (s *shardedMap[V]) with(set map[string]V, del []string) *shardedMap[V] {
	next := &shardedMap[V]{shards: s.shards}
	copied := make(map[int]bool)
	shard := func(k string) map[string]V {
		i := shardOf(k)
		if !copied[i] {
			copied[i] = true
			sh := make(map[string]V, len(s.shards[i])+1)
			for k, v := range s.shards[i] {
				sh[k] = v
			}
			next.shards[i] = sh
		}
		return next.shards[i]
	}
	for k, v := range set {
		shard(k)[k] = v
	}
	for _, k := range del {
		delete(shard(k), k)
	}
	return next
}
