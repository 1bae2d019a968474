package conformance

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// buildBinary builds cmd/appconfigd into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool := apptest.NeedCommand(t, "go", "put the go command on PATH to build the binary these tests run")
	bin := filepath.Join(t.TempDir(), "appconfigd")
	cmd := exec.Command(goTool, "build", "-o", bin, "github.com/appconfigd/appconfigd/cmd/appconfigd")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/appconfigd: %v\n%s", err, out)
	}
	return bin
}

// process is a running appconfigd binary.
type process struct {
	cmd    *exec.Cmd
	url    string
	stderr *apptest.Buffer
}

// servingLine is the first line the binary prints on stdout
// (cmd/appconfigd/daemon/command.go).
var servingLine = regexp.MustCompile(`^appconfigd is serving AppConfig and AppConfigData on (http://\S+)$`)

// startBinary starts the binary on 127.0.0.1:0 with the given data
// directory and extra flags, and returns once it has printed its endpoint.
// The process is killed when the test ends if it is still running.
func startBinary(t *testing.T, bin, dataDir string, flags ...string) *process {
	t.Helper()
	p := &process{stderr: &apptest.Buffer{}}
	p.cmd = exec.Command(bin, append([]string{"--listen", "127.0.0.1:0", "--data", dataDir}, flags...)...)
	p.cmd.Env = append(os.Environ(),
		"APPCONFIGD_ADMIN_ACCESS_KEY_ID="+accessKeyID,
		"APPCONFIGD_ADMIN_SECRET_ACCESS_KEY="+secretAccessKey)
	p.cmd.Stderr = p.stderr
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("stdout pipe: %v", err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
		if t.Failed() {
			t.Logf("appconfigd (pid %d) stderr:\n%s", p.cmd.Process.Pid, p.stderr.String())
		}
	})

	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, r) // keep the pipe drained
	}()
	select {
	case line := <-lines:
		m := servingLine.FindStringSubmatch(strings.TrimRight(line, "\r\n"))
		if m == nil {
			t.Fatalf("first stdout line = %q; want it to match %s\nstderr:\n%s", line, servingLine, p.stderr.String())
		}
		p.url = m[1]
	case <-time.After(15 * time.Second):
		t.Fatalf("appconfigd printed no endpoint within 15s\nstderr:\n%s", p.stderr.String())
	}
	return p
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would.
func (p *process) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	_ = p.cmd.Wait() // "signal: killed"
}

// TestBinary runs the main flow against the built binary, kills it with
// SIGKILL, restarts it on the same data directory, and checks that data
// and outstanding configuration tokens survived.
func TestBinary(t *testing.T) {
	t.Parallel()
	bin := buildBinary(t)
	dataDir := t.TempDir()
	const (
		content     = `{"limit":100}`
		contentType = "application/json"
	)

	first := startBinary(t, bin, dataDir)
	control, data := newControlClient(first.url), newDataClient(first.url)

	fx := newFixture(t, control)
	version := createVersion(t, control, fx.app, fx.profile, []byte(content), contentType, "v1")
	started := startDeployment(t, control, fx, fmt.Sprint(version), "AppConfig.AllAtOnce")
	if started.State != types.DeploymentStateDeploying || aws.ToFloat32(started.PercentageComplete) != 0 {
		t.Errorf("StartDeployment = %s at %s%%; want DEPLOYING at 0%%", started.State, deref(started.PercentageComplete))
	}

	unusedInitial := startSession(t, data, fx, 0)
	out := poll(t, data, startSession(t, data, fx, 0))
	checkConfiguration(t, out, []byte(content), contentType, "v1")
	unusedNext := aws.ToString(out.NextPollConfigurationToken)

	first.kill(t)
	second := startBinary(t, bin, dataDir)
	if second.url == first.url {
		t.Logf("the restarted server got the same endpoint %s", second.url)
	}
	control, data = newControlClient(second.url), newDataClient(second.url)

	t.Run("DataSurvives", func(t *testing.T) {
		app, err := control.GetApplication(ctx(t), &appconfig.GetApplicationInput{ApplicationId: aws.String(fx.app)})
		if err != nil {
			t.Fatalf("GetApplication after restart: %v", err)
		}
		if got := aws.ToString(app.Name); got != "app" {
			t.Errorf("application Name = %q; want %q", got, "app")
		}
		v, err := control.GetHostedConfigurationVersion(ctx(t), &appconfig.GetHostedConfigurationVersionInput{
			ApplicationId:          aws.String(fx.app),
			ConfigurationProfileId: aws.String(fx.profile),
			VersionNumber:          aws.Int32(version),
		})
		if err != nil {
			t.Fatalf("GetHostedConfigurationVersion after restart: %v", err)
		}
		if string(v.Content) != content || aws.ToString(v.ContentType) != contentType || aws.ToString(v.VersionLabel) != "v1" {
			t.Errorf("version after restart = {%q %q %q}; want {%q %q v1}", v.Content, aws.ToString(v.ContentType), aws.ToString(v.VersionLabel), content, contentType)
		}
		d := getDeployment(t, control, fx, started.DeploymentNumber)
		if d.State != types.DeploymentStateBaking {
			t.Errorf("deployment State after restart = %s; want BAKING (the 10-minute bake is still running)", d.State)
		}
		if got, want := environmentState(t, control, fx), "Deploying"; got != want {
			t.Errorf("environment State after restart = %q; want %q", got, want)
		}
	})

	// The client already has version 1: the next token issued before the
	// kill still works and returns nothing new.
	t.Run("NextTokenSurvives", func(t *testing.T) {
		out := poll(t, data, unusedNext)
		checkConfiguration(t, out, nil, contentType, "")
	})

	t.Run("InitialTokenSurvives", func(t *testing.T) {
		out := poll(t, data, unusedInitial)
		checkConfiguration(t, out, []byte(content), contentType, "v1")
	})

	t.Run("NewSession", func(t *testing.T) {
		out := poll(t, data, startSession(t, data, fixture{app: "app", env: "env", profile: "profile"}, 0))
		checkConfiguration(t, out, []byte(content), contentType, "v1")
	})
}
