package bot

import (
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// maxInteractionBytes bounds the body of a POST /interactions.
const maxInteractionBytes = 1 << 20

// responseBudget is how long Discord waits for an interaction's initial
// response.
const responseBudget = 3 * time.Second

// InteractionsHandler is Discord's HTTP interactions endpoint (POST
// /interactions, the "Interactions Endpoint URL" of the application):
// it checks the request's Ed25519 signature against the application's
// public key (a bad or missing one is answered 401 and only counted),
// answers PING with PONG, and hands commands, buttons and autocomplete to
// the same handlers as the gateway; the deferral is the HTTP response and
// the answer follows through the interaction's webhook, as on the
// gateway. It needs no gateway session: replicas behind a load balancer
// share the interactions.
func (b *Bot) InteractionsHandler(key ed25519.PublicKey) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received := time.Now()
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "use POST", http.StatusMethodNotAllowed)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxInteractionBytes)
		if !discordgo.VerifyInteraction(r, key) {
			b.metrics.BadSignature()
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		var i discordgo.Interaction
		if err := json.NewDecoder(r.Body).Decode(&i); err != nil {
			http.Error(w, "invalid interaction", http.StatusBadRequest)
			return
		}
		if i.Type == discordgo.InteractionPing {
			writeInteractionResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
			return
		}
		// The handler's respond hands the response to this request and
		// waits until it is written, so that no follow-up can reach
		// Discord before it.
		type reply struct {
			resp    *discordgo.InteractionResponse
			written chan struct{}
		}
		replies := make(chan reply, 1)
		respond := func(resp *discordgo.InteractionResponse) error {
			rp := reply{resp: resp, written: make(chan struct{})}
			select {
			case replies <- rp:
			default:
				return errors.New("the interaction was already answered")
			}
			select {
			case <-rp.written:
				return nil
			case <-r.Context().Done():
				// The request ends once the response is written: written
				// was closed first if it was written at all.
				select {
				case <-rp.written:
					return nil
				default:
				}
				return r.Context().Err()
			}
		}
		// handleInteraction calls respond before it returns (autocomplete
		// later): it runs beside this request, which waits for either.
		handled := make(chan bool, 1)
		go func() { handled <- b.handleInteraction(&i, received, respond) }()
		budget := time.NewTimer(b.cfg.EndpointBudget - time.Since(received))
		defer budget.Stop()
		for {
			select {
			case rp := <-replies:
				writeInteractionResponse(w, rp.resp)
				close(rp.written)
				return
			case ok := <-handled:
				if !ok {
					http.Error(w, "unsupported interaction type", http.StatusBadRequest)
					return
				}
				handled = nil
			case <-budget.C:
				http.Error(w, "no response in time", http.StatusServiceUnavailable)
				return
			case <-r.Context().Done():
				return
			}
		}
	})
}

func writeInteractionResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) {
	body, err := json.Marshal(resp)
	if err != nil {
		http.Error(w, "encoding the response", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}
