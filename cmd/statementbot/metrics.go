package main

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/statementbot/statementbot/bot"
	"github.com/statementbot/statementbot/rag"
)

// promMetrics counts what the bot reports in Prometheus metrics, in a
// registry of its own (no global state): served on /metrics.
type promMetrics struct {
	reg        *prometheus.Registry
	questions  *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	answers    *prometheus.CounterVec
	changes    *prometheus.HistogramVec
	retries    *prometheus.CounterVec
	modelCalls *prometheus.CounterVec
	badSigs    prometheus.Counter
}

var _ bot.Metrics = (*promMetrics)(nil)

// latencyBuckets span a deferral (milliseconds) to a slow model answer
// (a minute).
var latencyBuckets = []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60}

func newPromMetrics() *promMetrics {
	m := &promMetrics{
		reg: prometheus.NewRegistry(),
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "statementbot_questions_total", Help: "Questions by the path they came by and their outcome.",
		}, []string{"path", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "statementbot_answer_latency_seconds", Help: "Time from a question's arrival to its deferral or final answer.",
			Buckets: latencyBuckets,
		}, []string{"path", "stage"}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "statementbot_answers_total", Help: "Answers by mode (llm, extractive) and whether they fell back from the model.",
		}, []string{"mode", "fallback"}),
		changes: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "statementbot_change_duration_seconds", Help: "Corpus changes made through admin commands.",
			Buckets: []float64{.1, .5, 1, 5, 15, 60, 300},
		}, []string{"action", "ok"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "statementbot_discord_rest_retries_total", Help: "Discord REST calls retried, by reason (rate-limit, transient).",
		}, []string{"reason"}),
		modelCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "statementbot_model_calls_total", Help: "Calls of the language model, by result (ok, error).",
		}, []string{"result"}),
		badSigs: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "statementbot_interactions_bad_signature_total", Help: "Requests to POST /interactions refused for a bad or missing signature.",
		}),
	}
	m.reg.MustRegister(m.questions, m.latency, m.answers, m.changes, m.retries, m.modelCalls, m.badSigs,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *promMetrics) Question(path, outcome string) {
	m.questions.WithLabelValues(path, outcome).Inc()
}

func (m *promMetrics) Latency(path, stage string, d time.Duration) {
	m.latency.WithLabelValues(path, stage).Observe(d.Seconds())
}

func (m *promMetrics) Answer(mode string, fallback bool) {
	m.answers.WithLabelValues(mode, strconv.FormatBool(fallback)).Inc()
}

func (m *promMetrics) Change(action string, d time.Duration, ok bool) {
	m.changes.WithLabelValues(action, strconv.FormatBool(ok)).Observe(d.Seconds())
}

func (m *promMetrics) RESTRetry(reason string) { m.retries.WithLabelValues(reason).Inc() }

func (m *promMetrics) BadSignature() { m.badSigs.Inc() }

// gauge registers a gauge read from f at every scrape.
func (m *promMetrics) gauge(name, help string, f func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, f))
}

// watchServe registers the gauges of a running serve: the answer queue,
// and the live index's size and store generation.
func (m *promMetrics) watchServe(b *bot.Bot, lib *rag.Library) {
	m.gauge("statementbot_queue_depth", "Questions waiting for an answering slot.", func() float64 { return float64(b.QueueDepth()) })
	m.gauge("statementbot_index_paragraphs", "Paragraphs in the live index.", func() float64 {
		if ix := lib.Index(); ix != nil {
			return float64(ix.Len())
		}
		return 0
	})
	m.gauge("statementbot_index_statements", "Statements in the live index, of every library.", func() float64 {
		if ix := lib.Index(); ix != nil {
			return float64(len(ix.AllStatements()))
		}
		return 0
	})
	m.gauge("statementbot_index_generation", "Store generation the live index was built from.", func() float64 { return float64(lib.Generation()) })
}

// countedChat counts the calls of a language model.
type countedChat struct {
	next  rag.ChatModel
	calls *prometheus.CounterVec
}

var _ rag.ChatModel = countedChat{}

func (c countedChat) Chat(ctx context.Context, msgs []rag.ChatMessage, onDelta func(string)) (string, error) {
	text, err := c.next.Chat(ctx, msgs, onDelta)
	result := "ok"
	if err != nil {
		result = "error"
	}
	c.calls.WithLabelValues(result).Inc()
	return text, err
}

// countChat wraps a language model so its calls are counted.
func (m *promMetrics) countChat(c rag.ChatModel) rag.ChatModel {
	return countedChat{next: c, calls: m.modelCalls}
}
