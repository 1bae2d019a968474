package packaging

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/appconfigd/appconfigd/internal/apptest"
)

// testVersion is the version of the package the test builds, by which it
// knows its own installation.
const testVersion = "1.2.3~test"

// buildDeb builds the Debian package with packaging/build-deb.sh into a
// temporary directory and returns its path.
func buildDeb(t *testing.T) string {
	t.Helper()
	apptest.NeedCommand(t, "dpkg-deb", "install Debian's dpkg")
	out := t.TempDir()
	cmd := exec.Command("bash", "build-deb.sh", out)
	cmd.Env = append(os.Environ(), "VERSION="+testVersion)
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("build-deb.sh: %v\n%s", err, stderrOf(err))
	}
	deb := strings.TrimSpace(string(b))
	if filepath.Dir(deb) != out || !strings.HasPrefix(filepath.Base(deb), "appconfigd_"+testVersion+"_") {
		t.Fatalf("build-deb.sh printed %q; want a package appconfigd_%s_ARCH.deb in %s", deb, testVersion, out)
	}
	return deb
}

// stderrOf returns what a failed command wrote to stderr.
func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// run runs a command and returns its combined output, failing the test
// when it fails.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestDebianPackage builds the package, checks what it holds, installs it
// with dpkg on this machine, checks the systemd unit with systemd-analyze
// and runs the installed binary, as the package's user and with its
// configuration file, against the AWS CLI. Installing needs root; CI runs
// as root.
func TestDebianPackage(t *testing.T) {
	deb := buildDeb(t)

	t.Run("HoldsTheBinaryUnitConfigurationAndCopyright", func(t *testing.T) {
		contents := run(t, "dpkg-deb", "--contents", deb)
		for _, want := range []string{
			"-rwxr-xr-x root/root .* ./usr/bin/appconfigd\n",
			"-rw-r--r-- root/root .* ./usr/lib/systemd/system/appconfigd.service\n",
			"-rw-r--r-- root/root .* ./usr/lib/sysusers.d/appconfigd.conf\n",
			"-rw-r--r-- root/root .* ./etc/appconfigd/appconfigd.yaml\n",
			"-rw-r--r-- root/root .* ./usr/share/doc/appconfigd/copyright\n",
		} {
			if !regexp.MustCompile(want).MatchString(contents) {
				t.Errorf("the package holds no file like %q:\n%s", want, contents)
			}
		}
		if got, want := run(t, "dpkg-deb", "--field", deb, "Package", "Version"), "Package: appconfigd\nVersion: "+testVersion+"\n"; got != want {
			t.Errorf("control fields = %q; want %q", got, want)
		}
		if got := run(t, "dpkg-deb", "--ctrl-tarfile", deb); !strings.Contains(got, "conffiles") {
			t.Error("the package marks no configuration file")
		}
	})

	if os.Getuid() != 0 {
		apptest.Missing(t, "installing the package needs root (dpkg -i)")
	}
	apptest.NeedCommand(t, "dpkg", "install Debian's dpkg")
	if _, err := os.Stat("/usr/bin/appconfigd"); err == nil {
		// A run that was killed leaves its package behind; anything
		// else is somebody's installation, which the test must not touch.
		installed, _ := exec.Command("dpkg-query", "--show", "--showformat=${Version}", "appconfigd").Output()
		if string(installed) != testVersion {
			t.Fatalf("/usr/bin/appconfigd exists already (package version %q); this test installs the package and must not replace another installation", installed)
		}
		uninstall(t)
	}
	t.Cleanup(func() { uninstall(t) })
	run(t, "dpkg", "-i", deb)

	t.Run("MadeTheUserAndItsDataDirectory", func(t *testing.T) {
		if out := run(t, "getent", "passwd", "appconfigd"); !strings.Contains(out, ":/var/lib/appconfigd:") || !strings.HasSuffix(strings.TrimSpace(out), "nologin") {
			t.Errorf("getent passwd appconfigd = %q; want a system user with home /var/lib/appconfigd and no login shell", out)
		}
		info, err := os.Stat("/var/lib/appconfigd")
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != 0o700 {
			t.Errorf("/var/lib/appconfigd mode %v; want 0700", info.Mode().Perm())
		}
	})

	t.Run("UnitPassesSystemdAnalyze", func(t *testing.T) {
		analyze := apptest.NeedCommand(t, "systemd-analyze", "install Debian's systemd")
		unit := "/usr/lib/systemd/system/appconfigd.service"
		// verify exits 0 on unknown keys, only warning: no output is the
		// pass.
		if out := run(t, analyze, "verify", "--man=no", unit); out != "" {
			t.Errorf("systemd-analyze verify: %s", out)
		}
		out := run(t, analyze, "security", "--offline=true", unit)
		m := regexp.MustCompile(`Overall exposure level for appconfigd.service: ([0-9.]+)`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("systemd-analyze security printed no exposure level:\n%s", out)
		}
		if level, _ := strconv.ParseFloat(m[1], 64); level > 2 {
			t.Errorf("exposure level %s; want at most 2 (OK) from a hardened unit:\n%s", m[1], out)
		}
	})

	t.Run("ServesTheAWSCLIAsItsUser", func(t *testing.T) {
		aws := apptest.NeedCommand(t, "aws", "install the AWS CLI (Debian's awscli)")
		if out := run(t, "/usr/bin/appconfigd", "version"); !strings.HasPrefix(out, "appconfigd ") {
			t.Errorf("appconfigd version = %q", out)
		}
		url := startInstalled(t)
		var key struct {
			Keys []struct {
				AccessKeyID     string `json:"accessKeyId"`
				SecretAccessKey string `json:"secretAccessKey"`
			} `json:"keys"`
		}
		b, err := os.ReadFile("/var/lib/appconfigd/admin-key.json")
		if err != nil || json.Unmarshal(b, &key) != nil || len(key.Keys) != 1 {
			t.Fatalf("the generated admin key: %v, %s", err, b)
		}
		awsCLI := func(args ...string) string {
			t.Helper()
			cmd := exec.Command(aws, append([]string{"appconfig", "--endpoint-url", url, "--output", "json"}, args...)...)
			cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID="+key.Keys[0].AccessKeyID, "AWS_SECRET_ACCESS_KEY="+key.Keys[0].SecretAccessKey,
				"AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("aws appconfig %s: %v\n%s", strings.Join(args, " "), err, out)
			}
			return string(out)
		}
		awsCLI("create-application", "--name", "packaged")
		if out := awsCLI("list-applications"); !strings.Contains(out, `"Name": "packaged"`) {
			t.Errorf("list-applications = %s; want the application just made", out)
		}
		entries, err := os.ReadDir("/var/lib/appconfigd")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			info, err := os.Stat(filepath.Join("/var/lib/appconfigd", e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if st := info.Sys().(*syscall.Stat_t); st.Uid == 0 {
				t.Errorf("/var/lib/appconfigd/%s belongs to root; want the appconfigd user", e.Name())
			}
		}
	})
}

