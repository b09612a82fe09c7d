//go:build tools

// Package tools pins the OpenFaaS programs built by install.sh (go build <module path>), so that go.mod and
// go.sum hold their exact versions.
package tools

import (
	_ "github.com/openfaas/faas-cli"
	_ "github.com/openfaas/faas/gateway"
)
