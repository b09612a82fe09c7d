package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/openfaas/faas-provider/types"
)

const (
	labelFunction      = "function"              // "true" on every function service (as faas-swarm)
	labelFunctionName  = "com.openfaas.function" // the function's name
	labelImage         = "com.openfaas.image"    // the image as requested (the spec may hold an image ID)
	labelScaleMin      = "com.openfaas.scale.min"
	annotationPrefix   = "com.openfaas.annotations."
	labelSecretOwner   = "com.openfaas.owner"
	secretOwner        = "openfaas"
	secretMountPrefix  = "/var/openfaas/secrets/"
	functionPort       = 8080
	defaultConstraint  = "node.platform.os == linux"
	restartDelay       = 5 * time.Second
	maxRequestBodySize = 1 << 20
)

type provider struct {
	engine       *engine
	network      string
	endpointMode string
	resolveLocal bool
	owner        owner
	endpoints    *endpointCache
	transport    *http.Transport
}

// Stop grace period when the deployment names none of the function's timeouts: the template's
// healthcheck_interval (2 s) + write_timeout (15 s) + 2 s.
const (
	defaultHealthcheckInterval = 2 * time.Second
	defaultWriteTimeout        = 15 * time.Second
	stopGraceMargin            = 2 * time.Second
)

func (p *provider) waitForEngine(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		var v struct{ Version, APIVersion string }
		err := p.engine.do(ctx, http.MethodGet, "/version", nil, nil, &v)
		if err == nil {
			log.Printf("swarm-provider: engine %s (API %s)", v.Version, v.APIVersion)
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(time.Second)
	}
}

func (p *provider) getFunction(ctx context.Context, name string) (service, error) {
	var svc service
	if err := p.engine.do(ctx, http.MethodGet, "/services/"+url.PathEscape(name), nil, nil, &svc); err != nil {
		return svc, err
	}
	// NOTE: only services this provider deployed (labelOwner, owner.go), whatever else is labelled function=true.
	if svc.Spec.Name != name || !p.owner.owns(name, svc.Spec.Labels) {
		return svc, &apiError{Status: http.StatusNotFound, Message: "no function named " + name}
	}
	return svc, nil
}

func (p *provider) listFunctions(w http.ResponseWriter, r *http.Request) {
	var services []service
	q := filters(map[string][]string{"label": {labelFunction + "=true", labelOwner}})
	if err := p.engine.do(r.Context(), http.MethodGet, "/services", q, nil, &services); err != nil {
		writeError(w, err)
		return
	}
	out := make([]types.FunctionStatus, 0, len(services))
	for _, svc := range services {
		if !p.owner.owns(svc.Spec.Name, svc.Spec.Labels) {
			continue
		}
		status, err := p.status(r.Context(), svc)
		if err != nil {
			writeError(w, err)
			return
		}
		out = append(out, status)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	writeJSON(w, http.StatusOK, out)
}

func (p *provider) functionStatus(w http.ResponseWriter, r *http.Request) {
	svc, err := p.getFunction(r.Context(), mux.Vars(r)["name"])
	if err != nil {
		writeError(w, err)
		return
	}
	status, err := p.status(r.Context(), svc)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, status)
}

