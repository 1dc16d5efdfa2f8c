package rag

import (
	"os"
	"testing"
)

const seedPath = "../statements/2021-06-28-global-coalition-rome.txt"

func readSeed(t testing.TB) string {
	t.Helper()
	raw, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
