package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/statementbot/statementbot/eval"
	"github.com/statementbot/statementbot/rag"
)

func cmdEval(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	questionsFile := fs.String("questions", "", "JSON-lines file of questions with gold phrases and key facts")
	offtopicFile := fs.String("offtopic", "", "JSON-lines file of questions the bot must decline")
	verbose := fs.Bool("v", false, "list the questions each mode got wrong")
	data := dataFlag(fs)
	pos, err := parseFlags(env, fs, "eval [--json] [-v] [--data DIR] --questions FILE [--offtopic FILE]", args)
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
	var offtopic []eval.Question
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
	results, err := eval.Run(ctx, a.engine, questions, offtopic, rag.Hybrid, rag.Literal, rag.RRF, rag.KeywordOnly, rag.VectorOnly)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(env.stdout, struct {
			Results []eval.Result `json:"results"`
		}{results})
	}
	if err := writeEvalTable(env.stdout, results, false); err != nil {
		return err
	}
	if len(results) > 0 && len(results[0].ByType) > 1 {
		fmt.Fprintln(env.stdout)
		var byType []eval.Result
		for _, r := range results {
			byType = append(byType, r.ByType...)
		}
		if err := writeEvalTable(env.stdout, byType, true); err != nil {
			return err
		}
	}
	if len(results) > 0 {
		fmt.Fprintf(env.stdout, "%d questions, %d off-topic\n", results[0].Questions, results[0].OffTopic)
	}
	for _, r := range results {
		if r.ModelSentences+r.ModelDropped > 0 {
			fmt.Fprintf(env.stdout, "%s: the citation check dropped %d of %d model sentences (%.1f%%)\n", r.Mode, r.ModelDropped, r.ModelSentences+r.ModelDropped, 100*r.DropRate)
		}
	}
	if *verbose {
		for _, r := range results {
			for _, m := range r.Misses {
				fmt.Fprintf(env.stdout, "%s: %s — %s\n", r.Mode, m.Q, m.Reason)
			}
		}
	}
	return nil
}

// writeEvalTable prints one row per result; byType adds the type column.
func writeEvalTable(w io.Writer, results []eval.Result, byType bool) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	head := "mode\trecall@1\trecall@3\trecall@5\tMRR\tkey facts\tfalse refusals\twrong statement\toff-topic declined\t"
	if byType {
		head = "mode\ttype\tquestions\trecall@1\trecall@3\trecall@5\tMRR\tkey facts\tfalse refusals\twrong statement\t"
	}
	fmt.Fprintln(tw, head)
	for _, r := range results {
		if byType {
			fmt.Fprintf(tw, "%s\t%s\t%d\t", r.Mode, r.Type, r.Questions)
		} else {
			fmt.Fprintf(tw, "%s\t", r.Mode)
		}
		fmt.Fprintf(tw, "%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t", r.RecallAt1, r.RecallAt3, r.RecallAt5, r.MRR, r.KeyFacts, r.FalseRefusals, r.WrongStatement)
		if !byType {
			fmt.Fprintf(tw, "%d/%d\t", r.OffTopicDeclined, r.OffTopic)
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func readEvalFile(name string) ([]eval.Question, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usageErrorf("eval: %v", err)
	}
	defer f.Close()
	qs, err := eval.Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(qs) == 0 {
		return nil, usageErrorf("eval: %s holds no questions", name)
	}
	return qs, nil
}