func (p *provider) status(ctx context.Context, svc service) (types.FunctionStatus, error) {
	var tasks []task
	q := filters(map[string][]string{"service": {svc.Spec.Name}, "desired-state": {"running"}})
	if err := p.engine.do(ctx, http.MethodGet, "/tasks", q, nil, &tasks); err != nil {
		return types.FunctionStatus{}, err
	}
	available := uint64(0)
	for _, t := range tasks {
		if t.Status.State == "running" {
			available++
		}
	}
	labels := map[string]string{}
	annotations := map[string]string{}
	for k, v := range svc.Spec.Labels {
		switch {
		case strings.HasPrefix(k, annotationPrefix):
			annotations[strings.TrimPrefix(k, annotationPrefix)] = v
		case k == labelFunction || k == labelFunctionName || k == labelImage || k == labelOwner:
		default:
			labels[k] = v
		}
	}
	cs := svc.Spec.TaskTemplate.ContainerSpec
	env := map[string]string{}
	fprocess := ""
	for _, kv := range cs.Env {
		k, v, _ := strings.Cut(kv, "=")
		if k == "fprocess" {
			fprocess = v
			continue
		}
		env[k] = v
	}
	secrets := make([]string, 0, len(cs.Secrets))
	for _, s := range cs.Secrets {
		secrets = append(secrets, s.SecretName)
	}
	image := svc.Spec.Labels[labelImage]
	if image == "" {
		image = cs.Image
	}
	replicas := uint64(0)
	if m := svc.Spec.Mode.Replicated; m != nil && m.Replicas != nil {
		replicas = *m.Replicas
	}
	status := types.FunctionStatus{
		Name:                   svc.Spec.Name,
		Image:                  image,
		EnvProcess:             fprocess,
		EnvVars:                env,
		Secrets:                secrets,
		Labels:                 &labels,
		Annotations:            &annotations,
		Replicas:               replicas,
		AvailableReplicas:      available,
		CreatedAt:              svc.CreatedAt,
		ReadOnlyRootFilesystem: cs.ReadOnly,
	}
	if pl := svc.Spec.TaskTemplate.Placement; pl != nil {
		status.Constraints = pl.Constraints
	}
	if res := svc.Spec.TaskTemplate.Resources; res != nil {
		status.Limits = amountsToResources(res.Limits)
		status.Requests = amountsToResources(res.Reservations)
	}
	return status, nil
}

// deployRequest is faas-provider's FunctionDeployment plus the registryAuth field OpenFaaS deploy requests
// carried (base64 "user:password" for the image's registry); faas-provider 0.19 no longer declares it.
type deployRequest struct {
	types.FunctionDeployment
	RegistryAuth string `json:"registryAuth,omitempty"`
}

func (p *provider) deployFunction(w http.ResponseWriter, r *http.Request) {
	var full deployRequest
	if err := readJSON(r, &full); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := full.FunctionDeployment
	if err := validName(req.Service); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	replicas, err := minReplicas(req.Labels)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	spec, err := p.buildSpec(r.Context(), req, replicas)
	if err != nil {
		writeError(w, err)
		return
	}
	header, err := registryAuthHeader(r, full)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := p.engine.doWith(r.Context(), http.MethodPost, "/services/create", nil, header, spec, nil); err != nil {
		writeError(w, err)
		return
	}
	log.Printf("swarm-provider: deployed %s (%s, %d replicas)", req.Service, req.Image, replicas)
	w.WriteHeader(http.StatusAccepted)
}

func (p *provider) updateFunction(w http.ResponseWriter, r *http.Request) {
	var full deployRequest
	if err := readJSON(r, &full); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req := full.FunctionDeployment
	current, err := p.getFunction(r.Context(), req.Service)
	if err != nil {
		writeError(w, err)
		return
	}
	replicas := uint64(1)
	if m := current.Spec.Mode.Replicated; m != nil && m.Replicas != nil {
		replicas = *m.Replicas
	}
	spec, err := p.buildSpec(r.Context(), req, replicas)
	if err != nil {
		writeError(w, err)
		return
	}
	spec.UpdateConfig, spec.RollbackConfig = current.Spec.UpdateConfig, current.Spec.RollbackConfig
	header, err := registryAuthHeader(r, full)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	q := url.Values{"version": {strconv.FormatUint(current.Version.Index, 10)}}
	if header != nil {
		q.Set("registryAuthFrom", "spec")
	}
	if err := p.engine.doWith(r.Context(), http.MethodPost, "/services/"+current.ID+"/update", q, header, spec, nil); err != nil {
		writeError(w, err)
		return
	}
	log.Printf("swarm-provider: updated %s (%s)", req.Service, req.Image)
	w.WriteHeader(http.StatusAccepted)
}

