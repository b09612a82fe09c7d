package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// engine is a small client for the Docker Engine API (only the endpoints this provider uses), over the
// unix socket or TCP address in DOCKER_HOST, pinned to DOCKER_API_VERSION.
type engine struct {
	http      *http.Client
	streaming *http.Client // no overall timeout: log streams end with their request's context
	base      string       // e.g. http://docker/v1.41
	version   string
}

// apiError is a non-2xx answer from the engine.
type apiError struct {
	Status  int
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("docker engine: %d %s", e.Status, e.Message) }

func isNotFound(err error) bool {
	ae, ok := err.(*apiError)
	return ok && ae.Status == http.StatusNotFound
}

func newEngine(dockerHost, apiVersion string) (*engine, error) {
	if dockerHost == "" {
		dockerHost = "unix:///var/run/docker.sock"
	}
	if apiVersion == "" {
		apiVersion = "1.41"
	}
	u, err := url.Parse(dockerHost)
	if err != nil {
		return nil, fmt.Errorf("DOCKER_HOST %q: %w", dockerHost, err)
	}
	transport := &http.Transport{MaxIdleConns: 16, IdleConnTimeout: 60 * time.Second}
	base := ""
	switch u.Scheme {
	case "unix":
		socket := u.Path
		transport.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "unix", socket)
		}
		base = "http://docker"
	case "tcp", "http":
		base = "http://" + u.Host
	default:
		return nil, fmt.Errorf("DOCKER_HOST scheme %q is not supported (unix, tcp)", u.Scheme)
	}
	return &engine{
		http:      &http.Client{Transport: transport, Timeout: 30 * time.Second},
		streaming: &http.Client{Transport: transport},
		base:      base + "/v" + strings.TrimPrefix(apiVersion, "v"),
		version:   apiVersion,
	}, nil
}

// do sends one request; body (if not nil) is sent as JSON and a 2xx answer is decoded into out (if not nil).
func (e *engine) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	return e.doWith(ctx, method, path, query, nil, body, out)
}

// doWith is do with extra request headers (X-Registry-Auth).
func (e *engine) doWith(ctx context.Context, method, path string, query url.Values, header http.Header, body, out any) error {
	var reader io.Reader
	if body != nil {
		buf, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(buf)
	}
	target := e.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := e.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		var msg struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(data, &msg)
		if msg.Message == "" {
			msg.Message = strings.TrimSpace(string(data))
		}
		return &apiError{Status: res.StatusCode, Message: msg.Message}
	}
	if out != nil && len(data) > 0 {
		return json.Unmarshal(data, out)
	}
	return nil
}

func filters(kv map[string][]string) url.Values {
	buf, _ := json.Marshal(kv)
	return url.Values{"filters": {string(buf)}}
}

// The subset of the Engine API's swarm types used here (API 1.41 field names).

type service struct {
	ID        string      `json:"ID"`
	Version   objVersion  `json:"Version"`
	CreatedAt time.Time   `json:"CreatedAt"`
	Spec      serviceSpec `json:"Spec"`
}

type objVersion struct {
	Index uint64 `json:"Index"`
}

type serviceSpec struct {
	Name         string            `json:"Name"`
	Labels       map[string]string `json:"Labels,omitempty"`
	TaskTemplate taskSpec          `json:"TaskTemplate"`
	Mode         serviceMode       `json:"Mode"`
	EndpointSpec *endpointSpec     `json:"EndpointSpec,omitempty"`
	// NOTE: kept as raw JSON so an update sends back what the engine holds, unchanged.
	UpdateConfig   json.RawMessage `json:"UpdateConfig,omitempty"`
	RollbackConfig json.RawMessage `json:"RollbackConfig,omitempty"`
}

type serviceMode struct {
	Replicated *struct {
		Replicas *uint64 `json:"Replicas,omitempty"`
	} `json:"Replicated,omitempty"`
}

type endpointSpec struct {
	Mode string `json:"Mode,omitempty"`
}

type taskSpec struct {
	ContainerSpec containerSpec   `json:"ContainerSpec"`
	Resources     *resources      `json:"Resources,omitempty"`
	RestartPolicy *restartPolicy  `json:"RestartPolicy,omitempty"`
	Placement     *placement      `json:"Placement,omitempty"`
	Networks      []networkAttach `json:"Networks,omitempty"`
	ForceUpdate   uint64          `json:"ForceUpdate,omitempty"`
	LogDriver     json.RawMessage `json:"LogDriver,omitempty"`
	Runtime       string          `json:"Runtime,omitempty"`
}

type containerSpec struct {
	Image    string            `json:"Image"`
	Labels   map[string]string `json:"Labels,omitempty"`
	Env      []string          `json:"Env,omitempty"`
	ReadOnly bool              `json:"ReadOnly,omitempty"`
	Secrets  []secretRef       `json:"Secrets,omitempty"`
	Init     *bool             `json:"Init,omitempty"`
	Mounts   []mount           `json:"Mounts,omitempty"`
	// StopGracePeriod in nanoseconds: SIGTERM, then this long before SIGKILL.
	StopGracePeriod int64 `json:"StopGracePeriod,omitempty"`
}

type mount struct {
	Type         string        `json:"Type"`
	Target       string        `json:"Target"`
	TmpfsOptions *tmpfsOptions `json:"TmpfsOptions,omitempty"`
}

type tmpfsOptions struct {
	SizeBytes int64  `json:"SizeBytes,omitempty"`
	Mode      uint32 `json:"Mode,omitempty"`
}

type secretRef struct {
	File       secretFile `json:"File"`
	SecretID   string     `json:"SecretID"`
	SecretName string     `json:"SecretName"`
}

type secretFile struct {
	Name string `json:"Name"`
	UID  string `json:"UID"`
	GID  string `json:"GID"`
	Mode uint32 `json:"Mode"`
}

type resources struct {
	Limits       *resourceAmounts `json:"Limits,omitempty"`
	Reservations *resourceAmounts `json:"Reservations,omitempty"`
}

type resourceAmounts struct {
	NanoCPUs    int64 `json:"NanoCPUs,omitempty"`
	MemoryBytes int64 `json:"MemoryBytes,omitempty"`
}

type restartPolicy struct {
	Condition string `json:"Condition,omitempty"`
	Delay     int64  `json:"Delay,omitempty"`
}

type placement struct {
	Constraints []string `json:"Constraints,omitempty"`
}

type networkAttach struct {
	Target string `json:"Target"`
}

type task struct {
	Status struct {
		State string `json:"State"`
	} `json:"Status"`
	DesiredState        string `json:"DesiredState"`
	NetworksAttachments []struct {
		Network struct {
			ID string `json:"ID"`
		} `json:"Network"`
		Addresses []string `json:"Addresses"`
	} `json:"NetworksAttachments"`
}

type network struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
}

type secret struct {
	ID        string `json:"ID"`
	Version   objVersion
	CreatedAt time.Time `json:"CreatedAt"`
	Spec      struct {
		Name   string            `json:"Name"`
		Labels map[string]string `json:"Labels,omitempty"`
		Data   []byte            `json:"Data,omitempty"`
	} `json:"Spec"`
}

type image struct {
	ID string `json:"Id"`
}
