package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// opsHandler serves the operations endpoints: /healthz (the process is
// alive), /readyz (ready reports whether it takes questions; 503 until
// then) and /metrics (reg, in Prometheus's text format); and, when
// interactions is not nil, POST /interactions.
func opsHandler(reg *prometheus.Registry, ready func() bool, interactions http.Handler) http.Handler {
	mux := http.NewServeMux()
	if interactions != nil {
		mux.Handle("POST /interactions", interactions)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}

// opsServer is the HTTP server on HTTP_ADDR.
type opsServer struct {
	srv  *http.Server
	done chan error
}

// startOps listens on addr and serves h in the background; Addr is the
// bound address (addr may name port 0).
func startOps(addr string, h http.Handler, log *slog.Logger) (*opsServer, net.Addr, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("HTTP_ADDR=%q: %w", addr, err)
	}
	o := &opsServer{
		srv:  &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)},
		done: make(chan error, 1),
	}
	go func() { o.done <- o.srv.Serve(ln) }()
	return o, ln.Addr(), nil
}

// stop shuts the server down, letting requests in progress finish for a
// few seconds.
func (o *opsServer) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := o.srv.Shutdown(ctx)
	if serr := <-o.done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
