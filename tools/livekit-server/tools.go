//go:build tools

// Package tools pins livekit-server so `go build` of its main package resolves from go.sum.
package tools

import _ "github.com/livekit/livekit-server/cmd/server"
