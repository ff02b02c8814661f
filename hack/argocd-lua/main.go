// Command argocd-health runs an Argo CD resource health check (a Lua script) on one Kubernetes object the way
// Argo CD's application controller does: gopher-lua (Lua 5.1), with only the package, base and table libraries
// opened (Argo CD's default for resource.customizations; string, math, io and debug are absent), the object as
// the global `obj`, a one-second limit, and the returned table read as {status, message}.
//
// Usage: argocd-health SCRIPT.lua < OBJECT.json; prints {"status":"...","message":"..."}; exit 1 on a script
// error, a non-table result or a status Argo CD does not know.
//
// Argo CD's safe `os` subset is not provided: a health check of ours has no use for the clock.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	lua "github.com/yuin/gopher-lua"
)

var knownStatuses = map[string]bool{
	"Unknown": true, "Progressing": true, "Suspended": true, "Healthy": true, "Degraded": true, "Missing": true,
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: argocd-health SCRIPT.lua < OBJECT.json")
	}
	script, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err.Error())
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err.Error())
	}
	var object map[string]interface{}
	if err := json.Unmarshal(input, &object); err != nil {
		fail("object: " + err.Error())
	}
	status, message, err := health(string(script), object)
	if err != nil {
		fail(err.Error())
	}
	out, _ := json.Marshal(map[string]string{"status": status, "message": message})
	fmt.Println(string(out))
}

func health(script string, object map[string]interface{}) (string, string, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for name, open := range map[string]lua.LGFunction{
		lua.LoadLibName: lua.OpenPackage, lua.BaseLibName: lua.OpenBase, lua.TabLibName: lua.OpenTable,
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(open), NRet: 0, Protect: true}, lua.LString(name)); err != nil {
			return "", "", err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("obj", toLua(l, object))
	if err := l.DoString(script); err != nil {
		return "", "", err
	}
	result, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		return "", "", fmt.Errorf("expect table output from Lua script, not %s", l.Get(-1).Type())
	}
	status := lua.LVAsString(result.RawGetString("status"))
	if !knownStatuses[status] {
		return "", "", fmt.Errorf("Lua returned an invalid health status %q", status)
	}
	return status, lua.LVAsString(result.RawGetString("message")), nil
}

// toLua converts decoded JSON as Argo CD converts an unstructured object: numbers to Lua numbers, arrays to
// sequences, objects to tables, null to nil.
func toLua(l *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case bool:
		return lua.LBool(v)
	case float64:
		return lua.LNumber(v)
	case string:
		return lua.LString(v)
	case []interface{}:
		table := l.CreateTable(len(v), 0)
		for _, item := range v {
			table.Append(toLua(l, item))
		}
		return table
	case map[string]interface{}:
		table := l.CreateTable(0, len(v))
		for key, item := range v {
			table.RawSetH(lua.LString(key), toLua(l, item))
		}
		return table
	}
	return lua.LNil
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "argocd-health: "+message)
	os.Exit(1)
}
