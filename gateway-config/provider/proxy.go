package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
)

// The function proxy. NOTE: faas-provider's proxy resolves tasks.<fn> on every new connection, keeps idle
// connections for only 120 ms, logs a line per request and, since its pool is per host name, sticks to
// whichever replica a connection reached (74% of the traffic went to one of three replicas). This one keeps each
// function's task addresses (from the engine, refreshed in the background while the function is called),
// picks a replica per request in turn, keeps connections per replica, and resends a request whose connection
// could not be made to the next replica (nothing was sent, so a POST is safe to resend).

const (
	endpointTTL       = time.Second
	proxyIdleTimeout  = time.Second // below the function's healthcheck_interval: see lib/openfaas/workload.ts
	maxBufferedBody   = 1 << 20     // bodies up to this size are kept so the request can go to another replica
	maxProxyAttempts  = 3
	proxyDialTimeout  = 2 * time.Second
	proxyMaxIdlePerIP = 256
)

var hopHeaders = []string{"Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

type endpoints struct {
	mu         sync.Mutex
	addrs      []string
	err        error
	fetched    time.Time
	refreshing bool
	next       atomic.Uint64
}

func (e *endpoints) pick() (string, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.addrs) == 0 {
		return "", false
	}
	return e.addrs[int(e.next.Add(1)%uint64(len(e.addrs)))], true
}

// drop forgets an address that refused a connection, until the next refresh.
func (e *endpoints) drop(addr string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	kept := e.addrs[:0:0]
	for _, a := range e.addrs {
		if a != addr {
			kept = append(kept, a)
		}
	}
	e.addrs = kept
}

type endpointCache struct {
	mu  sync.Mutex
	m   map[string]*endpoints
	ttl time.Duration
	// fetch lists the addresses of a function's running tasks; an apiError 404 means "not a function of ours".
	fetch func(ctx context.Context, name string) ([]string, error)
}

func newEndpointCache(ttl time.Duration, fetch func(context.Context, string) ([]string, error)) *endpointCache {
	return &endpointCache{m: map[string]*endpoints{}, ttl: ttl, fetch: fetch}
}

// get answers from memory; the first call for a name waits for the engine, later ones refresh in the background
// once the addresses are older than the TTL.
func (c *endpointCache) get(ctx context.Context, name string) (*endpoints, error) {
	c.mu.Lock()
	e, ok := c.m[name]
	if !ok {
		e = &endpoints{}
		c.m[name] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	if e.fetched.IsZero() {
		defer e.mu.Unlock()
		addrs, err := c.fetch(ctx, name)
		e.addrs, e.err, e.fetched = addrs, err, time.Now()
		if err != nil {
			// NOTE: not kept, so that calls to made-up names (no auth on /function/*) cannot grow the map.
			c.forget(name)
		}
		return e, err
	}
	if time.Since(e.fetched) > c.ttl && !e.refreshing {
		e.refreshing = true
		go c.refresh(name, e)
	}
	err := e.err
	e.mu.Unlock()
	return e, err
}

func (c *endpointCache) refresh(name string, e *endpoints) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	addrs, err := c.fetch(ctx, name)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.refreshing = false
	if err != nil && !isNotFound(err) {
		// NOTE: the engine did not answer: keep serving the addresses we know, try again after the TTL.
		e.fetched = time.Now()
		log.Printf("swarm-provider: refreshing %s: %v", name, err)
		return
	}
	e.addrs, e.err, e.fetched = addrs, err, time.Now()
}

// forget drops a function's addresses (after delete, so a new deployment is looked up again).
func (c *endpointCache) forget(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, name)
}

// taskAddresses lists the overlay addresses of the running tasks of a function this provider owns.
func (p *provider) taskAddresses(ctx context.Context, name string) ([]string, error) {
	svc, err := p.getFunction(ctx, name)
	if err != nil {
		return nil, err
	}
	var tasks []task
	q := filters(map[string][]string{"service": {svc.ID}, "desired-state": {"running"}})
	if err := p.engine.do(ctx, http.MethodGet, "/tasks", q, nil, &tasks); err != nil {
		return nil, err
	}
	networks := map[string]bool{}
	for _, n := range svc.Spec.TaskTemplate.Networks {
		networks[n.Target] = true
	}
	addrs := []string{}
	for _, t := range tasks {
		// NOTE: a task with a HEALTHCHECK is "running" only once healthy; one being stopped has left the list
		// (desired state shutdown) before it gets SIGTERM.
		if t.Status.State != "running" || t.DesiredState != "running" {
			continue
		}
		for _, a := range t.NetworksAttachments {
			if len(networks) > 0 && !networks[a.Network.ID] {
				continue
			}
			for _, cidr := range a.Addresses {
				if ip, _, err := net.ParseCIDR(cidr); err == nil {
					addrs = append(addrs, net.JoinHostPort(ip.String(), fmt.Sprint(functionPort)))
					break
				}
			}
			break
		}
	}
	return addrs, nil
}