// uninstall purges the package and removes what purging keeps, the data
// and the user, as a package should, so that the machine is as it was.
func uninstall(t *testing.T) {
	t.Helper()
	if out, err := exec.Command("dpkg", "--purge", "appconfigd").CombinedOutput(); err != nil {
		t.Errorf("dpkg --purge: %v\n%s", err, out)
	}
	_ = os.RemoveAll("/var/lib/appconfigd")
	_ = os.RemoveAll("/etc/appconfigd")
	_ = exec.Command("userdel", "appconfigd").Run()
	_ = exec.Command("groupdel", "appconfigd").Run()
}

// startInstalled runs the installed server as the appconfigd user with
// the package's configuration file, on a port of its choosing
// (APPCONFIGD_LISTEN comes before the file), and returns its URL. It
// stops it when the test ends.
func startInstalled(t *testing.T) string {
	t.Helper()
	setpriv := apptest.NeedCommand(t, "setpriv", "install Debian's util-linux")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, setpriv, "--reuid=appconfigd", "--regid=appconfigd", "--init-groups",
		"/usr/bin/appconfigd", "serve", "--config", "/etc/appconfigd/appconfigd.yaml")
	cmd.Dir = "/var/lib/appconfigd"
	cmd.Env = append(os.Environ(), "APPCONFIGD_LISTEN=127.0.0.1:0")
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr apptest.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), "AppConfigData on "); ok {
				found <- url
			}
		}
		close(found)
	}()
	select {
	case url, ok := <-found:
		if !ok {
			t.Fatalf("the installed server stopped before serving; stderr:\n%s", stderr.String())
		}
		return url
	case <-time.After(30 * time.Second):
		t.Fatalf("the installed server did not start within 30s; stderr:\n%s", stderr.String())
	}
	return ""
}
