package rag

import (
	"context"
	"strconv"
	"testing"

	"github.com/philippgille/chromem-go"
	"github.com/statementbot/statementbot/embeddings"
)

// Scoped retrieval at the size: 100 servers with 50 statements
// each beside a shared library of 50 (5100 statements of 10 paragraphs:
// 51 000 paragraphs), against one library of the same total size.
const (
	benchServers           = 100
	benchServerStatements  = 50
	benchSharedStatements  = 50
	benchParagraphsPerStmt = 10
)

func benchServerID(i int) string { return strconv.Itoa(1_300_000_000_000_000_000 + i) }

// scopedCorpora are the same synthetic statements as one library
// (every statement shared) and as a shared library and 100 servers'.
func scopedCorpora(b *testing.B) (single, scoped []*Statement) {
	total := benchSharedStatements + benchServers*benchServerStatements
	single = syntheticStatements(b, total*benchParagraphsPerStmt)
	for i, st := range single {
		lib := ""
		if i >= benchSharedStatements {
			lib = benchServerID((i - benchSharedStatements) / benchServerStatements)
		}
		c := *st
		c.ID = StatementKey(lib, st.ID)
		c.Paragraphs = append([]Paragraph(nil), st.Paragraphs...)
		for j := range c.Paragraphs {
			c.Paragraphs[j].Statement = c.ID
		}
		scoped = append(scoped, &c)
	}
	return single, scoped
}

// BenchmarkScopedRetrieval: a question in one server (shared + that
// server's statements) beside one asked of a single library holding all
// of them, and of an index of the scope's statements alone; the raw vector search of the two ways a scope can filter
// chromem: a where filter on one collection of every paragraph (a scan
// of every document's metadata) and a collection per library.
func BenchmarkScopedRetrieval(b *testing.B) {
	const query = "foreign terrorist fighters in custody in northeast Syria"
	single, scoped := scopedCorpora(b)
	emb := parallelLocal{embeddings.NewLocal(0)}
	ctx := context.Background()
	singleIx, _, err := Build(ctx, single, emb, nil)
	if err != nil {
		b.Fatal(err)
	}
	scopedIx, _, err := Build(ctx, scoped, emb, nil)
	if err != nil {
		b.Fatal(err)
	}
	local := embeddings.NewLocal(0)
	server := ServerScope(benchServerID(42))
	// The scope's own statements alone, as one library: what the scope
	// costs beside an index of just what it sees.
	var own []*Statement
	for _, st := range scoped {
		if lib, _ := SplitKey(st.ID); server.Has(lib) {
			own = append(own, st)
		}
	}
	ownIx, _, err := Build(ctx, own, emb, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		ix    *Index
		scope Scope
	}{{"single", singleIx, Scope{}}, {"scoped", scopedIx, server}, {"scope-alone", ownIx, server}} {
		e := NewEngine(tc.ix, Config{Queries: local})
		b.Run(tc.name+"/search", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Search(ctx, query, SearchOptions{K: AnswerParagraphs, Scope: tc.scope}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/ask", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := e.Ask(ctx, AskRequest{Question: query, Scope: tc.scope}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}

	// The vector search alone: one collection with a where filter (two
	// queries: the shared library's and the server's) against the
	// collections of the two libraries.
	qvec := local.Vector(query)
	depth := candidates(AnswerParagraphs)
	db := chromem.NewDB()
	all, err := db.CreateCollection("all", nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	var docs []chromem.Document
	for d := range scopedIx.paras {
		v, err := scopedIx.collectionOf(int32(d)).GetByID(ctx, strconv.Itoa(d))
		if err != nil {
			continue
		}
		docs = append(docs, chromem.Document{ID: v.ID, Embedding: v.Embedding, Content: v.Content,
			Metadata: map[string]string{"library": scopedIx.libs.docLib[d]}})
	}
	if err := all.AddDocuments(ctx, docs, 4); err != nil {
		b.Fatal(err)
	}
	b.Run("vector/where-filter", func(b *testing.B) {
		for b.Loop() {
			for _, lib := range []string{"", server.Server} {
				if _, err := all.QueryEmbedding(ctx, qvec, depth, map[string]string{"library": lib}, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("vector/per-library", func(b *testing.B) {
		for b.Loop() {
			for _, lib := range []string{"", server.Server} {
				if _, err := scopedIx.libs.cols[lib].QueryEmbedding(ctx, qvec, depth, nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("vector/single-library", func(b *testing.B) {
		for b.Loop() {
			if _, err := singleIx.libs.cols[""].QueryEmbedding(ctx, qvec, depth, nil, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}
