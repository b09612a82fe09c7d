package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/openfaas/faas-provider/logs"
)

// logRequester implements faas-provider's logs.Requester from the engine's service logs
// (GET /services/{id}/logs with timestamps and details), so that `faas-cli logs <fn>` works.
type logRequester struct{ p *provider }

func (l logRequester) Query(ctx context.Context, req logs.Request) (<-chan logs.Message, error) {
	svc, err := l.p.getFunction(ctx, req.Name)
	if err != nil {
		return nil, err
	}
	q := url.Values{"stdout": {"1"}, "stderr": {"1"}, "timestamps": {"1"}, "details": {"1"}}
	if req.Follow {
		q.Set("follow", "1")
	}
	if req.Tail > 0 {
		q.Set("tail", strconv.Itoa(req.Tail))
	}
	if req.Since != nil {
		q.Set("since", strconv.FormatInt(req.Since.Unix(), 10))
	}
	body, err := l.p.engine.stream(ctx, "/services/"+svc.ID+"/logs", q)
	if err != nil {
		return nil, err
	}
	out := make(chan logs.Message, 64)
	go func() {
		defer close(out)
		defer body.Close()
		r := bufio.NewReader(body)
		for {
			line, err := readFrame(r)
			if err != nil {
				return
			}
			for _, l := range strings.Split(strings.TrimRight(line, "\n"), "\n") {
				msg, ok := parseLogLine(req.Name, l)
				if !ok || (req.Instance != "" && msg.Instance != req.Instance) {
					continue
				}
				select {
				case out <- msg:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// readFrame reads one frame of the engine's multiplexed stream (8-byte header: stream, 0, 0, 0, size).
func readFrame(r *bufio.Reader) (string, error) {
	var header [8]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return "", err
	}
	size := binary.BigEndian.Uint32(header[4:])
	buf := make([]byte, size)
	if _, err := io.ReadFull(r, buf); err != nil {
		return "", err
	}
	return string(buf), nil
}

// parseLogLine reads "<RFC3339Nano> <details> <text>", details being "k=v,k=v" with the task id.
func parseLogLine(name, line string) (logs.Message, bool) {
	ts, rest, ok := strings.Cut(line, " ")
	if !ok {
		return logs.Message{}, false
	}
	when, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil {
		return logs.Message{}, false
	}
	details, text, _ := strings.Cut(rest, " ")
	instance := ""
	for _, kv := range strings.Split(details, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok && k == "com.docker.swarm.task.id" {
			instance = v
		}
	}
	if instance == "" && !strings.Contains(details, "=") {
		// NOTE: no details part (older engines): the whole rest is the text.
		text = rest
	}
	return logs.Message{Name: name, Instance: instance, Timestamp: when, Text: text}, true
}

// logs answers 404 for a name that is not one of this provider's functions, then streams.
func (p *provider) logsHandler(timeout time.Duration) http.HandlerFunc {
	inner := logs.NewLogHandlerFunc(logRequester{p}, timeout)
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.URL.Query().Get("name")
		if _, err := p.getFunction(r.Context(), name); err != nil {
			writeError(w, err)
			return
		}
		inner(w, r)
	}
}

// stream sends a GET and hands back the body of a 2xx answer.
func (e *engine) stream(ctx context.Context, path string, query url.Values) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.base+path+"?"+query.Encode(), nil)
	if err != nil {
		return nil, err
	}
	res, err := e.streaming.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode/100 != 2 {
		data, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		res.Body.Close()
		return nil, &apiError{Status: res.StatusCode, Message: fmt.Sprintf("logs: %s", strings.TrimSpace(string(data)))}
	}
	return res.Body, nil
}
