// Command fwatchdog is this project's stand-in for OpenFaaS of-watchdog in HTTP mode.
//
// NOTE: the real of-watchdog (github.com/openfaas/of-watchdog) is refused by the Go module proxy this
// project can reach (403 "This module version is not available" for every version and commit tried; see
// docs/openfaas.md). This program implements the documented HTTP-mode contract so that the function
// template, the images and the gateway path are the same as with the real watchdog; swap the binary in
// scripts/openfaas/install.sh once a served version exists.
//
// Contract (environment variables, as of-watchdog reads them):
//
//	mode                 only "http" is supported
//	fprocess             command started once, e.g. "node index.mjs" (alias function_process)
//	upstream_url         where requests go, e.g. http://127.0.0.1:3000 (alias http_upstream_url)
//	port                 listen port, default 8080
//	exec_timeout         per-request upstream timeout (Go duration or seconds), default 10s, 0 = none;
//	                     a request may shorten it with the header X-Timeout
//	read_timeout, write_timeout   HTTP server timeouts, default 10s
//	healthcheck_interval after SIGTERM the watchdog reports unhealthy this long before draining
//	                     (default: write_timeout)
//	max_inflight         concurrent requests before 429, default 0 = unlimited
//	prefix_logs          "false" passes the upstream's stdout/stderr through unprefixed (default true)
//	ready_path           optional upstream path that /_/ready proxies to
//	suppress_lock        "true" skips writing /tmp/.lock
//
// Endpoints: /_/health (200 when the lock file exists and the upstream accepts connections, 503 while
// draining), /_/ready (as health, plus 429 when max_inflight is reached, or the upstream's answer at
// ready_path); everything else is reverse-proxied to upstream_url with X-Duration-Seconds added.
// `fwatchdog --run-healthcheck` exits 0 when the lock file exists (for Docker HEALTHCHECK).
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

const lockFile = "/tmp/.lock"

type config struct {
	mode                string
	fprocess            string
	upstream            *url.URL
	port                int
	execTimeout         time.Duration
	readTimeout         time.Duration
	writeTimeout        time.Duration
	healthcheckInterval time.Duration
	maxInflight         int64
	prefixLogs          bool
	readyPath           string
	suppressLock        bool
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--run-healthcheck" {
		if _, err := os.Stat(lockFile); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println("fwatchdog (project stand-in for of-watchdog http mode)")
		return
	}
	cfg, err := readConfig(os.Getenv)
	if err != nil {
		log.Fatalf("fwatchdog: %v", err)
	}
	if err := run(cfg); err != nil {
		log.Fatalf("fwatchdog: %v", err)
	}
}

func readConfig(env func(string) string) (config, error) {
	first := func(keys ...string) string {
		for _, k := range keys {
			if v := env(k); v != "" {
				return v
			}
		}
		return ""
	}
	cfg := config{
		mode:         first("mode"),
		fprocess:     first("fprocess", "function_process"),
		port:         8080,
		execTimeout:  duration(env("exec_timeout"), 10*time.Second),
		readTimeout:  duration(env("read_timeout"), 10*time.Second),
		writeTimeout: duration(env("write_timeout"), 10*time.Second),
		prefixLogs:   env("prefix_logs") != "false",
		readyPath:    env("ready_path"),
		suppressLock: env("suppress_lock") == "true",
	}
	cfg.healthcheckInterval = duration(env("healthcheck_interval"), cfg.writeTimeout)
	if cfg.mode != "http" {
		return cfg, fmt.Errorf("mode=%q is not supported: this stand-in implements mode=http only", cfg.mode)
	}
	if cfg.fprocess == "" {
		return cfg, errors.New("fprocess is empty")
	}
	raw := first("upstream_url", "http_upstream_url")
	if raw == "" {
		return cfg, errors.New("upstream_url is empty")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return cfg, fmt.Errorf("upstream_url %q is not a URL", raw)
	}
	cfg.upstream = u
	if p := env("port"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return cfg, fmt.Errorf("port %q is not a number", p)
		}
		cfg.port = n
	}
	if m := env("max_inflight"); m != "" {
		n, err := strconv.ParseInt(m, 10, 64)
		if err != nil {
			return cfg, fmt.Errorf("max_inflight %q is not a number", m)
		}
		cfg.maxInflight = n
	}
	return cfg, nil
}

// duration accepts a Go duration ("10s") or a bare number of seconds, as of-watchdog does.
func duration(v string, fallback time.Duration) time.Duration {
	if v == "" {
		return fallback
	}
	if n, err := strconv.Atoi(v); err == nil {
		return time.Duration(n) * time.Second
	}
	if d, err := time.ParseDuration(v); err == nil {
		return d
	}
	return fallback
}

