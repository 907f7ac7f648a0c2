// Command pulumi-language-python is a small Python language host for
// stackguard's offline end-to-end tests.
//
// The Pulumi CLI starts a language host to run a Python program
// (LanguageRuntime.Run) or a Python policy pack (LanguageRuntime.RunPlugin).
// The standard host is a separate Go module that the module proxy reachable
// from the test machines does not serve, so `scripts/install-pulumi-cli`
// builds this one next to the real `pulumi` binary. It implements the calls a
// `pulumi preview` makes, using only the gRPC protocol from sdk/v3:
//
//   - Run: `<python> pulumi-language-python-exec --monitor ... <program>`, with
//     stack config in PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS;
//   - RunPlugin (policy packs): `<python> -u -m pulumi.policy <args> <pack dir>`,
//     cwd = pack dir, output streamed back to the engine;
//   - no required plugins are reported: the engine loads a resource provider
//     the first time the program registers one of its resources.
//
// The interpreter is `<root>/<virtualenv>/bin/python` when the project's
// runtime options name a virtualenv, else $PULUMI_PYTHON_CMD, else python3 on
// PATH. Users of stackguard run their normal Pulumi installation instead.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Set with -ldflags "-X main.version=..." by scripts/install-pulumi-cli.
var version = "0.0.0-dev"

const execScript = "pulumi-language-python-exec"

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu     sync.Mutex
	engine string // the engine's address, for programs that log through it
}

func main() {
	for _, arg := range os.Args[1:] {
		if arg == "-version" || arg == "--version" {
			fmt.Println(version)
			return
		}
	}
	host := &languageHost{engine: engineArg(os.Args[1:])}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
	server := grpc.NewServer(grpc.MaxRecvMsgSize(400 << 20))
	pulumirpc.RegisterLanguageRuntimeServer(server, host)
	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", listener.Addr().(*net.TCPAddr).Port)
	if err := server.Serve(listener); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-python: %v\n", err)
		os.Exit(1)
	}
}

// engineArg returns the first positional argument (the engine address), skipping flags.
func engineArg(args []string) string {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if strings.HasPrefix(arg, "-") {
			if !strings.Contains(arg, "=") && i+1 < len(args) && arg != "-logtostderr" && arg != "--logtostderr" {
				i++ // a flag with a separate value, such as -tracing <endpoint>
			}
			continue
		}
		return arg
	}
	return ""
}

func (h *languageHost) engineAddress() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engine
}

func (h *languageHost) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	h.engine = req.GetEngineAddress()
	h.mu.Unlock()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *languageHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *languageHost) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

// InstallDependencies has nothing to do: the tests install packages with pip beforehand.
func (h *languageHost) InstallDependencies(*pulumirpc.InstallDependenciesRequest,
	grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse]) error {
	return nil
}

func (h *languageHost) About(_ context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	python := interpreter(req.GetInfo())
	out, err := exec.Command(python, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running %s --version: %w", python, err)
	}
	return &pulumirpc.AboutResponse{Executable: python, Version: strings.TrimPrefix(strings.TrimSpace(string(out)), "Python ")}, nil
}

// interpreter picks the Python that runs programs and packs.
func interpreter(info *pulumirpc.ProgramInfo) string {
	if info != nil && info.GetOptions() != nil {
		if venv, ok := info.GetOptions().AsMap()["virtualenv"].(string); ok && venv != "" {
			if !filepath.IsAbs(venv) {
				venv = filepath.Join(info.GetRootDirectory(), venv)
			}
			return filepath.Join(venv, "bin", "python")
		}
	}
	if python := os.Getenv("PULUMI_PYTHON_CMD"); python != "" {
		return python
	}
	return "python3"
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := []string{filepath.Join(filepath.Dir(self), execScript)}
	for _, flag := range [][2]string{
		{"monitor", req.GetMonitorAddress()},
		{"engine", h.engineAddress()},
		{"project", req.GetProject()},
		{"stack", req.GetStack()},
		{"organization", req.GetOrganization()},
		{"root_directory", req.GetInfo().GetRootDirectory()},
		{"pwd", req.GetPwd()},
		{"dry_run", strconv.FormatBool(req.GetDryRun())},
		{"parallel", strconv.Itoa(int(req.GetParallel()))},
	} {
		if flag[1] != "" {
			args = append(args, "--"+flag[0], flag[1])
		}
	}
	args = append(args, req.GetInfo().GetEntryPoint())
	args = append(args, req.GetArgs()...)

	stackConfig := req.GetConfig()
	if stackConfig == nil {
		stackConfig = map[string]string{} // the exec script expects an object, never null
	}
	config, err := json.Marshal(stackConfig)
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secrets, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, interpreter(req.GetInfo()), args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = append(os.Environ(), "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secrets))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if exitErr, ok := err.(*exec.ExitError); ok {
			// The program already reported its error through the engine.
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with code %d", exitErr.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the program: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// streamWriter forwards a child's output to the engine; gRPC streams need one sender at a time.
type streamWriter struct {
	mu     *sync.Mutex
	stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]
	stderr bool
}

func (w streamWriter) Write(p []byte) (int, error) {
	chunk := append([]byte(nil), p...)
	response := &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: chunk}}
	if w.stderr {
		response = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: chunk}}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.stream.Send(response); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (h *languageHost) RunPlugin(req *pulumirpc.RunPluginRequest,
	stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]) error {
	dir := req.GetInfo().GetProgramDirectory()
	var args []string
	if req.GetKind() == "analyzer" {
		args = append([]string{"-u", "-m", "pulumi.policy"}, req.GetArgs()...)
		args = append(args, dir)
	} else {
		args = append([]string{dir}, req.GetArgs()...)
	}
	cmd := exec.CommandContext(stream.Context(), interpreter(req.GetInfo()), args...)
	cmd.Dir = dir
	if req.GetKind() != "analyzer" && req.GetPwd() != "" {
		cmd.Dir = req.GetPwd()
	}
	cmd.Env = append(os.Environ(), req.GetEnv()...)
	var mu sync.Mutex
	cmd.Stdout = streamWriter{mu: &mu, stream: stream}
	cmd.Stderr = streamWriter{mu: &mu, stream: stream, stderr: true}
	code := 0
	if err := cmd.Run(); err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok {
			return err
		}
		code = exitErr.ExitCode()
	}
	mu.Lock()
	defer mu.Unlock()
	return stream.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(code)}})
}

var _ io.Writer = streamWriter{}