func newProxyTransport() *http.Transport {
	return &http.Transport{
		DialContext:           (&net.Dialer{Timeout: proxyDialTimeout, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          4096,
		MaxIdleConnsPerHost:   proxyMaxIdlePerIP,
		IdleConnTimeout:       proxyIdleTimeout,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
	}
}

func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// functionError answers in the API contract's error shape: the callers of /function/<name> are the dashboard's
// clients, which read every error as {"error": {"code", "message"}}; a plain-text body broke their JSON parsing.
func functionError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]map[string]string{"error": {"code": code, "message": message}})
}

// proxy serves /function/<name>[/<params>] from the function's replicas.
func (p *provider) proxy(w http.ResponseWriter, r *http.Request) {
	vars := mux.Vars(r)
	name := vars["name"]
	ep, err := p.endpoints.get(r.Context(), name)
	if err != nil {
		if isNotFound(err) {
			functionError(w, http.StatusNotFound, "not_found", "No function named "+name)
			return
		}
		log.Printf("swarm-provider: resolving %s: %v", name, err)
		functionError(w, http.StatusBadGateway, "function_unavailable", "Cannot resolve function "+name)
		return
	}
	var body []byte
	replayable := r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0
	if !replayable && r.ContentLength > 0 && r.ContentLength <= maxBufferedBody {
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBufferedBody+1))
		if err != nil {
			functionError(w, http.StatusBadRequest, "validation_failed", "Cannot read the request body")
			return
		}
		replayable = true
	}
	target := url.URL{Scheme: "http", Path: "/" + vars["params"], RawQuery: r.URL.RawQuery}
	for attempt := 1; ; attempt++ {
		addr, ok := ep.pick()
		if !ok {
			w.Header().Set("Retry-After", "1")
			functionError(w, http.StatusServiceUnavailable, "function_unavailable", "No replica of "+name+" is available")
			return
		}
		target.Host = addr
		out, err := http.NewRequestWithContext(r.Context(), r.Method, target.String(), nil)
		if err != nil {
			functionError(w, http.StatusBadRequest, "validation_failed", "Bad request")
			return
		}
		copyRequestHeaders(out.Header, r)
		switch {
		case body != nil:
			out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
			out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		case !replayable:
			out.Body, out.ContentLength = r.Body, r.ContentLength
		}
		res, err := p.transport.RoundTrip(out)
		if err != nil {
			if isDialError(err) && replayable && attempt < maxProxyAttempts {
				ep.drop(addr)
				continue
			}
			log.Printf("swarm-provider: %s %s via %s: %v", r.Method, name, addr, err)
			functionError(w, http.StatusBadGateway, "function_unavailable", "Cannot reach function "+name)
			return
		}
		for _, h := range hopHeaders {
			res.Header.Del(h)
		}
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		_, _ = io.Copy(w, res.Body)
		res.Body.Close()
		return
	}
}

// copyRequestHeaders copies all but the hop-by-hop headers and keeps the edge's X-Forwarded-*. The gateway sets
// X-Forwarded-For to its peer's "ip:port" when the request did not have one; the port is dropped, so that the
// function keys on the client's address.
func copyRequestHeaders(dst http.Header, r *http.Request) {
	for k, v := range r.Header {
		dst[k] = append([]string(nil), v...)
	}
	for _, f := range strings.Split(r.Header.Get("Connection"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			dst.Del(f)
		}
	}
	for _, h := range hopHeaders {
		dst.Del(h)
	}
	xff := dst.Get("X-Forwarded-For")
	if xff == "" {
		xff = r.RemoteAddr
	}
	first, rest, _ := strings.Cut(xff, ",")
	if host, _, err := net.SplitHostPort(strings.TrimSpace(first)); err == nil {
		first = host
	}
	if rest != "" {
		first += "," + rest
	}
	dst.Set("X-Forwarded-For", strings.TrimSpace(first))
	if dst.Get("X-Forwarded-Host") == "" && r.Host != "" {
		dst.Set("X-Forwarded-Host", r.Host)
	}
}