func (p *provider) deleteFunction(w http.ResponseWriter, r *http.Request) {
	var req types.DeleteFunctionRequest
	if err := readJSON(r, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	// NOTE: only services labelled as functions can be deleted through this API, never the gateway itself.
	svc, err := p.getFunction(r.Context(), req.FunctionName)
	if err != nil {
		writeError(w, err)
		return
	}
	if err := p.engine.do(r.Context(), http.MethodDelete, "/services/"+svc.ID, nil, nil, nil); err != nil {
		writeError(w, err)
		return
	}
	p.endpoints.forget(req.FunctionName)
	log.Printf("swarm-provider: deleted %s", req.FunctionName)
	w.WriteHeader(http.StatusAccepted)
}

func (p *provider) scaleFunction(w http.ResponseWriter, r *http.Request) {
	name := mux.Vars(r)["name"]
	var req types.ScaleServiceRequest
	if err := readJSON(r, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	svc, err := p.getFunction(r.Context(), name)
	if err != nil {
		writeError(w, err)
		return
	}
	if svc.Spec.Mode.Replicated == nil {
		http.Error(w, "function "+name+" is not a replicated service", http.StatusBadRequest)
		return
	}
	// NOTE: the spec goes back as the engine sent it, with only the replica count changed, so that
	// scaling never rolls the running tasks (a changed TaskTemplate would).
	var raw struct {
		Version objVersion                 `json:"Version"`
		Spec    map[string]json.RawMessage `json:"Spec"`
	}
	if err := p.engine.do(r.Context(), http.MethodGet, "/services/"+svc.ID, nil, nil, &raw); err != nil {
		writeError(w, err)
		return
	}
	replicas := req.Replicas
	mode, _ := json.Marshal(map[string]any{"Replicated": map[string]uint64{"Replicas": replicas}})
	raw.Spec["Mode"] = mode
	q := url.Values{"version": {strconv.FormatUint(raw.Version.Index, 10)}}
	if err := p.engine.do(r.Context(), http.MethodPost, "/services/"+svc.ID+"/update", q, raw.Spec, nil); err != nil {
		writeError(w, err)
		return
	}
	log.Printf("swarm-provider: scaled %s to %d", name, replicas)
	w.WriteHeader(http.StatusAccepted)
}

func (p *provider) buildSpec(ctx context.Context, req types.FunctionDeployment, replicas uint64) (serviceSpec, error) {
	labels := map[string]string{}
	if req.Labels != nil {
		for k, v := range *req.Labels {
			labels[k] = v
		}
	}
	if req.Annotations != nil {
		for k, v := range *req.Annotations {
			labels[annotationPrefix+k] = v
		}
	}
	labels[labelFunction] = "true"
	labels[labelFunctionName] = req.Service
	labels[labelImage] = req.Image
	labels[labelOwner] = p.owner.sign(req.Service)

	imageRef := req.Image
	if p.resolveLocal {
		var img image
		err := p.engine.do(ctx, http.MethodGet, "/images/"+req.Image+"/json", nil, nil, &img)
		switch {
		case err == nil:
			imageRef = img.ID
		case !isNotFound(err):
			return serviceSpec{}, err
		}
	}

	env := []string{}
	if req.EnvProcess != "" {
		env = append(env, "fprocess="+req.EnvProcess)
	}
	keys := make([]string, 0, len(req.EnvVars))
	for k := range req.EnvVars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+req.EnvVars[k])
	}

	secrets, err := p.secretRefs(ctx, req.Secrets)
	if err != nil {
		return serviceSpec{}, err
	}
	networkID, err := p.functionNetwork(ctx)
	if err != nil {
		return serviceSpec{}, err
	}
	limits, err := parseResources(req.Limits)
	if err != nil {
		return serviceSpec{}, err
	}
	reservations, err := parseResources(req.Requests)
	if err != nil {
		return serviceSpec{}, err
	}
	constraints := req.Constraints
	if len(constraints) == 0 {
		constraints = []string{defaultConstraint}
	}

	grace, err := stopGracePeriod(req.EnvVars)
	if err != nil {
		return serviceSpec{}, err
	}
	var mounts []mount
	if req.ReadOnlyRootFilesystem {
		// NOTE: the workload contract needs a writable /tmp (the HEALTHCHECK's lock file, DATA_DIR=/tmp/data).
		mounts = []mount{{Type: "tmpfs", Target: "/tmp", TmpfsOptions: &tmpfsOptions{Mode: 0o1777}}}
	}

	spec := serviceSpec{
		Name:   req.Service,
		Labels: labels,
		TaskTemplate: taskSpec{
			ContainerSpec: containerSpec{
				Image:           imageRef,
				Labels:          map[string]string{labelFunctionName: req.Service},
				Env:             env,
				ReadOnly:        req.ReadOnlyRootFilesystem,
				Secrets:         secrets,
				Mounts:          mounts,
				StopGracePeriod: int64(grace),
			},
			RestartPolicy: &restartPolicy{Condition: "any", Delay: int64(restartDelay)},
			Placement:     &placement{Constraints: constraints},
			Networks:      []networkAttach{{Target: networkID}},
		},
		EndpointSpec: &endpointSpec{Mode: p.endpointMode},
		// NOTE: start-first so that a one-replica function keeps answering while a new image rolls out;
		// updateFunction keeps whatever update config the service already has.
		UpdateConfig: json.RawMessage(`{"Parallelism":1,"Order":"start-first","FailureAction":"pause"}`),
	}
	if limits != nil || reservations != nil {
		spec.TaskTemplate.Resources = &resources{Limits: limits, Reservations: reservations}
	}
	spec.Mode.Replicated = &struct {
		Replicas *uint64 `json:"Replicas,omitempty"`
	}{Replicas: &replicas}
	return spec, nil
}

