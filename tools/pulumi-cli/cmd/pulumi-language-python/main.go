// Command pulumi-language-python is a small Python language host for the Pulumi engine.
//
// Why it exists: the Go module proxy reachable from our machines serves the Pulumi CLI
// (github.com/pulumi/pulumi/pkg/v3) and SDK (sdk/v3) but refuses every version of the upstream
// language host module (sdk/python/cmd/pulumi-language-python/v3 has no tags, and the proxy
// answers 403 to list, latest and commit queries). This host implements the parts of the
// LanguageRuntime gRPC service that `pulumi preview/up/refresh/destroy` need for a Python
// program and hands the actual program run to Pulumi's own `pulumi-language-python-exec`
// script (shipped in the sdk/v3 module), exactly as the upstream host does.
//
// What it does not do: dependency installation (`pulumi install`), program generation,
// packing or linking. Users with a regular Pulumi install never run this binary.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "3.274.1"

// Exit code the exec script uses after it has already shown the user an actionable message.
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	execScript string
	alive      context.Context

	mu       sync.Mutex
	programs map[*exec.Cmd]struct{}
}

// killPrograms kills the programs still running.
func (h *host) killPrograms() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for cmd := range h.programs {
		if cmd.Process != nil {
			_ = cmd.Process.Kill()
		}
	}
}

func (h *host) track(cmd *exec.Cmd, running bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.programs == nil {
		h.programs = map[*exec.Cmd]struct{}{}
	}
	if running {
		h.programs[cmd] = struct{}{}
	} else {
		delete(h.programs, cmd)
	}
}

func main() {
	// The engine may pass logging and tracing flags before the engine address; glog (linked in
	// through the SDK) already defines -logtostderr and -v, so only the others are declared here.
	for _, name := range []string{"tracing", "root"} {
		if flag.Lookup(name) == nil {
			flag.String(name, "", "accepted for compatibility with the engine; unused")
		}
	}
	if flag.Lookup("logflow") == nil {
		flag.Bool("logflow", false, "accepted for compatibility with the engine; unused")
	}
	flag.Parse()

	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
	// alive is cancelled when the engine goes away (or on Ctrl-C): the server stops and every
	// program this host started is killed, so nothing of ours outlives a killed CLI.
	alive, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h := &host{
		execScript: filepath.Join(filepath.Dir(exe), "pulumi-language-python-exec"),
		alive:      alive,
	}
	if engine := engineAddress(); engine != "" {
		// The check upstream plugins use, polled every second instead of every five minutes:
		// a killed CLI must not leave this host (and the program it runs) behind for minutes.
		if err := rpcutil.Healthcheck(alive, engine, engineCheckInterval, stop); err != nil {
			fmt.Fprintf(os.Stderr, "pulumi-language-python: engine health check: %v\n", err)
			os.Exit(1)
		}
	}
	cancelServe := make(chan bool)
	go func() {
		<-alive.Done()
		close(cancelServe)
	}()

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelServe,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("%d\n", handle.Port)
	select {
	case err := <-handle.Done:
		if err != nil {
			fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
			os.Exit(1)
		}
	case <-alive.Done():
		// The engine is gone: a graceful stop could wait forever on a running program.
		h.killPrograms()
		os.Exit(1)
	}
}

