// Command swarm-provider is a small OpenFaaS provider for Docker Swarm, built on the real faas-provider SDK
// (github.com/openfaas/faas-provider v0.19.1: its router, basic auth, metrics and function proxy) and the
// Docker Engine API.
//
// NOTE: it exists because neither github.com/openfaas/faas-swarm nor github.com/neuroforgede/nf-faas-docker
// is served by the Go module proxy this project can reach (403 "This module version is not available" for
// their version lists and every commit tried; see docs/openfaas.md). It follows faas-swarm's behaviour where
// that is documented in shared notes: a function is a replicated swarm service labelled function=true on the
// first network labelled openfaas=true; secrets are mounted at /var/openfaas/secrets/<name>; the initial
// replica count is the label com.openfaas.scale.min; annotations become labels prefixed
// com.openfaas.annotations.; it serves only the functions it deployed itself (labelOwner, owner.go); the
// proxy (proxy.go) goes to each function's running tasks in turn, from addresses it keeps.
//
// Environment (besides faas-provider's port, read_timeout, write_timeout, basic_auth, secret_mount_path):
//
//	DOCKER_HOST            engine address, default unix:///var/run/docker.sock
//	DOCKER_API_VERSION     default 1.41 (Debian docker.io 20.10)
//	network                overlay network for functions (default: the first labelled openfaas=true)
//	function_endpoint_mode dnsrr (default) or vip
//	resolve_local_images   false (default): true deploys an image present on this engine by its image ID, so
//	                       the swarm executor never pulls it; only for one-node swarms (other nodes cannot
//	                       pull an ID). Name local images 127.0.0.1:5000/… instead (docs/openfaas.md).
//	owner_key_file         key of the label marking this provider's functions (default: derived from the
//	                       basic-auth secrets)
package main

import (
	"context"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"time"

	bootstrap "github.com/openfaas/faas-provider"
	"github.com/openfaas/faas-provider/auth"
	"github.com/openfaas/faas-provider/types"
)

const version = "0.2.0"

// commit is set at build time (-X main.commit=…).
var commit = "dev"

