package main

import (
	"testing"

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