func (p *provider) functionNetwork(ctx context.Context) (string, error) {
	var nets []network
	q := filters(map[string][]string{"label": {"openfaas=true"}})
	if p.network != "" {
		q = filters(map[string][]string{"name": {p.network}})
	}
	if err := p.engine.do(ctx, http.MethodGet, "/networks", q, nil, &nets); err != nil {
		return "", err
	}
	for _, n := range nets {
		if p.network == "" || n.Name == p.network {
			return n.ID, nil
		}
	}
	if p.network != "" {
		return "", &apiError{Status: http.StatusInternalServerError, Message: "network " + p.network + " not found"}
	}
	return "", &apiError{Status: http.StatusInternalServerError, Message: "no network labelled openfaas=true"}
}

func (p *provider) secretRefs(ctx context.Context, names []string) ([]secretRef, error) {
	refs := make([]secretRef, 0, len(names))
	for _, name := range names {
		var found []secret
		q := filters(map[string][]string{"name": {name}})
		if err := p.engine.do(ctx, http.MethodGet, "/secrets", q, nil, &found); err != nil {
			return nil, err
		}
		id := ""
		for _, s := range found {
			if s.Spec.Name == name {
				id = s.ID
			}
		}
		if id == "" {
			return nil, &apiError{Status: http.StatusBadRequest, Message: "secret " + name + " does not exist"}
		}
		refs = append(refs, secretRef{
			SecretID:   id,
			SecretName: name,
			File:       secretFile{Name: secretMountPrefix + name, UID: "0", GID: "0", Mode: 0o444},
		})
	}
	return refs, nil
}