func run(cfg config) error {
	_ = os.Remove(lockFile)
	child, err := startProcess(cfg)
	if err != nil {
		return err
	}
	childDone := make(chan error, 1)
	go func() { childDone <- child.Wait() }()

	var draining atomic.Bool
	var inflight atomic.Int64
	srv := &http.Server{
		Addr:           fmt.Sprintf(":%d", cfg.port),
		Handler:        newHandler(cfg, &draining, &inflight),
		ReadTimeout:    cfg.readTimeout,
		WriteTimeout:   cfg.writeTimeout,
		MaxHeaderBytes: http.DefaultMaxHeaderBytes,
	}
	listener, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		_ = child.Process.Kill()
		return err
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(listener) }()
	log.Printf("fwatchdog: listening on %s, fprocess %q, upstream %s", srv.Addr, cfg.fprocess, cfg.upstream)

	// NOTE: unlike of-watchdog, the lock file (and so the health check) waits until the upstream accepts
	// TCP connections, so a task reported healthy can answer at once.
	go func() {
		for !draining.Load() {
			if c, err := net.DialTimeout("tcp", cfg.upstream.Host, 200*time.Millisecond); err == nil {
				_ = c.Close()
				if !cfg.suppressLock {
					if err := os.WriteFile(lockFile, nil, 0o600); err != nil {
						log.Printf("fwatchdog: cannot write %s: %v", lockFile, err)
					}
				}
				log.Printf("fwatchdog: upstream %s is accepting connections", cfg.upstream.Host)
				return
			}
			time.Sleep(25 * time.Millisecond)
		}
	}()

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	select {
	case err := <-childDone:
		_ = srv.Close()
		return fmt.Errorf("forked function has terminated: %v", err)
	case err := <-serveErr:
		_ = child.Process.Kill()
		return err
	case sig := <-signals:
		log.Printf("fwatchdog: %s received, unhealthy for %s, then draining", sig, cfg.healthcheckInterval)
		draining.Store(true)
		_ = os.Remove(lockFile)
		time.Sleep(cfg.healthcheckInterval)
		ctx, cancel := context.WithTimeout(context.Background(), cfg.writeTimeout)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = child.Process.Signal(syscall.SIGTERM)
		select {
		case <-childDone:
		case <-time.After(5 * time.Second):
			_ = child.Process.Kill()
		}
		return nil
	}
}

func startProcess(cfg config) (*exec.Cmd, error) {
	parts := strings.Fields(cfg.fprocess)
	cmd := exec.Command(parts[0], parts[1:]...)
	cmd.Env = os.Environ()
	if !cfg.prefixLogs {
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	} else {
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return nil, err
		}
		stderr, err := cmd.StderrPipe()
		if err != nil {
			return nil, err
		}
		go prefixLines("stdout", stdout, os.Stdout)
		go prefixLines("stderr", stderr, os.Stderr)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start fprocess %q: %w", cfg.fprocess, err)
	}
	return cmd, nil
}

func prefixLines(name string, r io.Reader, w io.Writer) {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 64*1024), 1024*1024)
	for s.Scan() {
		fmt.Fprintf(w, "%s %s: %s\n", time.Now().UTC().Format("2006/01/02 15:04:05"), name, s.Text())
	}
}

func newHandler(cfg config, draining *atomic.Bool, inflight *atomic.Int64) http.Handler {
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 3 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 1024,
		IdleConnTimeout:     120 * time.Second,
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(cfg.upstream)
			r.Out.Host = r.In.Host // NOTE: of-watchdog copies the Host header upstream.
		},
		Transport: transport,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			w.Header().Set("X-OpenFaaS-Internal", "of-watchdog")
			if errors.Is(err, context.DeadlineExceeded) {
				w.WriteHeader(http.StatusGatewayTimeout)
				fmt.Fprintf(w, "Can't reach service for: %s (timeout)\n", r.URL.Path)
				return
			}
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprintf(w, "Can't reach service for: %s.\n", r.URL.Path)
		},
	}
	healthy := func() bool {
		if draining.Load() {
			return false
		}
		if cfg.suppressLock {
			return true
		}
		_, err := os.Stat(lockFile)
		return err == nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/_/health", func(w http.ResponseWriter, r *http.Request) {
		if !healthy() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "OK")
	})
	mux.HandleFunc("/_/ready", func(w http.ResponseWriter, r *http.Request) {
		if !healthy() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		if cfg.maxInflight > 0 && inflight.Load() >= cfg.maxInflight {
			http.Error(w, "concurrency limit reached", http.StatusTooManyRequests)
			return
		}
		if cfg.readyPath != "" {
			r2 := r.Clone(r.Context())
			r2.URL.Path = cfg.readyPath
			proxy.ServeHTTP(w, r2)
			return
		}
		_, _ = io.WriteString(w, "OK")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if cfg.maxInflight > 0 {
			if inflight.Add(1) > cfg.maxInflight {
				inflight.Add(-1)
				http.Error(w, "Concurrent request limit exceeded.", http.StatusTooManyRequests)
				return
			}
			defer inflight.Add(-1)
		}
		start := time.Now()
		timeout := cfg.execTimeout
		if h := r.Header.Get("X-Timeout"); h != "" {
			if d, err := time.ParseDuration(h); err == nil && d > 0 && (timeout == 0 || d < timeout) {
				timeout = d
			}
		}
		if timeout > 0 {
			ctx, cancel := context.WithTimeout(r.Context(), timeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		rw := &durationWriter{ResponseWriter: w, start: start}
		proxy.ServeHTTP(rw, r)
		log.Printf("%s %s - %d - ContentLength: %d (%.4fs)", r.Method, r.URL.RequestURI(), rw.status,
			rw.written, time.Since(start).Seconds())
	})
	return mux
}

// durationWriter sets X-Duration-Seconds just before the status line goes out.
type durationWriter struct {
	http.ResponseWriter
	start   time.Time
	status  int
	written int64
}

func (d *durationWriter) WriteHeader(code int) {
	if d.status == 0 {
		d.status = code
		d.Header().Set("X-Duration-Seconds", fmt.Sprintf("%f", time.Since(d.start).Seconds()))
	}
	d.ResponseWriter.WriteHeader(code)
}

func (d *durationWriter) Write(b []byte) (int, error) {
	if d.status == 0 {
		d.WriteHeader(http.StatusOK)
	}
	n, err := d.ResponseWriter.Write(b)
	d.written += int64(n)
	return n, err
}

func (d *durationWriter) Flush() {
	if f, ok := d.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
