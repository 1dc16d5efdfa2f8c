package words

import (
	"fmt"
	"hash/fnv"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
)

// Fingerprint names what Terms gives: two statementbots whose Terms
// differ for some text have different fingerprints. Terms computed once
// and stored (by package rag) carry it, and are computed again by a
// statementbot whose fingerprint differs.
//
// It sums what Terms is made of rather than its output for one probe
// text, which an edit of a word the probe lacks would leave unchanged:
// the stop words, the irregular forms, the stemmer module's version,
// termsVersion (for the code), and what Terms gives for a probe and for
// every word of the tables.
func Fingerprint() string { return fingerprintOnce }

// termsVersion is the version of the code of Tokens, Terms and Stem:
// change it with any change of what they give that the tables do not
// show.
const termsVersion = "1"

var fingerprintOnce = fingerprint()

// stemmerModule is the module whose stemmer Stem calls.
const stemmerModule = "github.com/kljensen/snowball"

func fingerprint() string {
	const probe = "The Ministers met in Rome; they held talks on counter-terrorism, ISIS-K and the 2,254 detainees' repatriation. Iraq’s people were running, and had been fighting. A b 7 x."
	h := fnv.New64a()
	field := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	field(termsVersion)
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == stemmerModule {
				field(m.Version)
			}
		}
	}
	stops := slices.Sorted(maps.Keys(stopwords))
	forms := slices.Sorted(maps.Keys(irregular))
	for _, w := range stops {
		field(w)
	}
	field("")
	for _, f := range forms {
		field(f + " " + irregular[f])
	}
	field("")
	// What the stemmer makes of the probe and of every word the tables
	// name (a stop word gives nothing, an irregular form its base's stem).
	bases := slices.Compact(slices.Sorted(maps.Values(irregular)))
	for _, text := range [][]string{{probe}, stops, forms, bases} {
		field(strings.Join(Terms(strings.Join(text, " ")), " "))
	}
	return fmt.Sprintf("%016x", h.Sum64())
}
