//go:build tools

// Package deps names the modules that only the generated code imports
// (written by .ci/go-java into oapicodegen/lrc and oaggo/lrc, never checked
// in), so that go mod tidy keeps them in go.mod and go.sum.
package deps

import (
	_ "github.com/oapi-codegen/runtime"
	_ "gopkg.in/validator.v2"
)
