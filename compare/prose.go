package compare

import (
	"context"
	"log/slog"
	"strings"

	"github.com/statementbot/statementbot"
	"github.com/statementbot/statementbot/prompts"
	"github.com/statementbot/statementbot/rag"
)

// proseSentences is how many sentences the model is asked for.
const proseSentences = 4

// proseRules hold the model's sentences closer to the changes than
// answers to their paragraphs: a figure in words is a figure, and three in
// four of a sentence's content words must be in the changes it cites, the
// headline, or changeWords (an answer needs one in three). Chosen on
// TestProse: "A casino opens on the pier [2]" (two words in three from
// "A new pier opens in May") must not pass.
var proseRules = rag.Rules{FiguresInWords: true, MinShare: 0.75}

// changeWords are words any sentence about a change may use.
const changeWords = "now new newly also still instead no longer add added adds drop dropped drops remove removed removes " +
	"rise rises rose fall falls fell increase increases increased decrease decreases decreased grow grows grew " +
	"raise raises raised lower lowers lowered replace replaces replaced change changes changed update updates updated " +
	"previous previously earlier before after old statement notice mention mentions mentioned say says said omit omits omitted"

// Prose rewords comparisons with a language model: the answer keeps the
// computed headline (the counts) and replaces the list of changes with
// the model's sentences about the same changes. Every sentence must cite
// the changes it is about and be supported by them (rag.CheckSources, the
// rules every model answer is held to); on any failure, or if one
// sentence is not supported, the answer is the offline one (Cited). A
// nil Prose, or one without a model, is offline.
type Prose struct {
	Chat    rag.ChatModel
	Prompts *prompts.Set // default: prompts.MustDefault()
	Log     *slog.Logger // default: discard
}

// Answer is the package's Answer, reworded.
func (p *Prose) Answer(ctx context.Context, ix Lister, question string) (*rag.Answer, bool) {
	old, new, ok := Route(ix, question)
	if !ok {
		return nil, false
	}
	return p.Cited(ctx, old, new, Compare(old, new), question), true
}

// Cited is the package's Cited, reworded: the headline, then the model's
// sentences about the changes Cited would list, each citing the
// paragraphs of both statements that its changes are about.
func (p *Prose) Cited(ctx context.Context, old, new *statementbot.Statement, res Result, question string) *rag.Answer {
	offline := Cited(old, new, res, question)
	sentences, ok := p.Reword(ctx, res)
	if !ok {
		return offline
	}
	a := &rag.Answer{Question: question, Grounded: true, Mode: rag.AnswerLLM, Note: offline.Note}
	cite := citer(a)
	var b strings.Builder
	b.WriteString(res.Headline())
	for _, s := range sentences {
		var refs strings.Builder
		for _, c := range s.Changes {
			if c.Old != nil {
				refs.WriteString(cite(old, c.Old))
			}
			if c.New != nil {
				refs.WriteString(cite(new, c.New))
			}
		}
		b.WriteString(" " + s.Text + " " + refs.String() + s.Punct)
	}
	a.Text = b.String()
	return a
}

// A Sentence is one sentence of a reworded comparison: its text, without
// its final punctuation (Punct), and the changes it is about.
type Sentence struct {
	Text, Punct string
	Changes     []Change
}

// Reword is the model's prose about the most telling changes of res (those
// Cited lists), every sentence supported by the changes it cites. ok is
// false when there is no model, nothing changed, the model failed, or one
// of its sentences is not supported: the caller shows the comparison as
// computed.
func (p *Prose) Reword(ctx context.Context, res Result) (sentences []Sentence, ok bool) {
	changes := highlights(res)
	if p == nil || p.Chat == nil || len(changes) == 0 {
		return nil, false
	}
	log := p.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	msgs, sources, err := p.prompt(res, changes)
	if err != nil {
		log.Error("rendering the comparison prompt failed", "err", err)
		return nil, false
	}
	text, err := p.Chat.Chat(ctx, msgs, nil)
	if err != nil {
		log.Warn("language model failed; giving the comparison as computed", "err", err)
		return nil, false
	}
	kept, dropped := rag.CheckSources(res.Headline()+" "+changeWords, text, sources, proseRules)
	if dropped > 0 || len(kept) == 0 {
		// The model's text stays out of the log: a model can echo anything.
		log.Warn("the model's comparison had unsupported sentences; giving the comparison as computed", "dropped", dropped, "kept", len(kept))
		return nil, false
	}
	for _, k := range kept {
		s := Sentence{Text: k.Text, Punct: k.Punct}
		for _, n := range k.Cited {
			s.Changes = append(s.Changes, changes[n-1])
		}
		sentences = append(sentences, s)
	}
	return sentences, true
}

// prompt is the model's request for changes, and the text of each change
// that its sentences must be supported by (source n is change n).
func (p *Prose) prompt(res Result, changes []Change) ([]rag.ChatMessage, []string, error) {
	set := p.Prompts
	if set == nil {
		set = prompts.MustDefault()
	}
	data := prompts.CompareData{Old: label(res.Old), New: label(res.New), MaxSentences: proseSentences}
	sources := make([]string, len(changes))
	for i, c := range changes {
		sources[i] = changeText(c)
		data.Changes = append(data.Changes, prompts.Change{N: i + 1, Kind: "paragraph " + c.Kind, Where: c.Where(), Text: sources[i]})
	}
	user, err := set.Render(prompts.Compare, data)
	if err != nil {
		return nil, nil, err
	}
	return []rag.ChatMessage{{Role: "user", Content: user}}, sources, nil
}

// changeText is what a change says, for the model and for the check of
// its sentences: a paragraph added or removed whole, or the sentences a
// changed paragraph lost ("Before: …") and gained ("After: …").
func changeText(c Change) string {
	switch c.Kind {
	case Added:
		return c.New.Text
	case Removed:
		return c.Old.Text
	}
	var parts []string
	if len(c.Removed) > 0 {
		parts = append(parts, "Before: "+strings.Join(c.Removed, " "))
	}
	if len(c.Added) > 0 {
		parts = append(parts, "After: "+strings.Join(c.Added, " "))
	}
	return strings.Join(parts, " ")
}
