package main

// Tests against the real Docker engine (a swarm manager): deploy, update, delete, list, status, scale,
// secrets and logs through the provider's handlers, plus the ownership rule. Skipped when no engine answers
// (DOCKER_HOST or /var/run/docker.sock). Every object is named provtest-<random> and removed at the end.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/openfaas/faas-provider/types"
)

func engineOrSkip(t *testing.T) *engine {
	t.Helper()
	eng, err := newEngine(os.Getenv("DOCKER_HOST"), "1.41")
	if err != nil {
		t.Skipf("no engine: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var info struct {
		Swarm struct{ ControlAvailable bool }
	}
	if err := eng.do(ctx, http.MethodGet, "/info", nil, nil, &info); err != nil || !info.Swarm.ControlAvailable {
		t.Skipf("no swarm manager engine answers (%v)", err)
	}
	return eng
}

func randomName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// call runs one handler the way the router would (path variables set).
func call(h http.HandlerFunc, method, target string, vars map[string]string, body any) *httptest.ResponseRecorder {
	var buf bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&buf).Encode(body)
	}
	req := httptest.NewRequest(method, target, &buf)
	if vars != nil {
		req = mux.SetURLVars(req, vars)
	}
	rec := httptest.NewRecorder()
	h(rec, req)
	return rec
}

func waitUntil(t *testing.T, what string, limit time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(300 * time.Millisecond)
	}
}

