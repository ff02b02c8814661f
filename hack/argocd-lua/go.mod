module streampipeline.io/argocd-health

go 1.24

// gopher-lua, the Lua 5.1 VM Argo CD embeds; v1.1.1 is its latest release.
require github.com/yuin/gopher-lua v1.1.1