func main() {
	cfg, err := types.ReadConfig{}.Read(types.OsEnv{})
	if err != nil {
		log.Fatalf("swarm-provider: %v", err)
	}
	dockerHost := envOr("DOCKER_HOST", "unix:///var/run/docker.sock")
	eng, err := newEngine(dockerHost, os.Getenv("DOCKER_API_VERSION"))
	if err != nil {
		log.Fatalf("swarm-provider: %v", err)
	}
	own, err := loadOwnerKey(os.Getenv("owner_key_file"), cfg.SecretMountPath, cfg.EnableBasicAuth)
	if err != nil {
		log.Fatalf("swarm-provider: %v", err)
	}
	var creds *auth.BasicAuthCredentials
	if cfg.EnableBasicAuth {
		if creds, err = (&auth.ReadBasicAuthFromDisk{SecretMountPath: cfg.SecretMountPath}).Read(); err != nil {
			log.Fatalf("swarm-provider: basic auth: %v", err)
		}
	}
	// Every secret is read: from here on the provider runs as nobody.
	if err := dropRoot(dockerHost); err != nil {
		log.Fatalf("swarm-provider: dropping root: %v", err)
	}
	p := &provider{
		engine:       eng,
		network:      os.Getenv("network"),
		endpointMode: envOr("function_endpoint_mode", "dnsrr"),
		resolveLocal: envOr("resolve_local_images", "false") == "true",
		owner:        own,
		transport:    newProxyTransport(),
	}
	p.endpoints = newEndpointCache(endpointTTL, p.taskAddresses)
	if err := p.waitForEngine(context.Background(), 30*time.Second); err != nil {
		log.Fatalf("swarm-provider: engine at %s (API %s) does not answer: %v", eng.base, eng.version, err)
	}

	handlers := &types.FaaSHandlers{
		FunctionProxy:        p.proxy,
		FunctionReader:       p.listFunctions,
		DeployHandler:        p.deployFunction,
		UpdateHandler:        p.updateFunction,
		DeleteHandler:        p.deleteFunction,
		ReplicaReader:        p.functionStatus,
		ReplicaUpdater:       p.scaleFunction,
		SecretHandler:        p.secrets,
		LogHandler:           p.logsHandler(cfg.WriteTimeout),
		InfoHandler:          p.info,
		HealthHandler:        p.health,
		ListNamespaceHandler: p.namespaces,
	}
	if cfg.EnableBasicAuth {
		// NOTE: the gateway (since 0.20) checks basic auth through an external plugin at auth_proxy_url; this
		// provider serves that check at /validate with the same credentials instead of a separate service.
		bootstrap.Router().HandleFunc("/validate", auth.DecorateWithBasicAuth(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "OK")
		}, creds))
	}
	// NOTE: the gateway at c07bebbbc9c2 panics in /system/functions (metrics.mixIn on a nil result) when
	// Prometheus cannot be reached. Without a Prometheus here, point the gateway's faas_prometheus_host/port
	// at this provider: it answers every instant query with an empty vector (invocation counts stay 0).
	bootstrap.Router().HandleFunc("/api/v1/query", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"success","data":{"resultType":"vector","result":[]}}`)
	})
	log.Printf("swarm-provider %s: listening on :%s, engine %s, endpoint mode %s, basic auth %v",
		version, strconv.Itoa(*cfg.TCPPort), eng.base, p.endpointMode, cfg.EnableBasicAuth)
	serve(handlers, cfg, creds)
}

// serve is faas-provider's bootstrap.Serve with the server's idle timeout set. NOTE: Serve leaves it at
// read_timeout (65 s), shorter than the gateway's idle timeout (90 s): a request the gateway sends on a
// connection just as this side closes it would fail, so this side keeps idle connections longer.
func serve(h *types.FaaSHandlers, cfg *types.FaaSConfig, creds *auth.BasicAuthCredentials) {
	if creds != nil {
		for _, f := range []*http.HandlerFunc{&h.FunctionReader, &h.DeployHandler, &h.DeleteHandler, &h.UpdateHandler,
			&h.ReplicaReader, &h.ReplicaUpdater, &h.InfoHandler, &h.SecretHandler, &h.LogHandler, &h.ListNamespaceHandler} {
			*f = auth.DecorateWithBasicAuth(*f, creds)
		}
	}
	r := bootstrap.Router()
	const name = "{name:[" + bootstrap.NameExpression + "]+}"
	r.HandleFunc("/system/functions", h.FunctionReader).Methods(http.MethodGet)
	r.HandleFunc("/system/functions", h.DeployHandler).Methods(http.MethodPost)
	r.HandleFunc("/system/functions", h.DeleteHandler).Methods(http.MethodDelete)
	r.HandleFunc("/system/functions", h.UpdateHandler).Methods(http.MethodPut)
	r.HandleFunc("/system/function/"+name, h.ReplicaReader).Methods(http.MethodGet)
	r.HandleFunc("/system/scale-function/"+name, h.ReplicaUpdater).Methods(http.MethodPost)
	r.HandleFunc("/system/info", h.InfoHandler).Methods(http.MethodGet)
	r.HandleFunc("/system/secrets", h.SecretHandler).Methods(http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete)
	r.HandleFunc("/system/logs", h.LogHandler).Methods(http.MethodGet)
	r.HandleFunc("/system/namespaces", h.ListNamespaceHandler).Methods(http.MethodGet)
	r.HandleFunc("/function/"+name, h.FunctionProxy)
	r.HandleFunc("/function/"+name+"/", h.FunctionProxy)
	r.HandleFunc("/function/"+name+"/{params:.*}", h.FunctionProxy)
	r.HandleFunc("/healthz", h.HealthHandler).Methods(http.MethodGet)
	port := 8080
	if cfg.TCPPort != nil {
		port = *cfg.TCPPort
	}
	s := &http.Server{
		Addr:         ":" + strconv.Itoa(port),
		ReadTimeout:  cfg.ReadTimeout,
		WriteTimeout: cfg.WriteTimeout,
		IdleTimeout:  120 * time.Second,
		Handler:      r,
	}
	log.Fatal(s.ListenAndServe())
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
