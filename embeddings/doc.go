// Package embeddings turns paragraph and question texts into vectors for
// the vector half of retrieval: Local, the offline hashing embedder (no
// network, no model weights), and OpenAI, any OpenAI-compatible embedding
// server. Texts come from package rag (paragraphs when an index is built,
// questions when one is asked); the vectors go to the store, which keeps
// them per embedder, model and text hash, and to the chromem-go collection
// of the index. ReadLegacyCache reads vectors cached on disk by versions before
// the store, for the one-time import of an old data directory.
package embeddings
