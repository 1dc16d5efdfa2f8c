package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/statementbot/statementbot/rag"
)

func cmdEval(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	questionsFile := fs.String("questions", "", "JSON-lines file of questions with gold phrases and key facts")
	offtopicFile := fs.String("offtopic", "", "JSON-lines file of questions the bot must decline")
	verbose := fs.Bool("v", false, "list the questions each mode got wrong")
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "eval [--json] --questions FILE [--offtopic FILE]", args)
	if err != nil {
		return err
	}
	if len(pos) > 0 || *questionsFile == "" {
		return usageErrorf("eval: give --questions FILE (and optionally --offtopic FILE)")
	}
	questions, err := readEvalFile(*questionsFile)
	if err != nil {
		return err
	}
	var offtopic []rag.EvalQuestion
	if *offtopicFile != "" {
		if offtopic, err = readEvalFile(*offtopicFile); err != nil {
			return err
		}
	}
	a, err := loadApp(ctx, env, *data)
	if err != nil {
		return err
	}
	defer a.close()
	results, err := a.engine.Evaluate(ctx, questions, offtopic, rag.Hybrid, rag.KeywordOnly, rag.VectorOnly)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.stdout, struct {
			Results []rag.EvalResult `json:"results"`
		}{results})
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "mode\trecall@1\trecall@3\trecall@5\tMRR\tkey facts\toff-topic refused\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d/%d\t\n", r.Mode, r.RecallAt1, r.RecallAt3, r.RecallAt5, r.MRR, r.KeyFactHitRate, r.OffTopicRefused, r.OffTopic)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%d questions, %d off-topic\n", len(questions), len(offtopic))
	if *verbose {
		for _, r := range results {
			for _, m := range r.Misses {
				fmt.Fprintf(env.stdout, "%s: %s — %s\n", r.Mode, m.Q, m.Reason)
			}
		}
	}
	return nil
}

func readEvalFile(name string) ([]rag.EvalQuestion, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usageErrorf("eval: %v", err)
	}
	defer f.Close()
	qs, err := rag.ReadEvalQuestions(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(qs) == 0 {
		return nil, usageErrorf("eval: %s holds no questions", name)
	}
	return qs, nil
}
