package main

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/openfaas/faas-provider/types"
)

func TestParseMemory(t *testing.T) {
	cases := map[string]int64{"128m": 128 << 20, "1g": 1 << 30, "512Mi": 512 << 20, "1048576": 1 << 20, "64MB": 64 << 20}
	for in, want := range cases {
		got, err := parseMemory(in)
		if err != nil || got != want {
			t.Errorf("parseMemory(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "lots", "-1m", "0"} {
		if _, err := parseMemory(bad); err == nil {
			t.Errorf("parseMemory(%q) should fail", bad)
		}
	}
}

func TestParseCPU(t *testing.T) {
	cases := map[string]int64{"0.5": 500_000_000, "2": 2_000_000_000, "250m": 250_000_000, "500000000": 500_000_000}
	for in, want := range cases {
		got, err := parseCPU(in)
		if err != nil || got != want {
			t.Errorf("parseCPU(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	if _, err := parseCPU("half"); err == nil {
		t.Error(`parseCPU("half") should fail`)
	}
}

func TestMinReplicas(t *testing.T) {
	if n, err := minReplicas(nil); err != nil || n != 1 {
		t.Errorf("no labels: got %d, %v; want 1", n, err)
	}
	labels := map[string]string{labelScaleMin: "3"}
	if n, err := minReplicas(&labels); err != nil || n != 3 {
		t.Errorf("scale.min=3: got %d, %v", n, err)
	}
	labels[labelScaleMin] = "x"
	if _, err := minReplicas(&labels); err == nil {
		t.Error("scale.min=x should fail")
	}
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"login", "list-services", "who_am_i"} {
		if err := validName(ok); err != nil {
			t.Errorf("validName(%q): %v", ok, err)
		}
	}
	// NOTE: the gateway reads "name.namespace", so a dot would split the name.
	for _, bad := range []string{"", "a.b", "a/b", "a b"} {
		if err := validName(bad); err == nil {
			t.Errorf("validName(%q) should fail", bad)
		}
	}
}

func TestParseResourcesNil(t *testing.T) {
	if r, err := parseResources(nil); r != nil || err != nil {
		t.Errorf("nil resources: got %v, %v", r, err)
	}
	r, err := parseResources(&types.FunctionResources{Memory: "128m", CPU: "0.25"})
	if err != nil || r.MemoryBytes != 128<<20 || r.NanoCPUs != 250_000_000 {
		t.Errorf("got %+v, %v", r, err)
	}
}

func TestRegistryAuthHeader(t *testing.T) {
	req := deployRequest{FunctionDeployment: types.FunctionDeployment{Image: "registry.example.com:5000/team/fn:1"}, RegistryAuth: "dXNlcjpwYXNz"}
	h, err := registryAuthHeader(httptest.NewRequest("POST", "/", nil), req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.URLEncoding.DecodeString(h.Get("X-Registry-Auth"))
	if string(raw) != `{"password":"pass","serveraddress":"registry.example.com:5000","username":"user"}` {
		t.Fatalf("X-Registry-Auth: %s", raw)
	}
	passed := httptest.NewRequest("POST", "/", nil)
	passed.Header.Set("X-Registry-Auth", "abc")
	if h, _ := registryAuthHeader(passed, deployRequest{}); h.Get("X-Registry-Auth") != "abc" {
		t.Fatal("an X-Registry-Auth header is passed as is")
	}
	if h, _ := registryAuthHeader(httptest.NewRequest("POST", "/", nil), deployRequest{}); h != nil {
		t.Fatal("no credentials, no header")
	}
	if _, err := registryAuthHeader(httptest.NewRequest("POST", "/", nil), deployRequest{RegistryAuth: "not base64!"}); err == nil {
		t.Fatal("bad registryAuth must fail")
	}
	if registryOf("nginx:1") != "docker.io" || registryOf("localhost/x") != "localhost" {
		t.Fatal("registryOf")
	}
}

func TestStopGracePeriod(t *testing.T) {
	if d, _ := stopGracePeriod(nil); d != 19*time.Second {
		t.Fatalf("default: %s", d)
	}
	if d, _ := stopGracePeriod(map[string]string{"healthcheck_interval": "1s", "write_timeout": "5", "exec_timeout": "30s"}); d != 33*time.Second {
		t.Fatalf("from the env: %s", d)
	}
	if _, err := stopGracePeriod(map[string]string{"write_timeout": "soon"}); err == nil {
		t.Fatal("a bad duration must fail")
	}
}

func TestOwnerAndForwardedFor(t *testing.T) {
	o := owner{key: []byte("k1 of enough length")}
	labels := map[string]string{labelFunction: "true", labelOwner: o.sign("fn")}
	if !o.owns("fn", labels) || o.owns("other", labels) || (owner{key: []byte("another key!!!!!!")}).owns("fn", labels) {
		t.Fatal("owns must hold for the signed name and key only")
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Forwarded-For", "10.0.0.9:41234")
	h := http.Header{}
	copyRequestHeaders(h, r)
	if h.Get("X-Forwarded-For") != "10.0.0.9" {
		t.Fatalf("the gateway's ip:port loses its port: %q", h.Get("X-Forwarded-For"))
	}
	r.Header.Set("X-Forwarded-For", "203.0.113.7, 10.0.0.2")
	r.Header.Set("Connection", "keep-alive, X-Secret")
	r.Header.Set("X-Secret", "x")
	h = http.Header{}
	copyRequestHeaders(h, r)
	if h.Get("X-Forwarded-For") != "203.0.113.7, 10.0.0.2" || h.Get("X-Secret") != "" || h.Get("Connection") != "" {
		t.Fatalf("headers: %v", h)
	}
}

func TestEndpointsRoundRobin(t *testing.T) {
	c := newEndpointCache(time.Hour, func(context.Context, string) ([]string, error) { return []string{"a", "b", "c"}, nil })
	e, _ := c.get(context.Background(), "fn")
	counts := map[string]int{}
	for i := 0; i < 300; i++ {
		a, _ := e.pick()
		counts[a]++
	}
	if counts["a"] != 100 || counts["b"] != 100 || counts["c"] != 100 {
		t.Fatalf("spread: %v", counts)
	}
	e.drop("b")
	for i := 0; i < 10; i++ {
		if a, _ := e.pick(); a == "b" {
			t.Fatal("a dropped address is not picked")
		}
	}
}

func TestEndpointsForgetUnknownNames(t *testing.T) {
	c := newEndpointCache(time.Hour, func(context.Context, string) ([]string, error) {
		return nil, &apiError{Status: http.StatusNotFound, Message: "no"}
	})
	for i := 0; i < 100; i++ {
		if _, err := c.get(context.Background(), "made-up-"+time.Now().String()); !isNotFound(err) {
			t.Fatalf("want not found, got %v", err)
		}
	}
	if len(c.m) != 0 {
		t.Fatalf("%d unknown names kept", len(c.m))
	}
}