// secrets lists, creates and deletes swarm secrets labelled com.openfaas.owner=openfaas.
func (p *provider) secrets(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		var found []secret
		q := filters(map[string][]string{"label": {labelSecretOwner + "=" + secretOwner}})
		if err := p.engine.do(r.Context(), http.MethodGet, "/secrets", q, nil, &found); err != nil {
			writeError(w, err)
			return
		}
		out := make([]types.Secret, 0, len(found))
		for _, s := range found {
			out = append(out, types.Secret{Name: s.Spec.Name})
		}
		writeJSON(w, http.StatusOK, out)
	case http.MethodPost:
		var req types.Secret
		if err := readJSON(r, &req); err != nil || req.Name == "" {
			http.Error(w, "a secret needs a name and a value", http.StatusBadRequest)
			return
		}
		data := req.RawValue
		if len(data) == 0 {
			data = []byte(req.Value)
		}
		body := map[string]any{
			"Name":   req.Name,
			"Labels": map[string]string{labelSecretOwner: secretOwner},
			"Data":   data,
		}
		if err := p.engine.do(r.Context(), http.MethodPost, "/secrets/create", nil, body, nil); err != nil {
			writeError(w, err)
			return
		}
		w.WriteHeader(http.StatusCreated)
	case http.MethodDelete:
		var req types.Secret
		if err := readJSON(r, &req); err != nil || req.Name == "" {
			http.Error(w, "a secret name is required", http.StatusBadRequest)
			return
		}
		var found []secret
		q := filters(map[string][]string{"name": {req.Name}, "label": {labelSecretOwner + "=" + secretOwner}})
		if err := p.engine.do(r.Context(), http.MethodGet, "/secrets", q, nil, &found); err != nil {
			writeError(w, err)
			return
		}
		for _, s := range found {
			if s.Spec.Name == req.Name {
				if err := p.engine.do(r.Context(), http.MethodDelete, "/secrets/"+s.ID, nil, nil, nil); err != nil {
					writeError(w, err)
					return
				}
				w.WriteHeader(http.StatusAccepted)
				return
			}
		}
		http.Error(w, "secret "+req.Name+" not found", http.StatusNotFound)
	default:
		// NOTE: swarm secrets are immutable; delete and create again instead of PUT.
		http.Error(w, "swarm secrets cannot be updated: delete and create again", http.StatusMethodNotAllowed)
	}
}

func (p *provider) info(w http.ResponseWriter, r *http.Request) {
	var v struct{ Version, APIVersion string }
	if err := p.engine.do(r.Context(), http.MethodGet, "/version", nil, nil, &v); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, types.ProviderInfo{
		Name:          "swarm-provider",
		Orchestration: "swarm",
		Version:       &types.VersionInfo{Release: version, SHA: commit + " (engine " + v.Version + ", API " + v.APIVersion + ")"},
	})
}

// health answers 200 only while the engine answers and this node is an active swarm manager.
func (p *provider) health(w http.ResponseWriter, r *http.Request) {
	var info struct {
		Swarm struct {
			LocalNodeState   string
			ControlAvailable bool
		}
	}
	if err := p.engine.do(r.Context(), http.MethodGet, "/info", nil, nil, &info); err != nil {
		http.Error(w, "engine: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	if info.Swarm.LocalNodeState != "active" || !info.Swarm.ControlAvailable {
		http.Error(w, "not an active swarm manager: "+info.Swarm.LocalNodeState, http.StatusServiceUnavailable)
		return
	}
	_, _ = io.WriteString(w, "OK")
}

func (p *provider) namespaces(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, []string{})
}

// registryAuthHeader passes registry credentials to the engine: the deploy request's registryAuth
// (base64 "user:password", as faas-cli sends it, for the image's registry) or an X-Registry-Auth header as is.
func registryAuthHeader(r *http.Request, req deployRequest) (http.Header, error) {
	if h := r.Header.Get("X-Registry-Auth"); h != "" {
		return http.Header{"X-Registry-Auth": {h}}, nil
	}
	if req.RegistryAuth == "" {
		return nil, nil
	}
	raw, err := base64.StdEncoding.DecodeString(req.RegistryAuth)
	user, pass, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok {
		return nil, errors.New("registryAuth must be base64 of user:password")
	}
	auth, _ := json.Marshal(map[string]string{"username": user, "password": pass, "serveraddress": registryOf(req.Image)})
	return http.Header{"X-Registry-Auth": {base64.URLEncoding.EncodeToString(auth)}}, nil
}

// registryOf names the registry of an image reference, as the engine reads it (docker.io when none is named).
func registryOf(image string) string {
	first, _, ok := strings.Cut(image, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return first
	}
	return "docker.io"
}

