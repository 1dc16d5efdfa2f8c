package main

import (
	"fmt"
	"log/slog"
	"strings"
)

// config is everything statementbot reads from its environment. This file
// is the only place that knows the variable names.
type config struct {
	DataDir  string
	LogLevel slog.Level
}

// loadConfig reads the configuration through getenv.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{DataDir: "data"}
	if v := strings.TrimSpace(getenv("STATEMENTBOT_DATA")); v != "" {
		c.DataDir = v
	}
	c.LogLevel = slog.LevelWarn
	if v := strings.TrimSpace(getenv("LOG_LEVEL")); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, usageErrorf("LOG_LEVEL=%q: use debug, info, warn or error", v)
		}
	}
	return c, nil
}

func (c config) String() string { return fmt.Sprintf("data=%s log=%s", c.DataDir, c.LogLevel) }
