package main

import (
	"net/http"

	"github.com/bwmarrin/discordgo"
)

// newSession is a discordgo session for the bot's token over client.
func newSession(cfg config, client *http.Client) (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + cfg.DiscordToken)
	if err != nil {
		return nil, err
	}
	s.Client = client
	s.ShouldReconnectOnError = true
	s.LogLevel = discordgo.LogWarning
	return s, nil
}

// shardSessions makes one session per shard this process runs, the count
// taken from Discord (GET /gateway/bot) when DISCORD_SHARD_COUNT=auto.
// rest carries that request. It returns the shard ids too, for the
// registration rule.
func shardSessions(cfg config, client *http.Client, rest *discordgo.Session) ([]*discordgo.Session, []int, error) {
	count, ids, err := cfg.Shards.shards(func() (int, error) {
		gb, err := rest.GatewayBot()
		if err != nil {
			return 0, err
		}
		return gb.Shards, nil
	})
	if err != nil {
		return nil, nil, err
	}
	sessions := make([]*discordgo.Session, len(ids))
	for i, id := range ids {
		s, err := newSession(cfg, client)
		if err != nil {
			return nil, nil, err
		}
		s.ShardID, s.ShardCount = id, count
		sessions[i] = s
	}
	return sessions, ids, nil
}
