package compare

import (
	"cmp"
	"slices"
	"strings"

	"github.com/statementbot/statementbot"
)

// Compare says what changed from old to new. Header paragraphs (title,
// dateline) are left out: the Result names both statements. Paragraphs
// are aligned by the sentences they share, so a paragraph that moved,
// merged or split is no change; a sentence only moved, re-punctuated or
// differing in spacing, quote style or case is no change either.
// Changes come in the new statement's order, a removed paragraph after
// the change at the place it held.
func Compare(old, new *statementbot.Statement) Result {
	a := align(old, new)
	oldPartner, newPartner := a.partners()
	type pairKey [2]int // old paragraph, new paragraph; -1 for none
	recs := map[pairKey]*record{}
	get := func(k pairKey) *record {
		r, ok := recs[k]
		if !ok {
			r = &record{old: k[0], new: k[1]}
			recs[k] = r
		}
		return r
	}
	for s, st := range a.old.sents {
		switch to := a.oldTo[s]; {
		case to >= 0 && a.reworded[s]:
			r := get(pairKey{st.para, a.new.sents[to].para})
			r.removed = append(r.removed, s)
			r.added = append(r.added, to)
		case to == unmatched && oldPartner[st.para] >= 0:
			r := get(pairKey{st.para, oldPartner[st.para]})
			r.removed = append(r.removed, s)
		case to == unmatched:
			get(pairKey{st.para, -1})
		}
	}
	for t, st := range a.new.sents {
		switch {
		case a.newTo[t] != unmatched:
		case newPartner[st.para] >= 0:
			r := get(pairKey{newPartner[st.para], st.para})
			r.added = append(r.added, t)
		default:
			get(pairKey{-1, st.para})
		}
	}
	// Paragraphs without sentences (only punctuation) have no records;
	// they are neither changes nor counted.
	res := Result{
		Old:     Ref{ID: old.ID, Title: old.Title, Date: old.Date},
		New:     Ref{ID: new.ID, Title: new.Title, Date: new.Date},
		Changes: []Change{},
	}
	touched := make([]bool, len(a.new.paras))
	var list []*record
	for _, r := range recs {
		if r.old >= 0 && r.new >= 0 && sameWords(a.old.sents, r.removed, a.new.sents, r.added) {
			continue // re-punctuated or re-split
		}
		list = append(list, r)
	}
	for _, r := range list {
		r.pos, r.after = r.new, 0
		if r.new < 0 {
			// A removed paragraph goes where the last aligned paragraph
			// before it went.
			r.pos, r.after = -1, 1
			for o := r.old - 1; o >= 0; o-- {
				if oldPartner[o] >= 0 {
					r.pos = oldPartner[o]
					break
				}
			}
		} else {
			touched[r.new] = true
		}
	}
	slices.SortFunc(list, func(x, y *record) int {
		return cmp.Or(cmp.Compare(x.pos, y.pos), cmp.Compare(x.after, y.after), cmp.Compare(x.old, y.old), cmp.Compare(x.new, y.new))
	})
	for _, r := range list {
		res.Changes = append(res.Changes, r.change(a))
	}
	for n := range a.new.paras {
		if !touched[n] && a.new.span[n][1] > a.new.span[n][0] {
			res.Unchanged++
		}
	}
	return res
}

// record gathers the differences of one paragraph pair (or one paragraph
// added or removed: the other side is -1).
type record struct {
	old, new       int
	removed, added []int // sentence indices
	pos, after     int   // sort keys
}

func (r *record) change(a *alignment) Change {
	c := Change{Added: []string{}, Removed: []string{}}
	if r.old >= 0 {
		p := a.old.paras[r.old]
		c.Old = &Para{Paragraph: p.N, Text: p.Text}
	}
	if r.new >= 0 {
		p := a.new.paras[r.new]
		c.New = &Para{Paragraph: p.N, Text: p.Text}
	}
	switch {
	case r.old < 0:
		c.Kind = Added
		return c
	case r.new < 0:
		c.Kind = Removed
		return c
	}
	c.Kind = Changed
	slices.Sort(r.removed)
	slices.Sort(r.added)
	for _, s := range r.removed {
		c.Removed = append(c.Removed, a.old.sents[s].text)
		if to := a.oldTo[s]; to >= 0 && a.reworded[s] {
			c.Edits = append(c.Edits, wordEdits(a.old.sents[s].text, a.new.sents[to].text)...)
		}
	}
	for _, t := range r.added {
		c.Added = append(c.Added, a.new.sents[t].text)
	}
	return c
}

// sameWords reports whether the removed sentences, read in order, say
// word for word what the added ones say: the difference is punctuation or
// where sentences break.
func sameWords(olds []sentence, removed []int, news []sentence, added []int) bool {
	join := func(ss []sentence, idx []int) string {
		idx = slices.Sorted(slices.Values(idx))
		var parts []string
		for _, i := range idx {
			parts = append(parts, ss[i].key)
		}
		return strings.Join(parts, " ")
	}
	return join(olds, removed) == join(news, added)
}
