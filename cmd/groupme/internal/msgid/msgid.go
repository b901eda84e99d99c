// Package msgid holds what the command-line program knows about GroupMe's
// message ids: decimal numbers that grow with time, which is what lets an
// export check its order and the search index resume where it stopped.
package msgid

import "strings"

// Valid reports whether id looks like a GroupMe message id: a decimal
// number of at most 40 digits.
func Valid(id string) bool {
	if id == "" || len(id) > 40 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// Compare compares two message ids as numbers: -1, 0 or 1.
func Compare(a, b string) int {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
