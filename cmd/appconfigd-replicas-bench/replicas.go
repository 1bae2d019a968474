package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// replicaNames names replicas in output: A is the one deployments are
// started through.
const replicaNames = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// schema is a PostgreSQL schema of the bench's own.
type schema struct {
	base  string // the URL the bench was given
	name  string
	ident string
	// dsn is base with search_path selecting the schema.
	dsn string
}

// createSchema creates an empty schema in the database base names.
func createSchema(ctx context.Context, base string) (*schema, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("parse --database-url: %w", err)
	}
	s := &schema{base: base, name: "appconfigd_bench_" + strings.ToLower(rand.Text())}
	s.ident = pgx.Identifier{s.name}.Sanitize()
	q := u.Query()
	q.Set("search_path", s.name) // pgx passes it on as a runtime parameter
	u.RawQuery = q.Encode()
	s.dsn = u.String()
	if err := adminExec(ctx, base, "CREATE SCHEMA "+s.ident); err != nil {
		return nil, fmt.Errorf("create schema %s: %w", s.name, err)
	}
	return s, nil
}

// drop drops the schema and everything in it.
func (s *schema) drop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := adminExec(ctx, s.base, "DROP SCHEMA "+s.ident+" CASCADE"); err != nil {
		return fmt.Errorf("drop schema %s: %w", s.name, err)
	}
	return nil
}

// adminExec runs one statement on a connection of its own.
func adminExec(ctx context.Context, dsn, statement string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, statement)
	return err
}

// replica is one appconfigd child process.
type replica struct {
	child
	name string // as reports name it
	dir  string // its data directory, removed when it stops
}

// servingLine is the first line appconfigd prints on stdout.
var servingLine = regexp.MustCompile(`^appconfigd is serving AppConfig and AppConfigData on (http://\S+)`)

// startReplica starts bin on 127.0.0.1:0 with a data directory of its own
// and the shared database, copies its standard error, line by line with
// its name in front, to logs, and returns once it has printed its endpoint.
func startReplica(ctx context.Context, name, bin, dsn string, extra []string, logs io.Writer) (*replica, error) {
	dir, err := os.MkdirTemp("", "appconfigd-replicas-bench-")
	if err != nil {
		return nil, err
	}
	args := append([]string{"--listen", "127.0.0.1:0", "--data", dir, "--database-url", dsn, "--log-level", "warn"}, extra...)
	r := &replica{name: name, dir: dir, child: child{label: "replica " + name, cmd: exec.Command(bin, args...)}}
	// Replicas sharing a database must share their keys: left alone,
	// each would generate an admin key of its own.
	id, secret := benchKey()
	r.cmd.Env = append(os.Environ(), "APPCONFIGD_ADMIN_ACCESS_KEY_ID="+id, "APPCONFIGD_ADMIN_SECRET_ACCESS_KEY="+secret)
	r.cmd.Stderr = &prefixWriter{prefix: r.label + ": ", w: logs}
	if err := r.start(ctx, servingLine, "endpoint"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return r, nil
}

// defaultServerFlags returns the flags every replica gets besides
// --listen, --data, --database-url and --log-level: --rate-limit=0 when
// the binary has that flag (its default limit of 1000 requests per second
// per access key would cap the throughput measurement) and the user did
// not set it.
func defaultServerFlags(ctx context.Context, bin string, user []string) ([]string, error) {
	out, err := exec.CommandContext(ctx, bin, "help").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%s help: %w\n%s", bin, err, out)
	}
	for _, f := range user {
		if strings.HasPrefix(strings.TrimLeft(f, "-"), "rate-limit") {
			return user, nil
		}
	}
	if bytes.Contains(out, []byte("-rate-limit")) {
		return append([]string{"--rate-limit=0"}, user...), nil
	}
	return user, nil
}

// pid returns the process ID.
// stop ends the process (child.stop) and removes its data directory.
func (r *replica) stop() error {
	defer os.RemoveAll(r.dir)
	return r.child.stop()
}

// prefixWriter writes each line with a prefix.
type prefixWriter struct {
	mu     sync.Mutex
	prefix string
	w      io.Writer
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf[:i])
		p.buf = p.buf[i+1:]
	}
}

// cpuTime returns the user plus system CPU time process pid has used, from
// /proc/PID/stat (Linux only).
func cpuTime(pid int) (time.Duration, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// Fields after the command name, which is in parentheses, start at
	// field 3; utime and stime are fields 14 and 15, in USER_HZ (100)
	// ticks.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	f := bytes.Fields(raw[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("parse /proc/%d/stat", pid)
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse /proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// systemBusy returns the CPU time all processors have spent neither idle
// nor waiting for I/O since boot, from the first line of /proc/stat.
func systemBusy() (time.Duration, error) {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := bytes.Cut(raw, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 8 || string(f[0]) != "cpu" {
		return 0, fmt.Errorf("parse /proc/stat: %q", line)
	}
	var ticks int64
	// user nice system idle iowait irq softirq steal; guest time is
	// already counted in user.
	for i, s := range f[1:9] {
		if i == 3 || i == 4 {
			continue
		}
		n, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("parse /proc/stat: %w", err)
		}
		ticks += n
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

// loadAverage returns the first three fields of /proc/loadavg.
func loadAverage() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// selfCPUTime returns the CPU time this process has used.
func selfCPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// describeEnvironment returns a markdown header describing the machine,
// the binary and the database.
func describeEnvironment(ctx context.Context, o *options) (string, error) {
	var pgVersion string
	conn, err := pgx.Connect(ctx, o.databaseURL)
	if err != nil {
		return "", fmt.Errorf("connect to --database-url: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&pgVersion); err != nil {
		return "", fmt.Errorf("query the PostgreSQL version: %w", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# appconfigd-replicas-bench\n\n")
	fmt.Fprintf(&b, "- date: %s\n", time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "- machine: %d CPUs (%s), %s memory, %s/%s\n", runtime.NumCPU(), cpuModel(), memTotal(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "- bench built with %s; server %s\n", runtime.Version(), o.serverBin)
	fmt.Fprintf(&b, "- PostgreSQL %s\n", pgVersion)
	fmt.Fprintf(&b, "- flags: --replicas %s --iterations %d --duration %s --warmup %s --concurrency %d",
		intList{&o.replicas}, o.iterations, o.duration, o.warmup, o.concurrency)
	for _, f := range o.serverFlags {
		fmt.Fprintf(&b, " --server-flag=%s", f)
	}
	fmt.Fprintf(&b, "\n\n")
	return b.String(), nil
}

// cpuModel returns the first "model name" of /proc/cpuinfo.
func cpuModel() string {
	raw, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown model"
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown model"
}

// memTotal returns MemTotal from /proc/meminfo.
func memTotal() string {
	raw, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "unknown"
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return strings.TrimSpace(v)
			}
			return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	return "unknown"
}
