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
// com.openfaas.annotations.; the proxy goes to http://tasks.<name>:8080 (DNS round robin, for engines
// without IPVS).
//
// Environment (besides faas-provider's port, read_timeout, write_timeout, basic_auth, secret_mount_path):
//
//	DOCKER_HOST            engine address, default unix:///var/run/docker.sock
//	DOCKER_API_VERSION     default 1.41 (Debian docker.io 20.10)
//	network                overlay network for functions (default: the first labelled openfaas=true)
//	function_endpoint_mode dnsrr (default) or vip
//	resolve_local_images   true (default): an image present on this engine is deployed by its image ID,
//	                       so the swarm executor never tries to pull it (no registry here)
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
	"github.com/openfaas/faas-provider/proxy"
	"github.com/openfaas/faas-provider/types"
)

const version = "0.1.0"

func main() {
	cfg, err := types.ReadConfig{}.Read(types.OsEnv{})
	if err != nil {
		log.Fatalf("swarm-provider: %v", err)
	}
	eng, err := newEngine(os.Getenv("DOCKER_HOST"), os.Getenv("DOCKER_API_VERSION"))
	if err != nil {
		log.Fatalf("swarm-provider: %v", err)
	}
	p := &provider{
		engine:       eng,
		network:      os.Getenv("network"),
		endpointMode: envOr("function_endpoint_mode", "dnsrr"),
		resolveLocal: envOr("resolve_local_images", "true") == "true",
		known:        newNameCache(2 * time.Second),
	}
	if err := p.waitForEngine(context.Background(), 30*time.Second); err != nil {
		log.Fatalf("swarm-provider: engine at %s (API %s) does not answer: %v", eng.base, eng.version, err)
	}

	handlers := &types.FaaSHandlers{
		FunctionProxy:        proxy.NewHandlerFunc(*cfg, p),
		FunctionReader:       p.listFunctions,
		DeployHandler:        p.deployFunction,
		UpdateHandler:        p.updateFunction,
		DeleteHandler:        p.deleteFunction,
		ReplicaReader:        p.functionStatus,
		ReplicaUpdater:       p.scaleFunction,
		SecretHandler:        p.secrets,
		LogHandler:           p.logs,
		InfoHandler:          p.info,
		HealthHandler:        p.health,
		ListNamespaceHandler: p.namespaces,
	}
	if cfg.EnableBasicAuth {
		// NOTE: the gateway (since 0.20) checks basic auth through an external plugin at auth_proxy_url; this
		// provider serves that check at /validate with the same credentials instead of a separate service.
		creds, err := (&auth.ReadBasicAuthFromDisk{SecretMountPath: cfg.SecretMountPath}).Read()
		if err != nil {
			log.Fatalf("swarm-provider: basic auth: %v", err)
		}
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
	bootstrap.Serve(handlers, cfg)
}

func envOr(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}