// stopGracePeriod covers the function's drain: healthcheck_interval, then the longer of write_timeout and
// exec_timeout, plus a margin; each from the deployment's environment, or the template's defaults.
func stopGracePeriod(env map[string]string) (time.Duration, error) {
	read := func(key string, fallback time.Duration) (time.Duration, error) {
		v, ok := env[key]
		if !ok || v == "" {
			return fallback, nil
		}
		if n, err := strconv.Atoi(v); err == nil {
			return time.Duration(n) * time.Second, nil
		}
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return 0, &apiError{Status: http.StatusBadRequest, Message: fmt.Sprintf("%s=%q is not a duration", key, v)}
		}
		return d, nil
	}
	interval, err := read("healthcheck_interval", defaultHealthcheckInterval)
	if err != nil {
		return 0, err
	}
	write, err := read("write_timeout", defaultWriteTimeout)
	if err != nil {
		return 0, err
	}
	exec, err := read("exec_timeout", 0)
	if err != nil {
		return 0, err
	}
	if exec > write {
		write = exec
	}
	return interval + write + stopGraceMargin, nil
}

func validName(name string) error {
	if name == "" || strings.ContainsAny(name, "./ ") || len(name) > 63 {
		return fmt.Errorf("invalid function name %q: use letters, digits, '-' and '_' only", name)
	}
	return nil
}

func minReplicas(labels *map[string]string) (uint64, error) {
	if labels == nil {
		return 1, nil
	}
	v, ok := (*labels)[labelScaleMin]
	if !ok || v == "" {
		return 1, nil
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("label %s=%q is not a number", labelScaleMin, v)
	}
	return n, nil
}

// parseResources reads memory in docker units ("128m", "1g", "512Mi", bytes) and CPU as cores ("0.5"),
// millicores ("500m") or, as faas-swarm did, integer NanoCPUs when the number is 1000 or more.
func parseResources(res *types.FunctionResources) (*resourceAmounts, error) {
	if res == nil || (res.Memory == "" && res.CPU == "") {
		return nil, nil
	}
	out := &resourceAmounts{}
	if res.Memory != "" {
		n, err := parseMemory(res.Memory)
		if err != nil {
			return nil, err
		}
		out.MemoryBytes = n
	}
	if res.CPU != "" {
		n, err := parseCPU(res.CPU)
		if err != nil {
			return nil, err
		}
		out.NanoCPUs = n
	}
	return out, nil
}

func parseMemory(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"ki", 1 << 10}, {"mi", 1 << 20}, {"gi", 1 << 30}, {"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30},
		{"k", 1 << 10}, {"m", 1 << 20}, {"g", 1 << 30}, {"b", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return 0, &apiError{Status: http.StatusBadRequest, Message: fmt.Sprintf("memory %q is not a size", v)}
	}
	return int64(n * float64(mult)), nil
}

func parseCPU(v string) (int64, error) {
	s := strings.TrimSpace(v)
	bad := &apiError{Status: http.StatusBadRequest, Message: fmt.Sprintf("cpu %q is not a CPU amount", v)}
	if strings.HasSuffix(s, "m") {
		n, err := strconv.ParseFloat(strings.TrimSuffix(s, "m"), 64)
		if err != nil || n <= 0 {
			return 0, bad
		}
		return int64(n * 1e6), nil
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n <= 0 {
		return 0, bad
	}
	if n >= 1000 {
		return int64(n), nil
	}
	return int64(n * 1e9), nil
}

func amountsToResources(a *resourceAmounts) *types.FunctionResources {
	if a == nil {
		return nil
	}
	out := &types.FunctionResources{}
	if a.MemoryBytes > 0 {
		out.Memory = fmt.Sprintf("%dm", a.MemoryBytes>>20)
	}
	if a.NanoCPUs > 0 {
		out.CPU = strconv.FormatFloat(float64(a.NanoCPUs)/1e9, 'f', -1, 64)
	}
	return out
}

func readJSON(r *http.Request, out any) error {
	if r.Body == nil {
		return errors.New("empty body")
	}
	defer r.Body.Close()
	return json.NewDecoder(io.LimitReader(r.Body, maxRequestBodySize)).Decode(out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if errors.As(err, &ae) {
		status := ae.Status
		if status == http.StatusConflict || status == http.StatusNotFound || status == http.StatusBadRequest {
			http.Error(w, ae.Message, status)
			return
		}
		http.Error(w, ae.Message, http.StatusInternalServerError)
		return
	}
	log.Printf("swarm-provider: %v", err)
	http.Error(w, err.Error(), http.StatusInternalServerError)
}
