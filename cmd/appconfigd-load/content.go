package main

import (
	"fmt"
	"strconv"
)

// minContentSize is the smallest configuration makeContent can build.
const minContentSize = 64

// makeContent returns a JSON document of exactly size bytes that looks like
// a feature-flag configuration. It is deterministic, so appconfigd and the
// bare baseline, built in different processes, serve the same bytes.
func makeContent(size int) ([]byte, error) {
	if size < minContentSize {
		return nil, fmt.Errorf("configuration size %d is below the minimum of %d bytes", size, minContentSize)
	}
	const head, tail = `{"flags":[`, `],"padding":""}`
	b := make([]byte, 0, size)
	b = append(b, head...)
	for i := 0; ; i++ {
		entry := `{"name":"flag-` + strconv.Itoa(i) + `","enabled":` + strconv.FormatBool(i%3 != 0) +
			`,"rollout":` + strconv.Itoa(i*37%101) + `,"variant":"` + variant(i) + `"}`
		if i > 0 {
			entry = "," + entry
		}
		if len(b)+len(entry)+len(tail) > size {
			break
		}
		b = append(b, entry...)
	}
	b = append(b, `],"padding":"`...)
	for len(b) < size-2 {
		b = append(b, 'x')
	}
	b = append(b, `"}`...)
	return b, nil
}

// variant returns a short, varied string value for entry i.
func variant(i int) string {
	names := [...]string{"control", "treatment-a", "treatment-b", "holdout"}
	return names[i%len(names)]
}