// engineCheckInterval is how often the host asks whether the engine is still there.
const engineCheckInterval = time.Second

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *host) Handshake(
	context.Context, *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// Python dynamic providers need no plugin besides the engine's own `pulumi-python` shim.
func (h *host) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetProgramDependencies(
	context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *host) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *host) About(_ context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	python := pythonFor(req.GetInfo())
	out, err := exec.Command(python, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running %s --version: %w", python, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: python,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "Python "),
	}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (h *host) InstallDependencies(
	*pulumirpc.InstallDependenciesRequest, grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	return errors.New("this language host does not install dependencies: " +
		"create the virtualenv named in Pulumi.yaml and pip install the requirements yourself")
}

// pythonFor picks the interpreter the way the upstream host does for the pip toolchain:
// the project's `virtualenv` option when set, else PULUMI_PYTHON_CMD, else python3.
func pythonFor(info *pulumirpc.ProgramInfo) string {
	if venv := virtualenvFor(info); venv != "" {
		return filepath.Join(venv, "bin", "python")
	}
	if cmd := os.Getenv("PULUMI_PYTHON_CMD"); cmd != "" {
		return cmd
	}
	return "python3"
}

// virtualenvFor is the absolute path of the project's `virtualenv` option, or "".
func virtualenvFor(info *pulumirpc.ProgramInfo) string {
	if info == nil || info.GetOptions() == nil {
		return ""
	}
	v, ok := info.GetOptions().GetFields()["virtualenv"]
	if !ok || v.GetStringValue() == "" {
		return ""
	}
	venv := v.GetStringValue()
	if !filepath.IsAbs(venv) {
		venv = filepath.Join(info.GetRootDirectory(), venv)
	}
	return filepath.Clean(venv)
}

// activate returns env with the virtualenv activated the way `bin/activate` does it
// (VIRTUAL_ENV set, its bin first on PATH, PYTHONHOME unset), so that tools the program
// starts find the virtualenv's executables too.
func activate(env []string, venv string) []string {
	out := make([]string, 0, len(env)+2)
	path := ""
	for _, kv := range env {
		switch {
		case strings.HasPrefix(kv, "PATH="):
			path = strings.TrimPrefix(kv, "PATH=")
		case strings.HasPrefix(kv, "VIRTUAL_ENV="), strings.HasPrefix(kv, "PYTHONHOME="):
		default:
			out = append(out, kv)
		}
	}
	bin := filepath.Join(venv, "bin")
	if path != "" {
		bin += string(os.PathListSeparator) + path
	}
	return append(out, "VIRTUAL_ENV="+venv, "PATH="+bin)
}

// missingVirtualenv is the one line shown when the project's virtualenv has no python.
func missingVirtualenv(venv string) string {
	return fmt.Sprintf("error: the virtualenv %s named in Pulumi.yaml (runtime.options.virtualenv) "+
		"has no bin/python: create it with `python3 -m venv %s` and install the program's "+
		"requirements into it (in this repo: `make bootstrap`)", venv, venv)
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	program := req.GetProgram()
	if info != nil && info.GetProgramDirectory() != "" {
		program = filepath.Join(info.GetProgramDirectory(), info.GetEntryPoint())
	}
	if program == "" {
		program = "."
	}

	args := []string{
		"-u", h.execScript,
		"--monitor", req.GetMonitorAddress(),
		"--project", req.GetProject(),
		"--stack", req.GetStack(),
		"--pwd", req.GetPwd(),
		"--dry_run", strconv.FormatBool(req.GetDryRun()),
		"--parallel", strconv.Itoa(int(req.GetParallel())),
	}
	if engine := engineAddress(); engine != "" {
		args = append(args, "--engine", engine)
	}
	if req.GetOrganization() != "" {
		args = append(args, "--organization", req.GetOrganization())
	}
	if info != nil && info.GetRootDirectory() != "" {
		args = append(args, "--root_directory", info.GetRootDirectory())
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	configMap := req.GetConfig()
	if configMap == nil {
		configMap = map[string]string{}
	}
	config, err := json.Marshal(configMap)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}

	env := os.Environ()
	if venv := virtualenvFor(info); venv != "" {
		if _, err := os.Stat(filepath.Join(venv, "bin", "python")); err != nil {
			fmt.Fprintln(os.Stderr, missingVirtualenv(venv))
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		env = activate(env, venv)
	}

	// Killed when the request ends or the engine goes away (h.alive).
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	defer context.AfterFunc(h.alive, cancelRun)()
	cmd := exec.CommandContext(runCtx, pythonFor(info), args...)
	cmd.Dir = req.GetPwd()
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = append(env,
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
	)
	// The program stays in the engine's process group, so a kill of that group ends it too.
	if err := cmd.Start(); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	h.track(cmd, true)
	err = cmd.Wait()
	h.track(cmd, false)
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if status, ok := exitErr.Sys().(syscall.WaitStatus); ok {
				if status.ExitStatus() == exitAfterUserMessage {
					return &pulumirpc.RunResponse{Bail: true}, nil
				}
				return &pulumirpc.RunResponse{
					Error: fmt.Sprintf("Program exited with non-zero exit code: %d", status.ExitStatus()),
				}, nil
			}
		}
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// engineAddress is the positional argument the engine starts every plugin with.
func engineAddress() string {
	if flag.NArg() > 0 {
		return flag.Arg(0)
	}
	return ""
}
