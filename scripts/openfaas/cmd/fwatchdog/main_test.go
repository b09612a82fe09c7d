package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestReadConfig(t *testing.T) {
	cfg, err := readConfig(env(map[string]string{
		"mode": "http", "fprocess": "node index.mjs", "upstream_url": "http://127.0.0.1:3000",
		"exec_timeout": "3", "write_timeout": "15s", "max_inflight": "4", "prefix_logs": "false",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.execTimeout != 3*time.Second || cfg.writeTimeout != 15*time.Second || cfg.healthcheckInterval != 15*time.Second {
		t.Errorf("timeouts: %+v", cfg)
	}
	if cfg.port != 8080 || cfg.maxInflight != 4 || cfg.prefixLogs || cfg.upstream.Host != "127.0.0.1:3000" {
		t.Errorf("config: %+v", cfg)
	}
	for _, bad := range []map[string]string{
		{"mode": "streaming", "fprocess": "cat", "upstream_url": "http://127.0.0.1:3000"},
		{"mode": "http", "upstream_url": "http://127.0.0.1:3000"},
		{"mode": "http", "fprocess": "cat"},
	} {
		if _, err := readConfig(env(bad)); err == nil {
			t.Errorf("readConfig(%v) should fail", bad)
		}
	}
}

func TestHandlerProxiesAndReportsHealth(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			time.Sleep(300 * time.Millisecond)
		}
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, r.Method+" "+r.URL.RequestURI())
	}))
	defer upstream.Close()
	u, _ := url.Parse(upstream.URL)
	var draining atomic.Bool
	var inflight atomic.Int64
	cfg := config{upstream: u, execTimeout: 100 * time.Millisecond, suppressLock: true}
	srv := httptest.NewServer(newHandler(cfg, &draining, &inflight))
	defer srv.Close()

	res, err := http.Post(srv.URL+"/a/b?c=1", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusTeapot || string(body) != "POST /a/b?c=1" || res.Header.Get("X-Duration-Seconds") == "" {
		t.Errorf("proxy: %d %q %v", res.StatusCode, body, res.Header)
	}

	res, _ = http.Get(srv.URL + "/slow")
	if res.StatusCode != http.StatusGatewayTimeout {
		t.Errorf("exec_timeout: got %d, want 504", res.StatusCode)
	}

	res, _ = http.Get(srv.URL + "/_/health")
	if res.StatusCode != http.StatusOK {
		t.Errorf("health: got %d", res.StatusCode)
	}
	draining.Store(true)
	res, _ = http.Get(srv.URL + "/_/health")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("health while draining: got %d, want 503", res.StatusCode)
	}
}

func TestHealthNeedsLockFile(t *testing.T) {
	_ = os.Remove(lockFile)
	u, _ := url.Parse("http://127.0.0.1:1")
	var draining atomic.Bool
	var inflight atomic.Int64
	srv := httptest.NewServer(newHandler(config{upstream: u}, &draining, &inflight))
	defer srv.Close()
	res, _ := http.Get(srv.URL + "/_/health")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("health without %s: got %d, want 503", lockFile, res.StatusCode)
	}
}
