package bot

import (
	"context"
	"time"
)

// Paths a question comes by, as Metrics labels them.
const (
	PathSlash          = "slash"           // /ask
	PathMessageCommand = "message-command" // the "Ask statementbot" context-menu command
	PathMention        = "mention"         // a mention in a channel
	PathReply          = "reply"           // a reply to one of the bot's answers
	PathThread         = "thread"          // a message in a thread the bot started
	PathDM             = "dm"              // a direct message
)

// Outcomes of a question, as Metrics labels them.
const (
	OutcomeAnswered    = "answered"     // a grounded answer was delivered
	OutcomeDeclined    = "declined"     // refused as not covered by the statements, or not a valid question
	OutcomeRateLimited = "rate-limited" // the asker was over their rate
	OutcomeError       = "error"        // failed (model, store, Discord, or no slot in time)
)

// Stages of an answer's latency, from the moment the question arrived.
const (
	StageDeferral = "deferral" // the interaction acknowledged
	StageAnswer   = "answer"   // the final answer delivered
)

// Metrics receives what the bot counts. The bot owns this interface; cmd
// wires an implementation (Prometheus), tests a recorder. Methods must be
// safe for concurrent use and cheap: they run on the answering path.
type Metrics interface {
	// Question counts a question by the path it came by and its outcome.
	Question(path, outcome string)
	// Latency observes the time from a question's arrival to a stage.
	Latency(path, stage string, d time.Duration)
	// Answer counts an answer by its mode (rag.ModeLLM or
	// rag.ModeExtractive) and whether it fell back from the model.
	Answer(mode string, fallback bool)
	// Change observes a change of the corpus made through an admin
	// command (add, remove, reindex).
	Change(action string, d time.Duration, ok bool)
	// RESTRetry counts a Discord REST call retried: after a 429
	// ("rate-limit") or a transient failure ("transient").
	RESTRetry(reason string)
	// BadSignature counts a request to the interactions endpoint refused
	// for a bad or missing signature (not logged: anyone can send them).
	BadSignature()
}

// noMetrics counts nothing.
type noMetrics struct{}

var _ Metrics = noMetrics{}

func (noMetrics) Question(string, string)               {}
func (noMetrics) Latency(string, string, time.Duration) {}
func (noMetrics) Answer(string, bool)                   {}
func (noMetrics) Change(string, time.Duration, bool)    {}
func (noMetrics) RESTRetry(string)                      {}
func (noMetrics) BadSignature()                         {}

// retryKey carries the retry counter to withRetry through a context.
type retryKey struct{}

// withRetryCounter makes withRetry under ctx count its retries in m.
func withRetryCounter(ctx context.Context, m Metrics) context.Context {
	return context.WithValue(ctx, retryKey{}, m)
}

// countRetry counts one retry in ctx's counter, if it has one.
func countRetry(ctx context.Context, reason string) {
	if m, ok := ctx.Value(retryKey{}).(Metrics); ok {
		m.RESTRetry(reason)
	}
}
