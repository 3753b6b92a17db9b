//go:build tools

// Keeps Argo CD's command package (a main package, so it is never compiled
// here) in this module's graph, so `go mod tidy` records every module the
// build in tools/build-argocd.sh needs.
package tools

import _ "github.com/argoproj/argo-cd/v3/cmd"
