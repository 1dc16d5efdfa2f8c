package discordtest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// responseWait bounds how long a webhook call for an interaction posted to
// an endpoint waits for the endpoint's response to be applied.
const responseWait = 30 * time.Second

// EndpointReply is what an interactions endpoint answered.
type EndpointReply struct {
	Status int
	Body   []byte
}

// PostInteraction plays Discord's side of an HTTP interactions endpoint
// (the application's Interactions Endpoint URL): it fills in i as
// DispatchInteraction does, signs it with key as Discord signs (Ed25519
// over X-Signature-Timestamp followed by the body) and POSTs it to url.
// A 200 response is applied as the interaction's initial response and
// recorded as the call POST interactions/{id}/{token}/callback, so tests
// of deferrals read the same for the gateway and the endpoint. Webhook
// calls for the interaction's token wait until that is done, as Discord's
// follow-ups only work after the initial response. key nil sends no
// signature headers.
func (s *Server) PostInteraction(ctx context.Context, url string, key ed25519.PrivateKey, i *discordgo.Interaction) (*discordgo.Interaction, EndpointReply, error) {
	s.mu.Lock()
	in := s.fillInteractionLocked(i)
	raw, err := json.Marshal(toWire(&in))
	if err == nil {
		err = s.observeLocked("INTERACTION_CREATE", raw)
	}
	if err != nil {
		s.mu.Unlock()
		return nil, EndpointReply{}, fmt.Errorf("discordtest: post interaction: %w", err)
	}
	st := s.interactions[in.ID]
	st.responded = make(chan struct{})
	s.mu.Unlock()
	defer close(st.responded)

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(raw))
	if err != nil {
		return nil, EndpointReply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	if key != nil {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		req.Header.Set("X-Signature-Timestamp", ts)
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(ts), raw...))))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, EndpointReply{}, fmt.Errorf("discordtest: post interaction: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, EndpointReply{}, fmt.Errorf("discordtest: read the endpoint's response: %w", err)
	}
	reply := EndpointReply{Status: resp.StatusCode, Body: body}
	if resp.StatusCode == http.StatusOK && json.Valid(body) {
		call := Call{
			Method: http.MethodPost, Path: "/api/v9/interactions/" + in.ID + "/" + in.Token + "/callback",
			Header: http.Header{"Content-Type": {"application/json"}}, Body: body, Time: time.Now(),
		}
		r, events := s.route(&call)
		call.Status = r.status
		s.record(call)
		for _, e := range events {
			_ = s.DispatchEvent(e.t, e.data) // no gateway client is fine
		}
	}
	return &in, reply, nil
}

// awaitResponse waits, for a webhook call with token, until the initial
// response of an interaction posted to an endpoint has been applied.
func (s *Server) awaitResponse(token string) {
	s.mu.Lock()
	var ch chan struct{}
	if st, ok := s.tokens[token]; ok {
		ch = st.responded
	}
	s.mu.Unlock()
	if ch == nil {
		return
	}
	t := time.NewTimer(responseWait)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	}
}
