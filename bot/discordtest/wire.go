package discordtest

import "github.com/bwmarrin/discordgo"

// discordgo.Message has Components tagged `json:"-"` (it only decodes
// them, in a custom UnmarshalJSON), so encoding a *discordgo.Message drops
// its components. The wire types below re-add them wherever the fake
// encodes messages: responses, dispatches and internal copies.

type wireMessage struct {
	*discordgo.Message
	Components        []discordgo.MessageComponent `json:"components"`
	ReferencedMessage *wireMessage                 `json:"referenced_message"`
}

func wire(m *discordgo.Message) *wireMessage {
	if m == nil {
		return nil
	}
	return &wireMessage{Message: m, Components: m.Components, ReferencedMessage: wire(m.ReferencedMessage)}
}

type wireInteraction struct {
	*discordgo.Interaction
	Message *wireMessage `json:"message"`
}

// toWire replaces messages (and interactions carrying one) by their wire
// form; other values are returned unchanged.
func toWire(v any) any {
	switch v := v.(type) {
	case *discordgo.Message:
		return wire(v)
	case []*discordgo.Message:
		out := make([]*wireMessage, len(v))
		for i, m := range v {
			out[i] = wire(m)
		}
		return out
	case *discordgo.Interaction:
		return &wireInteraction{Interaction: v, Message: wire(v.Message)}
	}
	return v
}