func TestEngineFunctionLifecycle(t *testing.T) {
	eng := engineOrSkip(t)
	ctx := context.Background()
	prefix := randomName("provtest-")
	image := prefix + ":1"
	// A function image: prints a line, proves /tmp is writable on a read-only root, serves :8080.
	dir := t.TempDir()
	dockerfile := "FROM local/busybox:1\nRUN mkdir -p /www && echo hello > /www/index.html\n" +
		`CMD ["sh", "-c", "echo x > /tmp/f && echo tmp-ok $MARK; exec httpd -f -p 8080 -h /www"]` + "\n"
	if err := os.WriteFile(dir+"/Dockerfile", []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	build := exec.Command("docker", "build", "-q", "-t", image, dir)
	build.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v %s", err, out)
	}
	network := prefix + "-net"
	var created struct{ ID string }
	if err := eng.do(ctx, http.MethodPost, "/networks/create", nil, map[string]any{"Name": network, "Driver": "overlay"}, &created); err != nil {
		t.Fatal(err)
	}
	p := &provider{engine: eng, network: network, endpointMode: "dnsrr", owner: owner{key: []byte("a test key of enough length")}, transport: newProxyTransport()}
	p.endpoints = newEndpointCache(endpointTTL, p.taskAddresses)
	fn, foreign, secretName := prefix+"-fn", prefix+"-foreign", prefix+"-secret"
	t.Cleanup(func() {
		for _, s := range []string{fn, foreign} {
			_ = eng.do(ctx, http.MethodDelete, "/services/"+s, nil, nil, nil)
		}
		time.Sleep(3 * time.Second)
		call(p.secrets, http.MethodDelete, "/system/secrets", nil, types.Secret{Name: secretName})
		// NOTE: the network goes once the removed tasks have left it.
		for i := 0; i < 40 && eng.do(ctx, http.MethodDelete, "/networks/"+created.ID, nil, nil, nil) != nil; i++ {
			time.Sleep(500 * time.Millisecond)
		}
		_ = exec.Command("docker", "image", "rm", "-f", image).Run()
	})

	// secrets: create, list; deploy mounts it.
	if rec := call(p.secrets, http.MethodPost, "/system/secrets", nil, types.Secret{Name: secretName, Value: "s3cret"}); rec.Code != http.StatusCreated {
		t.Fatalf("create secret: %d %s", rec.Code, rec.Body)
	}
	if rec := call(p.secrets, http.MethodGet, "/system/secrets", nil, nil); !strings.Contains(rec.Body.String(), secretName) {
		t.Fatalf("list secrets lacks %s: %s", secretName, rec.Body)
	}

	// deploy: read-only root gets a tmpfs /tmp and a stop grace period from the timeouts.
	labels := map[string]string{"com.openfaas.scale.min": "1"}
	deploy := types.FunctionDeployment{Service: fn, Image: image, EnvVars: map[string]string{"MARK": "v1", "write_timeout": "7s"},
		Secrets: []string{secretName}, Labels: &labels, ReadOnlyRootFilesystem: true}
	if rec := call(p.deployFunction, http.MethodPost, "/system/functions", nil, deploy); rec.Code != http.StatusAccepted {
		t.Fatalf("deploy: %d %s", rec.Code, rec.Body)
	}
	var svc service
	var raw map[string]any
	if err := eng.do(ctx, http.MethodGet, "/services/"+fn, nil, nil, &svc); err != nil {
		t.Fatal(err)
	}
	_ = eng.do(ctx, http.MethodGet, "/services/"+fn, nil, nil, &raw)
	cs := svc.Spec.TaskTemplate.ContainerSpec
	if cs.Image != image || !cs.ReadOnly || len(cs.Mounts) != 1 || cs.Mounts[0].Type != "tmpfs" || cs.Mounts[0].Target != "/tmp" {
		t.Fatalf("spec: image %s, read-only %v, mounts %+v", cs.Image, cs.ReadOnly, cs.Mounts)
	}
	if cs.StopGracePeriod != int64(2*time.Second+7*time.Second+2*time.Second) {
		t.Fatalf("stop grace period %s, want 11s", time.Duration(cs.StopGracePeriod))
	}
	if !p.owner.owns(fn, svc.Spec.Labels) {
		t.Fatalf("the deployed service lacks the owner label: %v", svc.Spec.Labels)
	}

	status := func(name string) (types.FunctionStatus, int) {
		rec := call(p.functionStatus, http.MethodGet, "/system/function/"+name, map[string]string{"name": name}, nil)
		var st types.FunctionStatus
		_ = json.Unmarshal(rec.Body.Bytes(), &st)
		return st, rec.Code
	}
	waitUntil(t, fn+" available", 60*time.Second, func() bool { st, _ := status(fn); return st.AvailableReplicas == 1 })
	st, _ := status(fn)
	if st.Image != image || st.Replicas != 1 || len(st.Secrets) != 1 || (*st.Labels)[labelOwner] != "" {
		t.Fatalf("status: %+v", st)
	}
	addrs, err := p.taskAddresses(ctx, fn)
	if err != nil || len(addrs) != 1 || !strings.HasSuffix(addrs[0], ":8080") {
		t.Fatalf("task addresses: %v %v", addrs, err)
	}

	// logs: the line the function printed, from the engine's service logs (a real server: the handler streams).
	logServer := httptest.NewServer(p.logsHandler(5 * time.Second))
	defer logServer.Close()
	waitUntil(t, "the function's log line", 30*time.Second, func() bool {
		res, err := http.Get(logServer.URL + "/system/logs?name=" + fn + "&tail=20")
		if err != nil {
			return false
		}
		defer res.Body.Close()
		var body bytes.Buffer
		_, _ = body.ReadFrom(res.Body)
		return res.StatusCode == 200 && strings.Contains(body.String(), `"text":"tmp-ok v1`) && strings.Contains(body.String(), `"name":"`+fn+`"`)
	})

	// scale 1 → 2 keeps the running task (no roll).
	var before []task
	_ = eng.do(ctx, http.MethodGet, "/tasks", filters(map[string][]string{"service": {fn}, "desired-state": {"running"}}), nil, &before)
	if rec := call(p.scaleFunction, http.MethodPost, "/system/scale-function/"+fn, map[string]string{"name": fn}, types.ScaleServiceRequest{ServiceName: fn, Replicas: 2}); rec.Code != http.StatusAccepted {
		t.Fatalf("scale: %d %s", rec.Code, rec.Body)
	}
	waitUntil(t, fn+" at 2 available", 60*time.Second, func() bool {
		st, _ := status(fn)
		a, _ := p.taskAddresses(ctx, fn)
		return st.AvailableReplicas == 2 && len(a) == 2
	})
	var after []task
	_ = eng.do(ctx, http.MethodGet, "/tasks", filters(map[string][]string{"service": {fn}, "desired-state": {"running"}}), nil, &after)
	if len(before) != 1 || len(after) != 2 {
		t.Fatalf("tasks before %d, after %d", len(before), len(after))
	}

	// update: a new environment rolls out; the replica count and the owner label stay.
	deploy.EnvVars["MARK"] = "v2"
	if rec := call(p.updateFunction, http.MethodPut, "/system/functions", nil, deploy); rec.Code != http.StatusAccepted {
		t.Fatalf("update: %d %s", rec.Code, rec.Body)
	}
	st, _ = status(fn)
	if st.Replicas != 2 || st.EnvVars["MARK"] != "v2" {
		t.Fatalf("after update: replicas %d, MARK %q", st.Replicas, st.EnvVars["MARK"])
	}

	// list: ours is there; a service someone else labels function=true is neither listed nor served.
	foreignSpec := map[string]any{"Name": foreign, "Labels": map[string]string{labelFunction: "true", labelFunctionName: foreign, labelOwner: strings.Repeat("ab", 32)},
		"TaskTemplate": map[string]any{"ContainerSpec": map[string]any{"Image": image}}, "Mode": map[string]any{"Replicated": map[string]any{"Replicas": 0}}}
	if err := eng.do(ctx, http.MethodPost, "/services/create", nil, foreignSpec, nil); err != nil {
		t.Fatal(err)
	}
	rec := call(p.listFunctions, http.MethodGet, "/system/functions", nil, nil)
	if !strings.Contains(rec.Body.String(), `"name":"`+fn+`"`) || strings.Contains(rec.Body.String(), foreign) {
		t.Fatalf("list: %s", rec.Body)
	}
	if _, code := status(foreign); code != http.StatusNotFound {
		t.Fatalf("status of a foreign service: %d", code)
	}
	if rec := call(p.scaleFunction, http.MethodPost, "/", map[string]string{"name": foreign}, types.ScaleServiceRequest{ServiceName: foreign, Replicas: 1}); rec.Code != http.StatusNotFound {
		t.Fatalf("scale of a foreign service: %d", rec.Code)
	}
	if rec := call(p.deleteFunction, http.MethodDelete, "/system/functions", nil, types.DeleteFunctionRequest{FunctionName: foreign}); rec.Code != http.StatusNotFound {
		t.Fatalf("delete of a foreign service: %d", rec.Code)
	}
	if rec := call(p.proxy, http.MethodPost, "/function/"+foreign, map[string]string{"name": foreign}, map[string]int{"a": 1}); rec.Code != http.StatusNotFound {
		t.Fatalf("proxy to a foreign service: %d", rec.Code)
	} else if got := rec.Body.String(); rec.Header().Get("Content-Type") != "application/json" || !strings.Contains(got, `{"error":{"code":"not_found","message":"No function named `) {
		t.Fatalf("proxy to a foreign service: not the contract's error shape: %s %q", rec.Header().Get("Content-Type"), got)
	}
	if rec := call(p.logsHandler(time.Second), http.MethodGet, "/system/logs?name="+foreign, nil, nil); rec.Code != http.StatusNotFound {
		t.Fatalf("logs of a foreign service: %d", rec.Code)
	}

	// delete
	if rec := call(p.deleteFunction, http.MethodDelete, "/system/functions", nil, types.DeleteFunctionRequest{FunctionName: fn}); rec.Code != http.StatusAccepted {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	if _, code := status(fn); code != http.StatusNotFound {
		t.Fatalf("status after delete: %d", code)
	}
}

func TestEngineInfoAndHealth(t *testing.T) {
	p := &provider{engine: engineOrSkip(t)}
	if rec := call(p.health, http.MethodGet, "/healthz", nil, nil); rec.Code != 200 {
		t.Fatalf("health: %d %s", rec.Code, rec.Body)
	}
	rec := call(p.info, http.MethodGet, "/system/info", nil, nil)
	var info types.ProviderInfo
	if err := json.Unmarshal(rec.Body.Bytes(), &info); err != nil || info.Orchestration != "swarm" || !strings.Contains(info.Version.SHA, "engine ") {
		t.Fatalf("info: %s", rec.Body)
	}
	down := &provider{engine: &engine{http: &http.Client{Timeout: time.Second}, base: "http://127.0.0.1:1/v1.41"}}
	if rec := call(down.health, http.MethodGet, "/healthz", nil, nil); rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("health without an engine: %d", rec.Code)
	}
}
