package main

// dueHeap is a min-heap of client indices ordered by the clients' due
// times. It is written out rather than built on container/heap so that a
// push or pop moves int32s without boxing them in interfaces: a worker
// does one of each per poll, for up to a million clients.
type dueHeap struct {
	idx     []int32
	clients []fleetClient
}

// newDueHeap returns a heap of every client in clients.
func newDueHeap(clients []fleetClient) dueHeap {
	h := dueHeap{idx: make([]int32, len(clients)), clients: clients}
	for i := range h.idx {
		h.idx[i] = int32(i)
	}
	for i := len(h.idx)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
	return h
}

// Len returns the number of clients in the heap.
func (h *dueHeap) Len() int { return len(h.idx) }

// peek returns the client due first; the heap must not be empty.
func (h *dueHeap) peek() int32 { return h.idx[0] }

// pop removes the client due first and returns it.
func (h *dueHeap) pop() int32 {
	top := h.idx[0]
	last := len(h.idx) - 1
	h.idx[0] = h.idx[last]
	h.idx = h.idx[:last]
	if last > 0 {
		h.down(0)
	}
	return top
}

// push adds client c, whose due time is already set.
func (h *dueHeap) push(c int32) {
	h.idx = append(h.idx, c)
	h.up(len(h.idx) - 1)
}

func (h *dueHeap) less(i, j int) bool {
	return h.clients[h.idx[i]].due < h.clients[h.idx[j]].due
}

func (h *dueHeap) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			return
		}
		h.idx[i], h.idx[parent] = h.idx[parent], h.idx[i]
		i = parent
	}
}

func (h *dueHeap) down(i int) {
	n := len(h.idx)
	for {
		least := i
		if l := 2*i + 1; l < n && h.less(l, least) {
			least = l
		}
		if r := 2*i + 2; r < n && h.less(r, least) {
			least = r
		}
		if least == i {
			return
		}
		h.idx[i], h.idx[least] = h.idx[least], h.idx[i]
		i = least
	}
}
