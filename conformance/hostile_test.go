package conformance

// Hostile input over the wire. Every request here is sent raw (exactly the
// bytes of the case, not what an SDK would serialize) and signed with
// aws-sdk-go-v2's own SigV4 signer over the exact body sent, so it passes
// authentication and reaches the handlers. Each case asserts that the
// server answers with a 4xx AWS error document (a JSON object with a
// Message, the exception name in X-Amzn-ErrorType), never a 5xx, and that
// nothing was stored: the SDK lists every resource before and after. The
// TestHostileValidInputAccepted cases prove the suite does not pass by
// refusing everything.
//
// Every test runs on SQLite, and on PostgreSQL too when
// APPCONFIGD_TEST_DATABASE_URL names a database (without one the
// PostgreSQL run is skipped, and fails in CI).

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfig/types"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/internal/apptest"
)

// hostileBackend is a store the hostile suite runs against.
type hostileBackend struct {
	name string
	// options returns the server options for the backend, or skips.
	options func(t *testing.T) []serverOption
}

func hostileBackends() []hostileBackend {
	return []hostileBackend{
		{"SQLite", func(*testing.T) []serverOption { return nil }},
		{"PostgreSQL", func(t *testing.T) []serverOption {
			dsn := hostilePostgresSchema(t)
			return []serverOption{func(o *serverOptions) { o.config.DatabaseURL = dsn }}
		}},
	}
}

// hostilePostgresSchema creates an empty schema that is dropped when the
// test ends and returns the URL of the test database with search_path
// selecting it. Without a test database the PostgreSQL run is skipped, and
// fails in CI (apptest.Missing).
func hostilePostgresSchema(t *testing.T) string {
	t.Helper()
	// Thousands of small transactions; none need to survive a crash.
	return apptest.NewSchema(t, map[string]string{"synchronous_commit": "off"}).DSN
}

// hostileEnv is a server with a fixture: application "hostile-app" (tag
// team=hostile) with environment "hostile-env", hosted profile
// "hostile-profile" holding version 1, and strategy "hostile-strategy"
// (60 minutes, so a deployment started on the fake clock stays
// DEPLOYING). Nothing is deployed, so StartDeployment cases fail only for
// their own reasons.
type hostileEnv struct {
	ts       *testServer
	fx       fixture
	strategy string
	token    string // a valid initial configuration token
	// state is the snapshot of what is stored, as of the last case.
	state string
}

func newHostileEnv(t *testing.T, opts ...serverOption) *hostileEnv {
	t.Helper()
	// Quotas far away, so that a case the server wrongly accepts cannot
	// make later cases fail for the wrong reason (402).
	opts = append(opts, withLimits(func(l *appconfigd.Limits) {
		l.Applications, l.DeploymentStrategies = 10000, 10000
		l.EnvironmentsPerApplication, l.ProfilesPerApplication = 10000, 10000
	}), func(o *serverOptions) {
		// The suite sends thousands of requests a second with one key.
		o.config.RateLimit = 0
	})
	ts := startServer(t, opts...)
	h := &hostileEnv{ts: ts}
	c := ts.control
	h.fx.app = createApplication(t, c, "hostile-app")
	h.fx.env = createEnvironment(t, c, h.fx.app, "hostile-env")
	h.fx.profile = createProfile(t, c, h.fx.app, "hostile-profile")
	createVersion(t, c, h.fx.app, h.fx.profile, []byte(`{"feature":true}`), "application/json", "v1")
	st, err := c.CreateDeploymentStrategy(ctx(t), &appconfig.CreateDeploymentStrategyInput{
		Name:                        aws.String("hostile-strategy"),
		DeploymentDurationInMinutes: aws.Int32(60),
		GrowthFactor:                aws.Float32(10),
		FinalBakeTimeInMinutes:      10,
	})
	if err != nil {
		t.Fatalf("CreateDeploymentStrategy: %v", err)
	}
	h.strategy = aws.ToString(st.Id)
	if _, err := c.TagResource(ctx(t), &appconfig.TagResourceInput{ResourceArn: aws.String(applicationARN(h.fx.app)), Tags: map[string]string{"team": "hostile"}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	h.token = startSession(t, ts.data, h.fx, 0)
	h.state = h.snapshot(t)
	return h
}

// hostileRun runs fn on a fresh hostileEnv per backend, in parallel.
func hostileRun(t *testing.T, fn func(t *testing.T, h *hostileEnv)) {
	t.Parallel()
	for _, b := range hostileBackends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fn(t, newHostileEnv(t, b.options(t)...))
		})
	}
}

// snapshot lists, through the SDK, everything the control plane stores:
// applications with their tags, environments, deployments, profiles (each
// in full) and hosted versions, every deployment strategy, and the tags of
// the fixture's other resources. Two snapshots are equal exactly when
// nothing visible changed. Independent calls run concurrently.
func (h *hostileEnv) snapshot(t *testing.T) string {
	t.Helper()
	c := h.ts.control
	s := &hostileSnapshot{}
	s.do(func() error {
		apps := appconfig.NewListApplicationsPaginator(c, &appconfig.ListApplicationsInput{MaxResults: aws.Int32(50)})
		for apps.HasMorePages() {
			page, err := apps.NextPage(ctx(t))
			if err != nil {
				return fmt.Errorf("ListApplications: %w", err)
			}
			for _, a := range page.Items {
				h.snapshotApplication(t, s, a)
			}
		}
		return nil
	})
	s.do(func() error {
		strategies := appconfig.NewListDeploymentStrategiesPaginator(c, &appconfig.ListDeploymentStrategiesInput{MaxResults: aws.Int32(50)})
		for strategies.HasMorePages() {
			page, err := strategies.NextPage(ctx(t))
			if err != nil {
				return fmt.Errorf("ListDeploymentStrategies: %w", err)
			}
			for _, st := range page.Items {
				s.put("strategy "+aws.ToString(st.Id), st)
			}
		}
		return nil
	})
	for _, arn := range []string{environmentARN(h.fx.app, h.fx.env), profileARN(h.fx.app, h.fx.profile), strategyARN(h.strategy)} {
		s.do(func() error {
			tags, err := c.ListTagsForResource(ctx(t), &appconfig.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
			if err != nil {
				if h.missing(err) {
					s.put("tags "+arn, "missing")
					return nil
				}
				return fmt.Errorf("ListTagsForResource %s: %w", arn, err)
			}
			s.put("tags "+arn, tags.Tags)
			return nil
		})
	}
	return s.result(t)
}

// snapshotApplication adds what one application holds.
func (h *hostileEnv) snapshotApplication(t *testing.T, s *hostileSnapshot, a types.Application) {
	c := h.ts.control
	app := a.Id
	key := "application " + aws.ToString(app)
	s.put(key, a)
	s.do(func() error {
		tags, err := c.ListTagsForResource(ctx(t), &appconfig.ListTagsForResourceInput{ResourceArn: aws.String(applicationARN(*app))})
		if err != nil {
			return fmt.Errorf("ListTagsForResource: %w", err)
		}
		s.put(key+" tags", tags.Tags)
		return nil
	})
	s.do(func() error {
		envs := appconfig.NewListEnvironmentsPaginator(c, &appconfig.ListEnvironmentsInput{ApplicationId: app, MaxResults: aws.Int32(50)})
		for envs.HasMorePages() {
			page, err := envs.NextPage(ctx(t))
			if err != nil {
				return fmt.Errorf("ListEnvironments: %w", err)
			}
			for _, e := range page.Items {
				envKey := key + " environment " + aws.ToString(e.Id)
				s.put(envKey, e)
				s.do(func() error {
					ds, err := c.ListDeployments(ctx(t), &appconfig.ListDeploymentsInput{ApplicationId: app, EnvironmentId: e.Id, MaxResults: aws.Int32(50)})
					if err != nil {
						return fmt.Errorf("ListDeployments: %w", err)
					}
					s.put(envKey+" deployments", ds.Items)
					return nil
				})
			}
		}
		return nil
	})
	s.do(func() error {
		profiles := appconfig.NewListConfigurationProfilesPaginator(c, &appconfig.ListConfigurationProfilesInput{ApplicationId: app, MaxResults: aws.Int32(50)})
		for profiles.HasMorePages() {
			page, err := profiles.NextPage(ctx(t))
			if err != nil {
				return fmt.Errorf("ListConfigurationProfiles: %w", err)
			}
			for _, p := range page.Items {
				profileKey := key + " profile " + aws.ToString(p.Id)
				s.do(func() error {
					full, err := c.GetConfigurationProfile(ctx(t), &appconfig.GetConfigurationProfileInput{ApplicationId: app, ConfigurationProfileId: p.Id})
					if err != nil {
						return fmt.Errorf("GetConfigurationProfile: %w", err)
					}
					s.put(profileKey, full)
					return nil
				})
				s.do(func() error {
					vs, err := c.ListHostedConfigurationVersions(ctx(t), &appconfig.ListHostedConfigurationVersionsInput{ApplicationId: app, ConfigurationProfileId: p.Id, MaxResults: aws.Int32(50)})
					if err != nil {
						return fmt.Errorf("ListHostedConfigurationVersions: %w", err)
					}
					s.put(profileKey+" versions", vs.Items)
					return nil
				})
			}
		}
		return nil
	})
}

// missing reports whether err is a ResourceNotFoundException: a case the
// server wrongly accepted may have deleted a fixture resource.
func (h *hostileEnv) missing(err error) bool {
	var nf *types.ResourceNotFoundException
	return errors.As(err, &nf)
}

// hostileSnapshot collects the lines of a snapshot from concurrent calls.
type hostileSnapshot struct {
	wg    sync.WaitGroup
	mu    sync.Mutex
	lines []string
	errs  []error
}

func (s *hostileSnapshot) do(fn func() error) {
	s.wg.Go(func() {
		if err := fn(); err != nil {
			s.mu.Lock()
			s.errs = append(s.errs, err)
			s.mu.Unlock()
		}
	})
}

func (s *hostileSnapshot) put(key string, v any) {
	j, err := json.Marshal(v)
	if err != nil {
		j = []byte(err.Error())
	}
	s.mu.Lock()
	s.lines = append(s.lines, key+" "+string(j))
	s.mu.Unlock()
}

func (s *hostileSnapshot) result(t *testing.T) string {
	t.Helper()
	s.wg.Wait()
	if len(s.errs) > 0 {
		t.Fatalf("snapshot: %v", errors.Join(s.errs...))
	}
	slices.Sort(s.lines)
	return strings.Join(s.lines, "\n") + "\n"
}

// hostileRequest is one request exactly as sent.
type hostileRequest struct {
	method string
	// target is the path and query, escaped as they go on the wire.
	target string
	header http.Header
	body   []byte
}

// hostileResponse is what came back.
type hostileResponse struct {
	status int
	header http.Header
	body   []byte
}

func (r hostileResponse) String() string {
	b := r.body
	if len(b) > 300 {
		b = append(b[:300:300], "…"...)
	}
	return fmt.Sprintf("%d %s (X-Amzn-ErrorType %q)", r.status, b, r.header.Get("X-Amzn-ErrorType"))
}

// hostileSign signs req as aws-sdk-go-v2 does, over the SHA-256 of body.
func hostileSign(t *testing.T, req *http.Request, body []byte) {
	t.Helper()
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: accessKeyID, SecretAccessKey: secretAccessKey}
	if err := v4.NewSigner().SignHTTP(ctx(t), creds, req, hex.EncodeToString(sum[:]), "appconfig", region, time.Now().UTC()); err != nil {
		t.Fatalf("sign: %v", err)
	}
}

var hostileClient = &http.Client{Timeout: 2 * time.Minute}

// send sends r signed, as is.
func (h *hostileEnv) send(t *testing.T, r hostileRequest) hostileResponse {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx(t), r.method, h.ts.url+r.target, bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("build %s %.200s: %v", r.method, r.target, err)
	}
	for k, vs := range r.header {
		req.Header[http.CanonicalHeaderKey(k)] = vs
	}
	hostileSign(t, req, r.body)
	resp, err := hostileClient.Do(req)
	if err != nil {
		t.Fatalf("%s %.200s: %v", r.method, r.target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		t.Fatalf("%s %.200s: read response: %v", r.method, r.target, err)
	}
	return hostileResponse{status: resp.StatusCode, header: resp.Header, body: body}
}

// hostileExpect is what a case expects.
type hostileExpect int

const (
	// hostileReject: a 4xx error document, nothing stored.
	hostileReject hostileExpect = iota
	// hostileNoChange: any status below 500 (an error document when 4xx)
	// and nothing stored, for requests that mean "change nothing".
	hostileNoChange
	// hostileEither: refusing and accepting are both acceptable; below
	// 500, an error document and nothing stored when refused, and when
	// accepted the members in echo come back exactly as sent.
	hostileEither
	// hostileSuccess: a 2xx.
	hostileSuccess
)

type hostileCase struct {
	name string
	hostileRequest
	expect hostileExpect
	// statuses, when set, are the statuses a refusal may have.
	statuses []int
	// echo lists members a 2xx JSON answer must carry with these values.
	echo map[string]string
}

// hostileAuthExceptions answer requests that did not reach a handler; a case that
// gets one tests nothing.
var hostileAuthExceptions = []string{"MissingAuthenticationTokenException", "UnrecognizedClientException", "InvalidSignatureException", "AccessDeniedException"}

// run runs the cases in order on h, each as a subtest.
func (h *hostileEnv) run(t *testing.T, cases []hostileCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { h.check(t, c) })
	}
}

func (h *hostileEnv) check(t *testing.T, c hostileCase) {
	t.Helper()
	resp := h.send(t, c.hostileRequest)
	h.judge(t, c, resp)
}

// judge checks resp against c and takes a new snapshot. Requests that
// cannot write (GET, HEAD) are not snapshotted.
func (h *hostileEnv) judge(t *testing.T, c hostileCase, resp hostileResponse) {
	t.Helper()
	desc := fmt.Sprintf("%s %.300q", c.method, c.target)
	if len(c.body) > 0 {
		desc += fmt.Sprintf(" body %.200q", c.body)
	}
	if resp.status >= 500 {
		t.Errorf("%s: server error %v", desc, resp)
	}
	refused := resp.status >= 400
	if refused {
		checkHostileErrorDocument(t, desc, resp)
	}
	switch c.expect {
	case hostileReject:
		switch {
		case !refused:
			t.Errorf("%s: accepted with %v; want a 4xx", desc, resp)
		case len(c.statuses) > 0 && !slices.Contains(c.statuses, resp.status):
			t.Errorf("%s: status %v; want one of %v", desc, resp, c.statuses)
		}
	case hostileEither:
		if !refused {
			t.Logf("%s: accepted with %v", desc, resp)
		}
	case hostileSuccess:
		if resp.status < 200 || resp.status > 299 {
			t.Errorf("%s: %v; want a 2xx", desc, resp)
		}
	}
	if !refused && resp.status >= 200 && resp.status <= 299 && len(c.echo) > 0 {
		var got map[string]any
		if err := json.Unmarshal(resp.body, &got); err != nil {
			t.Errorf("%s: %d with a body that is not JSON: %q", desc, resp.status, resp.body)
		}
		for k, want := range c.echo {
			if got[k] != want {
				t.Errorf("%s: accepted, but %s came back as %q; want %q exactly", desc, k, got[k], want)
			}
		}
	}
	if c.method == http.MethodGet || c.method == http.MethodHead {
		return
	}
	if !refused && resp.status < 300 {
		// Accepted (wrongly or not): stop a deployment it started, which
		// would make later StartDeployment cases conflict.
		h.stopStartedDeployment(t, c, resp)
	}
	after := h.snapshot(t)
	if after != h.state && (refused || c.expect == hostileNoChange || c.expect == hostileReject) {
		t.Errorf("%s: answered %v but changed what is stored:\n%s", desc, resp, hostileDiff(h.state, after))
	}
	h.state = after
	if !refused && resp.status < 300 && h.deleteCreated(t, c, resp) {
		// Keep the store small: every snapshot lists all of it.
		h.state = h.snapshot(t)
	}
}

// deleteCreated deletes what an accepted create case created and reports
// whether it did.
func (h *hostileEnv) deleteCreated(t *testing.T, c hostileCase, resp hostileResponse) bool {
	t.Helper()
	if c.method != http.MethodPost {
		return false
	}
	var created struct{ Id, ApplicationId string }
	_ = json.Unmarshal(resp.body, &created)
	path := strings.SplitN(c.target, "?", 2)[0]
	segments := strings.Split(strings.Trim(path, "/"), "/")
	cl := h.ts.control
	var err error
	switch {
	case path == "/applications" && created.Id != "":
		_, err = cl.DeleteApplication(ctx(t), &appconfig.DeleteApplicationInput{ApplicationId: aws.String(created.Id)})
	case path == "/deploymentstrategies" && created.Id != "":
		_, err = cl.DeleteDeploymentStrategy(ctx(t), &appconfig.DeleteDeploymentStrategyInput{DeploymentStrategyId: aws.String(created.Id)})
	case len(segments) == 3 && segments[2] == "environments" && created.Id != "":
		_, err = cl.DeleteEnvironment(ctx(t), &appconfig.DeleteEnvironmentInput{ApplicationId: aws.String(created.ApplicationId), EnvironmentId: aws.String(created.Id)})
	case len(segments) == 3 && segments[2] == "configurationprofiles" && created.Id != "":
		_, err = cl.DeleteConfigurationProfile(ctx(t), &appconfig.DeleteConfigurationProfileInput{ApplicationId: aws.String(created.ApplicationId), ConfigurationProfileId: aws.String(created.Id)})
	case len(segments) == 5 && segments[4] == "hostedconfigurationversions" && resp.header.Get("Version-Number") != "":
		_, err = cl.DeleteHostedConfigurationVersion(ctx(t), &appconfig.DeleteHostedConfigurationVersionInput{
			ApplicationId: aws.String(resp.header.Get("Application-Id")), ConfigurationProfileId: aws.String(resp.header.Get("Configuration-Profile-Id")),
			VersionNumber: aws.Int32(int32(hostileAtoi(t, resp.header.Get("Version-Number")))),
		})
	default:
		return false
	}
	if err != nil {
		t.Logf("delete what the case created: %v", err)
	}
	return true
}

// stopStartedDeployment stops a deployment a case started, so that the
// environment is free for the next case.
func (h *hostileEnv) stopStartedDeployment(t *testing.T, c hostileCase, resp hostileResponse) {
	t.Helper()
	if c.method != http.MethodPost || !strings.HasSuffix(strings.SplitN(c.target, "?", 2)[0], "/deployments") {
		return
	}
	var d struct {
		ApplicationId, EnvironmentId string
		DeploymentNumber             int32
	}
	if err := json.Unmarshal(resp.body, &d); err != nil || d.DeploymentNumber == 0 {
		return
	}
	_, err := h.ts.control.StopDeployment(ctx(t), &appconfig.StopDeploymentInput{
		ApplicationId: aws.String(d.ApplicationId), EnvironmentId: aws.String(d.EnvironmentId), DeploymentNumber: aws.Int32(d.DeploymentNumber),
	})
	if err != nil {
		t.Logf("stop deployment %d a case started: %v", d.DeploymentNumber, err)
	}
}

// hostileDiff shows the lines of two snapshots that differ.
func hostileDiff(before, after string) string {
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	var out strings.Builder
	for _, l := range b {
		if !slices.Contains(a, l) {
			fmt.Fprintf(&out, "- %.400s\n", l)
		}
	}
	for _, l := range a {
		if !slices.Contains(b, l) {
			fmt.Fprintf(&out, "+ %.400s\n", l)
		}
	}
	return out.String()
}

// checkHostileErrorDocument checks an AWS error document (docs/WIRE.md §1.5): JSON,
// X-Amzn-ErrorType, __type and a non-empty Message; and that it does not
// come from authentication, which would mean the case never reached a
// handler.
func checkHostileErrorDocument(t *testing.T, desc string, resp hostileResponse) {
	t.Helper()
	name := resp.header.Get("X-Amzn-ErrorType")
	if name == "" {
		t.Errorf("%s: %v without X-Amzn-ErrorType", desc, resp)
	}
	if slices.Contains(hostileAuthExceptions, name) {
		t.Errorf("%s: %v: refused by authentication, so the case tests nothing", desc, resp)
	}
	if ct := resp.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: %v with Content-Type %q; want application/json", desc, resp, ct)
	}
	var doc map[string]any
	if err := json.Unmarshal(resp.body, &doc); err != nil {
		t.Errorf("%s: %v: body is not a JSON object: %v", desc, resp, err)
		return
	}
	if msg, ok := doc["Message"].(string); !ok || msg == "" {
		t.Errorf("%s: %v: no Message", desc, resp)
	}
	if doc["__type"] != name {
		t.Errorf("%s: %v: __type %v differs from X-Amzn-ErrorType", desc, resp, doc["__type"])
	}
}

// JSON operations.

// hostileKind is the JSON type of a request member.
type hostileKind int

const (
	hostileKindString hostileKind = iota
	hostileKindInt
	hostileKindFloat
	hostileKindTags
	hostileKindList
)

type hostileMember struct {
	name  string
	kind  hostileKind
	valid string // raw JSON
}

// hostileOp is an operation with a JSON body, with a body it accepts.
type hostileOp struct {
	name, method, target string
	members              []hostileMember
	// required is a member whose absence is refused; "" for none.
	required string
	// update marks PATCH operations, where absent members stay unchanged.
	update bool
	// nameMember is the member that names or identifies something, for
	// the string cases.
	nameMember string
}

// body returns the valid body with member name's raw JSON value replaced
// by raw (or left out when raw is "-").
func (op hostileOp) body(name, raw string) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for _, m := range op.members {
		v := m.valid
		if m.name == name {
			if raw == "-" {
				continue
			}
			v = raw
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, "%q:%s", m.name, v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func (op hostileOp) request(body []byte) hostileRequest {
	return hostileRequest{method: op.method, target: op.target, header: http.Header{"Content-Type": {"application/json"}}, body: body}
}

func hostileJSONString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// jsonOps are every control-plane create and update operation and
// StartConfigurationSession, against h's fixture.
func (h *hostileEnv) jsonOps() []hostileOp {
	app, env, profile := h.fx.app, h.fx.env, h.fx.profile
	monitors := `[{"AlarmArn":"arn:aws:cloudwatch:us-east-1:000000000000:alarm:a","AlarmRoleArn":"arn:aws:iam::000000000000:role/r"}]`
	validators := `[{"Type":"JSON_SCHEMA","Content":"{\"type\":\"object\"}"}]`
	tags := `{"k":"v"}`
	return []hostileOp{
		{name: "CreateApplication", method: "POST", target: "/applications", required: "Name", nameMember: "Name",
			members: []hostileMember{{"Name", hostileKindString, `"created"`}, {"Description", hostileKindString, `"d"`}, {"Tags", hostileKindTags, tags}}},
		{name: "UpdateApplication", method: "PATCH", target: "/applications/" + app, update: true, nameMember: "Name",
			members: []hostileMember{{"Name", hostileKindString, `"hostile-app"`}, {"Description", hostileKindString, `"d"`}}},
		{name: "CreateEnvironment", method: "POST", target: "/applications/" + app + "/environments", required: "Name", nameMember: "Name",
			members: []hostileMember{{"Name", hostileKindString, `"created"`}, {"Description", hostileKindString, `"d"`}, {"Monitors", hostileKindList, monitors}, {"Tags", hostileKindTags, tags}}},
		{name: "UpdateEnvironment", method: "PATCH", target: "/applications/" + app + "/environments/" + env, update: true, nameMember: "Name",
			members: []hostileMember{{"Name", hostileKindString, `"hostile-env"`}, {"Description", hostileKindString, `"d"`}, {"Monitors", hostileKindList, monitors}}},
		{name: "CreateConfigurationProfile", method: "POST", target: "/applications/" + app + "/configurationprofiles", required: "Name", nameMember: "Name",
			members: []hostileMember{{"Name", hostileKindString, `"created"`}, {"Description", hostileKindString, `"d"`}, {"LocationUri", hostileKindString, `"hosted"`},
				{"Type", hostileKindString, `"AWS.Freeform"`}, {"Validators", hostileKindList, validators}, {"Tags", hostileKindTags, tags}}},
		{name: "UpdateConfigurationProfile", method: "PATCH", target: "/applications/" + app + "/configurationprofiles/" + profile, update: true, nameMember: "Name",
			members: []hostileMember{{"Name", hostileKindString, `"hostile-profile"`}, {"Description", hostileKindString, `"d"`}, {"Validators", hostileKindList, validators}}},
		{name: "CreateDeploymentStrategy", method: "POST", target: "/deploymentstrategies", required: "Name", nameMember: "Name",
			members: []hostileMember{{"Name", hostileKindString, `"created"`}, {"Description", hostileKindString, `"d"`}, {"DeploymentDurationInMinutes", hostileKindInt, `30`},
				{"FinalBakeTimeInMinutes", hostileKindInt, `10`}, {"GrowthFactor", hostileKindFloat, `25.0`}, {"GrowthType", hostileKindString, `"LINEAR"`},
				{"ReplicateTo", hostileKindString, `"NONE"`}, {"Tags", hostileKindTags, tags}}},
		{name: "UpdateDeploymentStrategy", method: "PATCH", target: "/deploymentstrategies/" + h.strategy, update: true, nameMember: "Description",
			members: []hostileMember{{"Description", hostileKindString, `"d"`}, {"DeploymentDurationInMinutes", hostileKindInt, `30`},
				{"FinalBakeTimeInMinutes", hostileKindInt, `10`}, {"GrowthFactor", hostileKindFloat, `25.0`}, {"GrowthType", hostileKindString, `"LINEAR"`}}},
		{name: "StartDeployment", method: "POST", target: "/applications/" + app + "/environments/" + env + "/deployments", required: "ConfigurationProfileId", nameMember: "ConfigurationVersion",
			members: []hostileMember{{"DeploymentStrategyId", hostileKindString, hostileJSONString(h.strategy)}, {"ConfigurationProfileId", hostileKindString, hostileJSONString(profile)},
				{"ConfigurationVersion", hostileKindString, `"1"`}, {"Description", hostileKindString, `"d"`}, {"LatestDeploymentNumber", hostileKindInt, `0`}, {"Tags", hostileKindTags, tags}}},
		{name: "TagResource", method: "POST", target: "/tags/" + url.PathEscape(applicationARN(app)), required: "Tags",
			members: []hostileMember{{"Tags", hostileKindTags, tags}}},
		{name: "StartConfigurationSession", method: "POST", target: "/configurationsessions", required: "ApplicationIdentifier", nameMember: "ApplicationIdentifier",
			members: []hostileMember{{"ApplicationIdentifier", hostileKindString, hostileJSONString(app)}, {"EnvironmentIdentifier", hostileKindString, hostileJSONString(env)},
				{"ConfigurationProfileIdentifier", hostileKindString, hostileJSONString(profile)}, {"RequiredMinimumPollIntervalInSeconds", hostileKindInt, `15`}}},
	}
}

var (
	hostile400      = []int{http.StatusBadRequest}
	hostile400or413 = []int{http.StatusBadRequest, http.StatusRequestEntityTooLarge}
	hostile400or404 = []int{http.StatusBadRequest, http.StatusNotFound}
)

// TestHostileJSONBodies sends bodies that are not one JSON object to every
// JSON operation. Each is made from a body the operation accepts
// (TestHostileValidInputAccepted sends those), so the malformation is the
// only thing wrong with it.
func TestHostileJSONBodies(t *testing.T) {
	type body struct {
		name string
		make func(op hostileOp, valid string) string
		// noChange: the body means "no members", which an update takes
		// as "change nothing" (and a create refuses).
		noChange bool
		// either: refusing and reading it are both fine (see the cases).
		either bool
	}
	first := func(op hostileOp) string { return op.members[0].name }
	in := func(raw string) func(hostileOp, string) string {
		return func(op hostileOp, _ string) string { return string(op.body(first(op), raw)) }
	}
	bareKeys := regexp.MustCompile(`"([A-Za-z]+)":`)
	nested := func(open, close string, n int) string {
		return strings.Repeat(open, n) + `1` + strings.Repeat(close, n)
	}
	bodies := []body{
		{name: "TruncatedByOneByte", make: func(_ hostileOp, v string) string { return v[:len(v)-1] }},
		{name: "TruncatedInHalf", make: func(_ hostileOp, v string) string { return v[:len(v)/2] }},
		{name: "TrailingGarbage", make: func(_ hostileOp, v string) string { return v + " garbage" }},
		{name: "TrailingClosingBracket", make: func(_ hostileOp, v string) string { return v + "]" }},
		{name: "TrailingClosingBrace", make: func(_ hostileOp, v string) string { return v + "}" }},
		{name: "TrailingNull", make: func(_ hostileOp, v string) string { return v + " null" }},
		// JSON white space is space, tab, CR and LF only (RFC 8259 §2).
		{name: "TrailingNonJSONWhitespace", make: func(_ hostileOp, v string) string { return v + "\f\v\u00a0" }},
		{name: "TwoObjects", make: func(_ hostileOp, v string) string { return v + " " + v }},
		{name: "Array", make: func(_ hostileOp, v string) string { return "[" + v + "]" }},
		{name: "EmptyArray", make: func(hostileOp, string) string { return "[]" }},
		{name: "String", make: func(_ hostileOp, v string) string { return hostileJSONString(v) }},
		{name: "Number", make: func(hostileOp, string) string { return "42" }},
		{name: "True", make: func(hostileOp, string) string { return "true" }},
		{name: "TopLevelNull", make: func(hostileOp, string) string { return "null" }},
		{name: "SingleQuotes", make: func(_ hostileOp, v string) string { return strings.ReplaceAll(v, `"`, `'`) }},
		{name: "BareKeys", make: func(_ hostileOp, v string) string { return bareKeys.ReplaceAllString(v, "$1:") }},
		{name: "TrailingComma", make: func(_ hostileOp, v string) string { return v[:len(v)-1] + ",}" }},
		{name: "MissingColon", make: func(_ hostileOp, v string) string { return strings.Replace(v, `":`, `" `, 1) }},
		{name: "Comment", make: func(_ hostileOp, v string) string { return v[:len(v)-1] + " /* comment */}" }},
		{name: "NaN", make: in("NaN")},
		{name: "Infinity", make: in("-Infinity")},
		{name: "Undefined", make: in("undefined")},
		{name: "HexNumber", make: in("0x1F")},
		{name: "LeadingZero", make: in("007")},
		{name: "RawNULInString", make: in("\"a\x00b\"")},
		{name: "RawControlCharacterInString", make: in("\"a\x01b\"")},
		{name: "RawNewlineInString", make: in("\"a\nb\"")},
		{name: "BadEscape", make: in(`"\x41"`)},
		{name: "TruncatedUnicodeEscape", make: in(`"\u12"`)},
		{name: "UnterminatedString", make: func(op hostileOp, _ string) string { return `{"` + first(op) + `":"abc` }},
		{name: "NestedArrays10k", make: in(nested("[", "]", 10_000))},
		{name: "NestedObjects10k", make: in(nested(`{"a":`, "}", 10_000))},
		{name: "NestedArrays100k", make: in(nested("[", "]", 100_000))},
		{name: "OnlyOpeningBrackets100k", make: func(hostileOp, string) string { return strings.Repeat("[", 100_000) }},
		{name: "Whitespace5MB", make: func(hostileOp, string) string { return strings.Repeat(" ", 5<<20) }},
		{name: "Whitespace1point5MB", make: func(hostileOp, string) string { return strings.Repeat(" ", 3<<19) }},
		{name: "TrailingWhitespace1point5MB", make: func(_ hostileOp, v string) string { return v + strings.Repeat(" ", 3<<19) }},
		{name: "String3MB", make: in(`"` + strings.Repeat("a", 3<<20) + `"`)},
		{name: "UnknownMember1point5MB", make: func(_ hostileOp, v string) string { return `{"Padding":"` + strings.Repeat("a", 3<<19) + `",` + v[1:] }},
		{name: "Whitespace", make: func(hostileOp, string) string { return " \t\r\n " }, noChange: true},
		{name: "Empty", make: func(hostileOp, string) string { return "" }, noChange: true},
		{name: "EmptyObject", make: func(hostileOp, string) string { return "{}" }, noChange: true},
		// RFC 8259 lets a parser ignore a byte order mark; AWS's does.
		{name: "ByteOrderMark", make: func(_ hostileOp, v string) string { return "\xef\xbb\xbf" + v }, either: true},
		// AWS matches member names exactly; Go's encoding/json ignores
		// case. Either way nothing but the members sent may change.
		{name: "LowercaseMemberNames", make: func(_ hostileOp, v string) string {
			return bareKeys.ReplaceAllStringFunc(v, strings.ToLower)
		}, either: true},
		// Duplicate names: RFC 8259 leaves the meaning open.
		{name: "DuplicateMember", make: func(op hostileOp, v string) string {
			return "{" + hostileJSONString(first(op)) + ":" + op.members[0].valid + "," + v[1:]
		}, either: true},
	}
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		var cases []hostileCase
		for _, op := range h.jsonOps() {
			valid := string(op.body("", ""))
			for _, b := range bodies {
				c := hostileCase{name: op.name + "/" + b.name, hostileRequest: op.request([]byte(b.make(op, valid))), statuses: hostile400or413}
				switch {
				case b.either:
					c.expect, c.statuses = hostileEither, nil
				case b.noChange && op.update:
					c.expect, c.statuses = hostileNoChange, nil
				case b.noChange && op.name == "StartDeployment":
					c.statuses = hostile400or404
				case b.noChange:
					c.statuses = hostile400
				}
				cases = append(cases, c)
			}
		}
		h.run(t, cases)
	})
}

// TestHostileMemberTypes sends members of the wrong JSON type: numbers
// for strings, strings for numbers, objects for lists, lists for maps, and
// null for required members.
func TestHostileMemberTypes(t *testing.T) {
	wrong := map[hostileKind][]string{
		hostileKindString: {`123`, `true`, `{}`, `["x"]`},
		hostileKindInt:    {`"10"`, `true`, `[10]`, `1.5`, `1e2`},
		hostileKindFloat:  {`"25"`, `true`, `[25]`},
		hostileKindTags:   {`[]`, `"k=v"`, `{"k":1}`, `{"k":true}`, `{"k":{"v":1}}`, `{"k":["v"]}`},
		hostileKindList:   {`{}`, `"x"`, `[1]`, `[[]]`},
	}
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		var cases []hostileCase
		for _, op := range h.jsonOps() {
			for _, m := range op.members {
				for i, v := range wrong[m.kind] {
					cases = append(cases, hostileCase{
						name:           fmt.Sprintf("%s/%s/%d_%s", op.name, m.name, i, v),
						hostileRequest: op.request(op.body(m.name, v)),
						statuses:       hostile400,
					})
				}
			}
			if op.required != "" {
				for _, v := range []string{`null`, `-`} {
					cases = append(cases, hostileCase{
						name:           fmt.Sprintf("%s/%s/Required_%s", op.name, op.required, v),
						hostileRequest: op.request(op.body(op.required, v)),
						statuses:       hostile400or404,
					})
				}
			}
			if op.update {
				// null is "absent": an update of nothing but nulls
				// changes nothing.
				var b strings.Builder
				for i, m := range op.members {
					if i > 0 {
						b.WriteByte(',')
					}
					fmt.Fprintf(&b, "%q:null", m.name)
				}
				cases = append(cases, hostileCase{
					name:           op.name + "/AllNull",
					hostileRequest: op.request([]byte("{" + b.String() + "}")),
					expect:         hostileNoChange,
				})
			}
		}
		h.run(t, cases)
	})
}

// TestHostileNumbers sends numbers out of every range: beyond float64
// (1e309), beyond int64 (2^63), negative, 20 digits, and just outside the
// model's limits.
func TestHostileNumbers(t *testing.T) {
	huge := []string{`1e309`, `-1e309`, `9223372036854775808`, `-9223372036854775809`, `-1`, `99999999999999999999`, `18446744073709551616`}
	extra := map[string][]string{
		"DeploymentDurationInMinutes":          {`1441`, `2147483648`},
		"FinalBakeTimeInMinutes":               {`1441`, `4294967296`},
		"GrowthFactor":                         {`0`, `-0`, `0.99`, `100.0001`, `4.9e-324`, `1.7976931348623157e308`},
		"RequiredMinimumPollIntervalInSeconds": {`0`, `14`, `86401`, `4294967311`},
		"LatestDeploymentNumber":               {`2147483648`},
	}
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		var cases []hostileCase
		for _, op := range h.jsonOps() {
			for _, m := range op.members {
				if m.kind != hostileKindInt && m.kind != hostileKindFloat {
					continue
				}
				statuses := hostile400
				if m.name == "LatestDeploymentNumber" {
					// A well-formed number that is not the latest
					// deployment number is a conflict.
					statuses = []int{http.StatusBadRequest, http.StatusConflict}
				}
				for _, v := range append(slices.Clone(huge), extra[m.name]...) {
					cases = append(cases, hostileCase{
						name:           fmt.Sprintf("%s/%s/%s", op.name, m.name, v),
						hostileRequest: op.request(op.body(m.name, v)),
						statuses:       statuses,
					})
				}
			}
		}
		// MaxResults travels in the query of every List operation.
		for _, list := range h.listTargets() {
			for _, v := range []string{"1e309", "9223372036854775808", "-1", "99999999999999999999", "0", "51", "1.5", "0x10", "ten", "", "%00", "5%00"} {
				cases = append(cases, hostileCase{
					name:           fmt.Sprintf("%s/max_results=%s", list.name, v),
					hostileRequest: hostileRequest{method: "GET", target: list.target + "?max_results=" + v},
					statuses:       hostile400,
				})
			}
		}
		h.run(t, cases)
	})
}

type hostileTarget struct{ name, target string }

// listTargets are the List operations with pagination.
func (h *hostileEnv) listTargets() []hostileTarget {
	app, env, profile := h.fx.app, h.fx.env, h.fx.profile
	return []hostileTarget{
		{"ListApplications", "/applications"},
		{"ListEnvironments", "/applications/" + app + "/environments"},
		{"ListConfigurationProfiles", "/applications/" + app + "/configurationprofiles"},
		{"ListHostedConfigurationVersions", "/applications/" + app + "/configurationprofiles/" + profile + "/hostedconfigurationversions"},
		{"ListDeploymentStrategies", "/deploymentstrategies"},
		{"ListDeployments", "/applications/" + app + "/environments/" + env + "/deployments"},
	}
}

// TestHostileStrings sends names with invalid UTF-8 (which JSON does not
// allow), NUL and other control characters. Invalid UTF-8, NUL and
// escapes of half a surrogate pair (which decode to U+FFFD) must be
// refused; other control characters may be refused or stored, and when
// stored must come back exactly.
func TestHostileStrings(t *testing.T) {
	invalidUTF8 := []struct{ name, raw string }{
		{"InvalidUTF8_FF_FE", "\xff\xfe"},
		{"InvalidUTF8_TruncatedSequence", "caf\xc3"},
		{"InvalidUTF8_OverlongSlash", "\xc0\xaf"},
		{"InvalidUTF8_EncodedSurrogate", "\xed\xa0\x80"},
		{"InvalidUTF8_Latin1", "caf\xe9"},
	}
	refused := []struct{ name, escaped string }{
		{"NUL", `a\u0000b`},
		{"OnlyNUL", `\u0000`},
		{"LoneSurrogateEscape", `\ud800`},
		{"LoneLowSurrogateEscape", `a\udfffb`},
	}
	either := []struct{ name, escaped string }{
		{"ControlCharacter", `a\u0001b`},
		{"Escape", `\u001b[31mred\u001b[0m`},
		{"Newline", `a\nb`},
		{"Tab", `a\tb`},
		{"Delete", `a\u007fb`},
		{"NextLine", `a\u0085b`},
		{"LineSeparator", `a\u2028b`},
		{"RightToLeftOverride", `a\u202eb`},
		{"ByteOrderMark", `\ufeffa`},
		{"Whitespace", `   `},
	}
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		var cases []hostileCase
		for _, op := range h.jsonOps() {
			var targets []hostileMember
			for _, m := range op.members {
				if m.name == op.nameMember || m.kind == hostileKindTags {
					targets = append(targets, m)
				}
			}
			for _, m := range targets {
				str := func(s string) string {
					if m.kind == hostileKindTags {
						return `{"k":"` + s + `","` + s + `":"v"}`
					}
					return `"` + s + `"`
				}
				statuses := hostile400
				if op.name == "StartDeployment" || op.name == "StartConfigurationSession" {
					// A name that resolves nothing may be reported as
					// not found.
					statuses = hostile400or404
				}
				for _, v := range invalidUTF8 {
					cases = append(cases, hostileCase{
						name:           fmt.Sprintf("%s/%s/%s", op.name, m.name, v.name),
						hostileRequest: op.request(op.body(m.name, str(v.raw))),
						statuses:       statuses,
					})
				}
				for _, v := range refused {
					cases = append(cases, hostileCase{
						name:           fmt.Sprintf("%s/%s/%s", op.name, m.name, v.name),
						hostileRequest: op.request(op.body(m.name, str(v.escaped))),
						statuses:       statuses,
					})
				}
				if m.kind == hostileKindTags {
					continue
				}
				for _, v := range either {
					var decoded string
					if err := json.Unmarshal([]byte(`"`+v.escaped+`"`), &decoded); err != nil {
						t.Fatal(err)
					}
					c := hostileCase{
						name:           fmt.Sprintf("%s/%s/%s", op.name, m.name, v.name),
						hostileRequest: op.request(op.body(m.name, str(v.escaped))),
						expect:         hostileEither,
					}
					if op.name != "StartDeployment" && op.name != "StartConfigurationSession" {
						c.echo = map[string]string{m.name: decoded}
					}
					cases = append(cases, c)
				}
			}
		}
		h.run(t, cases)
		// The fixture must still be there under its own names.
		if _, err := h.ts.control.GetApplication(ctx(t), &appconfig.GetApplicationInput{ApplicationId: aws.String(h.fx.app)}); err != nil {
			t.Errorf("GetApplication of the fixture: %v", err)
		}
	})
}

// hostilePathValues are path labels shaped like path traversal, SQL
// injection, LIKE patterns, NUL, invalid UTF-8 and 10 KB, escaped as
// they go on the wire.
var hostilePathValues = []struct{ name, segment string }{
	{"DotDotSlashEscaped", "..%2F..%2Fetc%2Fpasswd"},
	{"DotDotSlashRaw", "../../etc/passwd"},
	{"PercentEncodedDotDot", "%2e%2e%2f"},
	{"DoubleEncodedDotDot", "%252e%252e%252f"},
	{"DotDot", ".."},
	{"SQLOr", "'%20OR%201=1%20--"},
	{"SQLOrQuoted", "x%22%20OR%20%221%22=%221"},
	{"SQLDropTable", "%22%3B%20DROP%20TABLE%20applications%3B%20--"},
	{"SQLUnion", "x'%20UNION%20SELECT%20*%20FROM%20sealing_keys%20--"},
	{"LikePercent", "%25"},
	{"LikeUnderscores", "_______"},
	{"Asterisk", "*"},
	{"NULEscaped", "%00"},
	{"NULTruncation", "x%00.json"},
	{"InvalidUTF8", "%FF%FE"},
	{"CRLF", "a%0D%0Ab"},
	{"Long10KB", strings.Repeat("a", 10<<10)},
}

// hostileNumberValues are values for the numeric path labels
// {VersionNumber} and {DeploymentNumber}.
var hostileNumberValues = []struct{ name, segment string }{
	{"Exponent", "1e3"},
	{"Negative", "-1"},
	{"Zero", "0"},
	{"TwentyDigits", "99999999999999999999"},
	{"MaxInt64", "9223372036854775807"},
	{"Hex", "0x1"},
	{"Decimal", "1.0"},
	{"LeadingSpace", "%201"},
	{"SQLOr", "1%20OR%201=1"},
	{"NUL", "1%00"},
	{"Long10KB", strings.Repeat("9", 10<<10)},
}

// TestHostilePathIdentifiers puts hostile values in each path label of
// every operation, the other labels naming the fixture. SQL-shaped IDs
// must find nothing (404), never the fixture or everything.
func TestHostilePathIdentifiers(t *testing.T) {
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		const (
			appL, envL, profileL, versionL, strategyL, deploymentL, arnL = "{app}", "{env}", "{profile}", "{version}", "{strategy}", "{deployment}", "{arn}"
		)
		ops := []struct {
			name, method, target string
			body                 string
			header               http.Header
		}{
			{"GetApplication", "GET", "/applications/{app}", "", nil},
			{"UpdateApplication", "PATCH", "/applications/{app}", `{"Description":"changed"}`, nil},
			{"DeleteApplication", "DELETE", "/applications/{app}", "", nil},
			{"CreateEnvironment", "POST", "/applications/{app}/environments", `{"Name":"created"}`, nil},
			{"ListEnvironments", "GET", "/applications/{app}/environments", "", nil},
			{"GetEnvironment", "GET", "/applications/{app}/environments/{env}", "", nil},
			{"UpdateEnvironment", "PATCH", "/applications/{app}/environments/{env}", `{"Description":"changed"}`, nil},
			{"DeleteEnvironment", "DELETE", "/applications/{app}/environments/{env}", "", nil},
			{"CreateConfigurationProfile", "POST", "/applications/{app}/configurationprofiles", `{"Name":"created","LocationUri":"hosted"}`, nil},
			{"ListConfigurationProfiles", "GET", "/applications/{app}/configurationprofiles", "", nil},
			{"GetConfigurationProfile", "GET", "/applications/{app}/configurationprofiles/{profile}", "", nil},
			{"UpdateConfigurationProfile", "PATCH", "/applications/{app}/configurationprofiles/{profile}", `{"Description":"changed"}`, nil},
			{"DeleteConfigurationProfile", "DELETE", "/applications/{app}/configurationprofiles/{profile}", "", nil},
			{"CreateHostedConfigurationVersion", "POST", "/applications/{app}/configurationprofiles/{profile}/hostedconfigurationversions", `{"v":2}`, http.Header{"Content-Type": {"application/json"}}},
			{"ListHostedConfigurationVersions", "GET", "/applications/{app}/configurationprofiles/{profile}/hostedconfigurationversions", "", nil},
			{"GetHostedConfigurationVersion", "GET", "/applications/{app}/configurationprofiles/{profile}/hostedconfigurationversions/{version}", "", nil},
			{"DeleteHostedConfigurationVersion", "DELETE", "/applications/{app}/configurationprofiles/{profile}/hostedconfigurationversions/{version}", "", nil},
			{"ValidateConfiguration", "POST", "/applications/{app}/configurationprofiles/{profile}/validators?configuration_version=1", "", nil},
			{"GetDeploymentStrategy", "GET", "/deploymentstrategies/{strategy}", "", nil},
			{"UpdateDeploymentStrategy", "PATCH", "/deploymentstrategies/{strategy}", `{"Description":"changed"}`, nil},
			{"DeleteDeploymentStrategy", "DELETE", "/deployementstrategies/{strategy}", "", nil},
			{"DeleteDeploymentStrategyAlias", "DELETE", "/deploymentstrategies/{strategy}", "", nil},
			{"StartDeployment", "POST", "/applications/{app}/environments/{env}/deployments",
				`{"DeploymentStrategyId":"` + h.strategy + `","ConfigurationProfileId":"` + h.fx.profile + `","ConfigurationVersion":"1"}`, nil},
			{"ListDeployments", "GET", "/applications/{app}/environments/{env}/deployments", "", nil},
			{"GetDeployment", "GET", "/applications/{app}/environments/{env}/deployments/{deployment}", "", nil},
			{"StopDeployment", "DELETE", "/applications/{app}/environments/{env}/deployments/{deployment}", "", nil},
			{"ListTagsForResource", "GET", "/tags/{arn}", "", nil},
			{"TagResource", "POST", "/tags/{arn}", `{"Tags":{"k":"v"}}`, nil},
			{"UntagResource", "DELETE", "/tags/{arn}?tagKeys=team", "", nil},
		}
		valid := map[string]string{
			appL: h.fx.app, envL: h.fx.env, profileL: h.fx.profile, versionL: "1", strategyL: h.strategy,
			deploymentL: "1", arnL: url.PathEscape(applicationARN(h.fx.app)),
		}
		var cases []hostileCase
		for _, op := range ops {
			for _, label := range []string{appL, envL, profileL, versionL, strategyL, deploymentL, arnL} {
				if !strings.Contains(op.target, label) {
					continue
				}
				values := hostilePathValues
				if label == versionL || label == deploymentL {
					values = hostileNumberValues
				}
				if label == arnL {
					values = append(slices.Clone(values), hostileARNValues(h)...)
				}
				for _, v := range values {
					target := op.target
					for l, id := range valid {
						if l != label {
							target = strings.ReplaceAll(target, l, id)
						}
					}
					target = strings.ReplaceAll(target, label, v.segment)
					header := op.header
					if op.body != "" && header == nil {
						header = http.Header{"Content-Type": {"application/json"}}
					}
					cases = append(cases, hostileCase{
						name:           fmt.Sprintf("%s/%s/%s", op.name, strings.Trim(label, "{}"), v.name),
						hostileRequest: hostileRequest{method: op.method, target: target, header: header, body: []byte(op.body)},
						statuses:       hostile400or404,
					})
				}
			}
		}
		h.run(t, cases)
	})
}

// hostileARNValues are ResourceArn labels shaped like the fixture's ARNs
// with hostile resource IDs.
func hostileARNValues(h *hostileEnv) []struct{ name, segment string } {
	prefix := "arn:aws:appconfig:" + region + ":" + accountID + ":"
	esc := url.PathEscape
	return []struct{ name, segment string }{
		{"ARNWithSQLOr", esc(prefix + "application/' OR 1=1 --")},
		{"ARNWithLikePercent", esc(prefix + "application/%")},
		{"ARNWithLikeUnderscores", esc(prefix + "application/_______")},
		{"ARNWithNUL", esc(prefix+"application/"+h.fx.app) + "%00"},
		{"ARNWithTraversal", esc(prefix + "application/" + h.fx.app + "/environment/../../" + h.fx.app)},
		{"ARNWithoutID", esc(prefix + "application")},
		{"ARNWithEmptyID", esc(prefix + "application/")},
		{"ARNWithColonInID", esc(prefix + "application/" + h.fx.app + ":" + h.fx.app)},
		{"ARNOfOtherService", esc("arn:aws:s3:::bucket/application/" + h.fx.app)},
		{"ARNDeploymentTwentyDigits", esc(prefix + "application/" + h.fx.app + "/environment/" + h.fx.env + "/deployment/99999999999999999999")},
		{"ARNDeploymentNegative", esc(prefix + "application/" + h.fx.app + "/environment/" + h.fx.env + "/deployment/-1")},
		{"ARNStrategyLong", esc(prefix + "deploymentstrategy/" + strings.Repeat("s", 10<<10))},
		{"ARNInvalidUTF8", esc(prefix+"application/") + "%FF"},
	}
}

// TestHostileQueries sends duplicate, bogus and oversized query
// parameters.
func TestHostileQueries(t *testing.T) {
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		q := url.QueryEscape
		long := strings.Repeat("a", 10<<10)
		var cases []hostileCase
		add := func(name, method, target string, expect hostileExpect, statuses []int) {
			cases = append(cases, hostileCase{name: name, hostileRequest: hostileRequest{method: method, target: target}, expect: expect, statuses: statuses})
		}
		tok := q(h.token)
		add("GetLatestConfiguration/DuplicateToken", "GET", "/configuration?configuration_token="+tok+"&configuration_token="+tok, hostileReject, hostile400)
		add("GetLatestConfiguration/TwoTokens", "GET", "/configuration?configuration_token="+tok+"&configuration_token=x", hostileReject, hostile400)
		add("GetLatestConfiguration/EmptyThenToken", "GET", "/configuration?configuration_token=&configuration_token="+tok, hostileReject, hostile400)
		for _, list := range h.listTargets() {
			add(list.name+"/DuplicateMaxResults", "GET", list.target+"?max_results=1&max_results=2", hostileReject, hostile400)
			add(list.name+"/DuplicateMaxResultsSameValue", "GET", list.target+"?max_results=5&max_results=5", hostileReject, hostile400)
			add(list.name+"/DuplicateNextToken", "GET", list.target+"?next_token=MQ&next_token=Mg", hostileReject, hostile400)
			for _, v := range []struct{ name, token string }{
				{"Garbage", "garbage!"},
				{"NotBase64URL", "MQ=="},
				{"Zero", "MA"},                                  // base64url of "0"
				{"Negative", "LTE"},                             // "-1"
				{"TwentyDigits", "OTk5OTk5OTk5OTk5OTk5OTk5OTk"}, // "99999999999999999999"
				{"Exponent", "MWUz"},                            // "1e3"
				{"SQLOr", q("' OR 1=1 --")},
				{"SQLOrBase64", "JyBPUiAxPTEgLS0"}, // base64url of "' OR 1=1 --"
				{"NUL", "%00"},
				{"InvalidUTF8", "%FF"},
				{"Long10KB", long},
			} {
				add(list.name+"/NextToken/"+v.name, "GET", list.target+"?next_token="+v.token, hostileReject, hostile400)
			}
			add(list.name+"/MaxResults10KB", "GET", list.target+"?max_results="+strings.Repeat("1", 10<<10), hostileReject, hostile400)
		}
		versions := h.listTargets()[3].target
		add("ListHostedConfigurationVersions/DuplicateVersionLabel", "GET", versions+"?version_label=v1&version_label=v2", hostileReject, hostile400)
		add("ListHostedConfigurationVersions/VersionLabel10KB", "GET", versions+"?version_label="+long, hostileReject, hostile400)
		add("ListHostedConfigurationVersions/VersionLabelInvalidUTF8", "GET", versions+"?version_label=%FF", hostileReject, hostile400)
		add("ListHostedConfigurationVersions/VersionLabelNUL", "GET", versions+"?version_label=v%00", hostileReject, hostile400)
		add("ListHostedConfigurationVersions/VersionLabelSQL", "GET", versions+"?version_label="+q("' OR 1=1 --"), hostileEither, nil)
		profiles := h.listTargets()[2].target
		add("ListConfigurationProfiles/DuplicateType", "GET", profiles+"?type=AWS.Freeform&type=AWS.AppConfig.FeatureFlags", hostileReject, hostile400)
		add("ListConfigurationProfiles/Type10KB", "GET", profiles+"?type="+long, hostileReject, hostile400)
		add("ListConfigurationProfiles/TypeSQL", "GET", profiles+"?type="+q("' OR 1=1 --"), hostileReject, hostile400)
		validators := "/applications/" + h.fx.app + "/configurationprofiles/" + h.fx.profile + "/validators"
		add("ValidateConfiguration/DuplicateVersion", "POST", validators+"?configuration_version=1&configuration_version=1", hostileReject, hostile400)
		add("ValidateConfiguration/Version10KB", "POST", validators+"?configuration_version="+long, hostileReject, hostile400or404)
		add("ValidateConfiguration/VersionSQL", "POST", validators+"?configuration_version="+q("1 OR 1=1"), hostileReject, hostile400or404)
		tags := "/tags/" + url.PathEscape(applicationARN(h.fx.app))
		many := func(n int, key func(int) string) string {
			var b strings.Builder
			for i := range n {
				if i > 0 {
					b.WriteByte('&')
				}
				b.WriteString("tagKeys=" + q(key(i)))
			}
			return b.String()
		}
		add("UntagResource/51TagKeys", "DELETE", tags+"?"+many(51, func(i int) string { return fmt.Sprint("k", i) }), hostileReject, hostile400)
		add("UntagResource/1000TagKeys", "DELETE", tags+"?"+many(1000, func(i int) string { return fmt.Sprint("k", i) }), hostileReject, hostile400)
		add("UntagResource/1000TagKeysAllTheSame", "DELETE", tags+"?"+many(1000, func(int) string { return "absent" }), hostileReject, hostile400)
		add("UntagResource/TagKey10KB", "DELETE", tags+"?tagKeys="+long, hostileEither, nil)
		add("UntagResource/TagKeyNUL", "DELETE", tags+"?tagKeys=%00", hostileEither, nil)
		add("UntagResource/TagKeyInvalidUTF8", "DELETE", tags+"?tagKeys=%FF", hostileEither, nil)
		add("UntagResource/TagKeySQL", "DELETE", tags+"?tagKeys="+q("' OR 1=1 --"), hostileEither, nil)
		add("UntagResource/TagKeyLikePercent", "DELETE", tags+"?tagKeys=%25", hostileEither, nil)
		add("GetLatestConfiguration/Token10KB", "GET", "/configuration?configuration_token="+long, hostileReject, hostile400)
		h.run(t, cases)
		// None of the UntagResource cases may have removed the fixture's
		// tag, whatever they answered.
		out, err := h.ts.control.ListTagsForResource(ctx(t), &appconfig.ListTagsForResourceInput{ResourceArn: aws.String(applicationARN(h.fx.app))})
		if err != nil || out.Tags["team"] != "hostile" {
			t.Errorf("tags of the fixture after the cases = %v, %v; want team=hostile", out, err)
		}
	})
}

// TestHostileHeaders sends hosted configuration versions with hostile
// headers, and bad values of the other header members.
func TestHostileHeaders(t *testing.T) {
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		versions := "/applications/" + h.fx.app + "/configurationprofiles/" + h.fx.profile + "/hostedconfigurationversions"
		hosted := func(name string, header http.Header, expect hostileExpect, statuses []int) hostileCase {
			if _, ok := header["Content-Type"]; !ok {
				header.Set("Content-Type", "application/json")
			}
			return hostileCase{
				name:           "CreateHostedConfigurationVersion/" + name,
				hostileRequest: hostileRequest{method: "POST", target: versions, header: header, body: []byte(`{"v":2}`)},
				expect:         expect, statuses: statuses,
			}
		}
		hdr := func(kv ...string) http.Header {
			h := http.Header{}
			for i := 0; i+1 < len(kv); i += 2 {
				h.Add(kv[i], kv[i+1])
			}
			return h
		}
		cases := []hostileCase{
			hosted("VersionLabelInvalidUTF8", hdr("VersionLabel", "\xff\xfe"), hostileReject, hostile400),
			hosted("VersionLabelTruncatedUTF8", hdr("VersionLabel", "caf\xc3"), hostileReject, hostile400),
			hosted("VersionLabelLatin1", hdr("VersionLabel", "caf\xe9"), hostileReject, hostile400),
			hosted("VersionLabel65Characters", hdr("VersionLabel", strings.Repeat("v", 65)), hostileReject, hostile400),
			hosted("VersionLabel10KB", hdr("VersionLabel", strings.Repeat("v", 10<<10)), hostileReject, hostile400),
			hosted("VersionLabelNumeric", hdr("VersionLabel", "123"), hostileReject, hostile400),
			hosted("DescriptionInvalidUTF8", hdr("Description", "\xff"), hostileReject, hostile400),
			hosted("DescriptionTruncatedUTF8", hdr("Description", "caf\xc3"), hostileReject, hostile400),
			hosted("DescriptionNonASCII", hdr("Description", "café"), hostileReject, hostile400),
			hosted("Description1025Characters", hdr("Description", strings.Repeat("d", 1025)), hostileReject, hostile400),
			hosted("ContentTypeInvalidUTF8", hdr("Content-Type", "application/\xff"), hostileReject, hostile400),
			hosted("ContentType256Characters", hdr("Content-Type", "application/"+strings.Repeat("x", 244)), hostileReject, hostile400),
			hosted("ContentTypeMissing", http.Header{"Content-Type": nil}, hostileReject, hostile400),
			hosted("ContentTypeEmpty", hdr("Content-Type", ""), hostileReject, hostile400),
			hosted("LatestVersionNumberText", hdr("Latest-Version-Number", "abc"), hostileReject, hostile400),
			hosted("LatestVersionNumberExponent", hdr("Latest-Version-Number", "1e0"), hostileReject, hostile400),
			hosted("LatestVersionNumberTwentyDigits", hdr("Latest-Version-Number", "99999999999999999999"), hostileReject, hostile400),
			hosted("LatestVersionNumberSQL", hdr("Latest-Version-Number", "1 OR 1=1"), hostileReject, hostile400),
			hosted("LatestVersionNumberNegative", hdr("Latest-Version-Number", "-1"), hostileReject, []int{http.StatusBadRequest, http.StatusConflict}),
			hosted("LatestVersionNumberStale", hdr("Latest-Version-Number", "0"), hostileReject, []int{http.StatusConflict}),
			hosted("LatestVersionNumberInvalidUTF8", hdr("Latest-Version-Number", "\xff"), hostileReject, hostile400),
			hosted("VersionLabelTab", hdr("VersionLabel", "a\tb"), hostileEither, nil),
		}
		// Bodies: empty and over the limit (1 MiB, and over what the
		// signature check reads).
		for _, b := range []struct {
			name     string
			size     int
			statuses []int
		}{
			{"EmptyContent", 0, hostile400},
			{"ContentOneByteOverLimit", 1<<20 + 1, []int{http.StatusRequestEntityTooLarge}},
			{"Content3MB", 3 << 20, []int{http.StatusRequestEntityTooLarge}},
		} {
			cases = append(cases, hostileCase{
				name:           "CreateHostedConfigurationVersion/" + b.name,
				hostileRequest: hostileRequest{method: "POST", target: versions, header: hdr("Content-Type", "application/octet-stream"), body: bytes.Repeat([]byte{'x'}, b.size)},
				statuses:       b.statuses,
			})
		}
		env := "/applications/" + h.fx.app + "/environments/" + h.fx.env
		profile := "/applications/" + h.fx.app + "/configurationprofiles/" + h.fx.profile
		for _, v := range []string{"NOPE", "apply", "\xff", "BYPASS BYPASS", strings.Repeat("A", 10<<10)} {
			cases = append(cases,
				hostileCase{name: "DeleteEnvironment/DeletionProtectionCheck/" + v, hostileRequest: hostileRequest{method: "DELETE", target: env, header: hdr("X-Amzn-Deletion-Protection-Check", v)}, statuses: hostile400},
				hostileCase{name: "DeleteConfigurationProfile/DeletionProtectionCheck/" + v, hostileRequest: hostileRequest{method: "DELETE", target: profile, header: hdr("X-Amzn-Deletion-Protection-Check", v)}, statuses: hostile400},
			)
		}
		h.run(t, cases)
		// StopDeployment's Allow-Revert needs a deployment to stop.
		started := h.send(t, hostileRequest{method: "POST", target: env + "/deployments", header: hdr("Content-Type", "application/json"),
			body: []byte(`{"DeploymentStrategyId":"` + h.strategy + `","ConfigurationProfileId":"` + h.fx.profile + `","ConfigurationVersion":"1"}`)})
		if started.status != http.StatusCreated {
			t.Fatalf("StartDeployment: %v", started)
		}
		h.state = h.snapshot(t)
		var revert []hostileCase
		for _, v := range []string{"yes", "1", "\xff", "true false", strings.Repeat("t", 10<<10)} {
			revert = append(revert, hostileCase{name: "StopDeployment/AllowRevert/" + v,
				hostileRequest: hostileRequest{method: "DELETE", target: env + "/deployments/1", header: hdr("Allow-Revert", v)}, statuses: hostile400})
		}
		h.run(t, revert)
	})
}

// TestHostileTransport sends unknown content types, Content-Length values
// that lie, bodies over the limits and methods no operation has.
func TestHostileTransport(t *testing.T) {
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		apps := "/applications"
		var cases []hostileCase
		for _, ct := range []struct{ name, contentType, body string }{
			{"FormURLEncoded", "application/x-www-form-urlencoded", "Name=form"},
			{"XML", "application/xml", "<CreateApplication><Name>xml</Name></CreateApplication>"},
			{"Multipart", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"Name\"\r\n\r\nmultipart\r\n--b--\r\n"},
			{"GzipClaimedPlainBody", "application/json", "\x1f\x8b\x08\x00garbage"},
		} {
			cases = append(cases, hostileCase{name: "CreateApplication/ContentType/" + ct.name,
				hostileRequest: hostileRequest{method: "POST", target: apps, header: http.Header{"Content-Type": {ct.contentType}}, body: []byte(ct.body)},
				statuses:       hostile400})
		}
		// A JSON body under another content type: AWS's restJson1
		// servers may insist on application/json; appconfigd may also
		// read it. Either way, accepted means stored as sent.
		for _, ct := range []string{"text/plain", "application/octet-stream", "application/json; charset=iso-8859-1", "application/x-amz-json-1.1", "\xff/\xfe"} {
			cases = append(cases, hostileCase{name: "CreateApplication/JSONBodyAsContentType/" + ct,
				hostileRequest: hostileRequest{method: "POST", target: apps, header: http.Header{"Content-Type": {ct}}, body: []byte(`{"Name":"typed"}`)},
				expect:         hostileEither, echo: map[string]string{"Name": "typed"}})
		}
		cases = append(cases, hostileCase{name: "CreateApplication/ContentEncodingGzip",
			hostileRequest: hostileRequest{method: "POST", target: apps, header: http.Header{"Content-Type": {"application/json"}, "Content-Encoding": {"gzip"}}, body: []byte(`{"Name":"gz"}`)},
			expect:         hostileEither, echo: map[string]string{"Name": "gz"}})
		cases = append(cases, hostileCase{name: "StartConfigurationSession/BodyOver16KB",
			hostileRequest: hostileRequest{method: "POST", target: "/configurationsessions", header: http.Header{"Content-Type": {"application/json"}},
				body: []byte(`{"ApplicationIdentifier":"` + strings.Repeat("a", 20<<10) + `"}`)},
			statuses: hostile400})
		for _, m := range []string{"PUT", "PROPFIND", "TRACE", "FOO", "OPTIONS"} {
			cases = append(cases, hostileCase{name: "UnknownMethod/" + m,
				hostileRequest: hostileRequest{method: m, target: apps, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(`{"Name":"method"}`)},
				statuses:       []int{http.StatusNotFound, http.StatusMethodNotAllowed}})
		}
		h.run(t, cases)

		// Content-Length that lies, sent on a raw connection since no
		// HTTP client sends one.
		for _, c := range []struct {
			name          string
			contentLength string
			body          string
			statuses      []int
			// plain: net/http refuses the request before any handler,
			// with its own text/plain 400; appconfigd cannot shape it.
			plain bool
		}{
			{name: "HugeContentLengthSmallBody", contentLength: "1000000000000", body: `{"Name":"x"}`, statuses: []int{http.StatusRequestEntityTooLarge}},
			{name: "MaxInt64ContentLength", contentLength: "9223372036854775807", body: `{"Name":"x"}`, statuses: []int{http.StatusRequestEntityTooLarge}},
			{name: "ContentLengthLongerThanBody", contentLength: "1000", body: `{"Name":"x"}`, statuses: hostile400},
			{name: "ContentLengthShorterThanBody", contentLength: "5", body: `{"Name":"x"}`, statuses: hostile400},
			{name: "ContentLength20Digits", contentLength: "99999999999999999999", body: `{"Name":"x"}`, statuses: hostile400, plain: true},
			{name: "NegativeContentLength", contentLength: "-1", body: `{"Name":"x"}`, statuses: hostile400, plain: true},
		} {
			t.Run("CreateApplication/"+c.name, func(t *testing.T) {
				resp := h.sendRawContentLength(t, "POST", apps, c.contentLength, []byte(c.body))
				if resp.status >= 500 {
					t.Errorf("server error %v", resp)
				}
				if !slices.Contains(c.statuses, resp.status) {
					t.Errorf("status %v; want one of %v", resp, c.statuses)
				}
				if !c.plain {
					checkHostileErrorDocument(t, c.name, resp)
				}
				after := h.snapshot(t)
				if after != h.state {
					t.Errorf("answered %v but changed what is stored:\n%s", resp, hostileDiff(h.state, after))
				}
				h.state = after
			})
		}
		// A chunked body (no Content-Length) over the limit.
		t.Run("CreateApplication/Chunked3MB", func(t *testing.T) {
			body := []byte(`{"Name":"x","Description":"` + strings.Repeat("a", 3<<20) + `"}`)
			req, err := http.NewRequestWithContext(ctx(t), "POST", h.ts.url+apps, io.MultiReader(bytes.NewReader(body)))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			hostileSign(t, req, body)
			resp, err := hostileClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			h.judge(t, hostileCase{name: "Chunked3MB", hostileRequest: hostileRequest{method: "POST", target: apps}, statuses: hostile400or413},
				hostileResponse{status: resp.StatusCode, header: resp.Header, body: b})
		})
	})
}

// sendRawContentLength writes a signed request with a Content-Length
// header of the given text, whatever the body's length, on its own
// connection, then closes the writing side.
func (h *hostileEnv) sendRawContentLength(t *testing.T, method, target, contentLength string, body []byte) hostileResponse {
	t.Helper()
	req, err := http.NewRequest(method, h.ts.url+target, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	signed := body
	if n, err := strconv.ParseInt(contentLength, 10, 64); err == nil && n > 0 {
		req.ContentLength = n // signed as the SDK signs it
		if n < int64(len(body)) {
			// The server reads n bytes; the rest is the next request.
			signed = body[:n]
		}
	}
	hostileSign(t, req, signed)
	conn, err := net.DialTimeout("tcp", h.ts.daemon.Addr(), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Minute))
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, req.Host)
	for k, vs := range req.Header {
		for _, v := range vs {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(&b, "Content-Length: %s\r\nConnection: close\r\n\r\n", contentLength)
	b.Write(body)
	if _, err := conn.Write(b.Bytes()); err != nil {
		t.Fatal(err)
	}
	_ = conn.(*net.TCPConn).CloseWrite()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	return hostileResponse{status: resp.StatusCode, header: resp.Header, body: rb}
}

// TestHostileDataPlane sends bogus configuration tokens and session
// requests naming hostile identifiers.
func TestHostileDataPlane(t *testing.T) {
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		tok := h.token
		flipped := []byte(tok)
		flipped[len(flipped)/2] ^= 1
		var cases []hostileCase
		for _, v := range []struct{ name, token string }{
			{"Missing", ""},
			{"Garbage", "garbage"},
			{"FlippedCharacter", string(flipped)},
			{"Truncated", tok[:len(tok)-4]},
			{"Extended", tok + "AAAA"},
			{"Padded", tok + "=="},
			{"PlusCharacter", tok[:10] + "+" + tok[11:]},
			{"SlashCharacter", tok[:10] + "/" + tok[11:]},
			{"Uppercased", strings.ToUpper(tok)},
			{"SQLOr", "' OR 1=1 --"},
			{"PathTraversal", "../../etc/passwd"},
			{"NUL", "\x00"},
			{"InvalidUTF8", "\xff\xfe"},
			{"8193Characters", strings.Repeat("A", 8193)},
			{"AllZeroKeyID", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
			{"UnknownKeyID", "_____________________________________________"},
		} {
			target := "/configuration"
			if v.name != "Missing" {
				target += "?configuration_token=" + url.QueryEscape(v.token)
			}
			cases = append(cases, hostileCase{name: "GetLatestConfiguration/" + v.name, hostileRequest: hostileRequest{method: "GET", target: target}, statuses: hostile400})
		}
		session := func(app, env, profile string) []byte {
			b, _ := json.Marshal(map[string]string{"ApplicationIdentifier": app, "EnvironmentIdentifier": env, "ConfigurationProfileIdentifier": profile})
			return b
		}
		for _, v := range []struct{ name, ident string }{
			{"PathTraversal", "../../etc/passwd"},
			{"SQLOr", "' OR 1=1 --"},
			{"SQLDropTable", `"; DROP TABLE applications; --`},
			{"LikePercent", "%"},
			{"LikeUnderscores", "_______"},
			{"NUL", "\x00"},
			{"Newline", "hostile-app\n"},
			{"129Characters", strings.Repeat("a", 129)},
			{"Empty", ""},
		} {
			for i, field := range []string{"Application", "Environment", "ConfigurationProfile"} {
				idents := []string{h.fx.app, h.fx.env, h.fx.profile}
				idents[i] = v.ident
				cases = append(cases, hostileCase{
					name: "StartConfigurationSession/" + field + "Identifier/" + v.name,
					hostileRequest: hostileRequest{method: "POST", target: "/configurationsessions", header: http.Header{"Content-Type": {"application/json"}},
						body: session(idents[0], idents[1], idents[2])},
					statuses: hostile400or404,
				})
			}
		}
		h.run(t, cases)
		// The token the cases were derived from still works.
		if out := poll(t, h.ts.data, tok); string(out.Configuration) != "" {
			t.Errorf("poll with nothing deployed: %q; want empty", out.Configuration)
		}
	})
}

// TestHostileValidators gives the fixture's profile validators whose
// content is hostile: schemas that point at files and the network, that
// refer to themselves, that nest deeply, that are too long; Lambda
// "functions" shaped like paths and SQL. A validator the server takes must
// then run (ValidateConfiguration) to a 204 or a 400 in bounded time.
func TestHostileValidators(t *testing.T) {
	nest := func(open, close string, n int) string {
		return strings.Repeat(open, n) + "{}" + strings.Repeat(close, n)
	}
	validators := []struct {
		name, typ, content string
		expect             hostileExpect
	}{
		{"SchemaRefToFile", "JSON_SCHEMA", `{"$ref":"file:///etc/passwd"}`, hostileReject},
		{"SchemaRefToMetadataService", "JSON_SCHEMA", `{"$ref":"http://169.254.169.254/latest/meta-data/"}`, hostileReject},
		{"SchemaRefTraversal", "JSON_SCHEMA", `{"$ref":"../../etc/passwd#"}`, hostileReject},
		{"SchemaUnknownMetaSchema", "JSON_SCHEMA", `{"$schema":"http://schemas.invalid/evil#"}`, hostileReject},
		{"SchemaNotJSON", "JSON_SCHEMA", `' OR 1=1 --`, hostileReject},
		{"SchemaTrailingGarbage", "JSON_SCHEMA", `{"type":"object"}]`, hostileReject},
		{"SchemaInvalidUTF8", "JSON_SCHEMA", "{\"type\":\"\xff\"}", hostileReject},
		{"SchemaNestedTooDeep", "JSON_SCHEMA", nest(`{"items":`, `}`, 10_001), hostileReject},
		{"SchemaOver32KB", "JSON_SCHEMA", `{"description":"` + strings.Repeat("a", 32<<10) + `"}`, hostileReject},
		{"UnknownType", "JSON_SCHEMA ", `{}`, hostileReject},
		{"WebhookWithoutHost", "LAMBDA", "http://", hostileReject},
		{"WebhookUnparsable", "LAMBDA", "https://[::1", hostileReject},
		{"SchemaSelfReference", "JSON_SCHEMA", `{"$ref":"#"}`, hostileEither},
		{"SchemaReferenceCycle", "JSON_SCHEMA", `{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}`, hostileEither},
		{"SchemaNested5000", "JSON_SCHEMA", nest(`{"not":{"not":`, `}}`, 2_500), hostileEither},
		{"SchemaAllOf300", "JSON_SCHEMA", nest(`{"allOf":[`, `]}`, 300), hostileEither},
		{"SchemaBacktrackingPattern", "JSON_SCHEMA", `{"type":"object","properties":{"feature":{"type":"string","pattern":"^(a+)+$"}},"patternProperties":{"^(a|a)*$":{}}}`, hostileEither},
		{"SchemaBadPattern", "JSON_SCHEMA", `{"type":"object","patternProperties":{"[":{}}}`, hostileEither},
		{"LambdaPathTraversal", "LAMBDA", "../../etc/passwd", hostileEither},
		{"LambdaFileURL", "LAMBDA", "file:///etc/passwd", hostileEither},
		{"LambdaSQL", "LAMBDA", "arn:aws:lambda:us-east-1:000000000000:function:' OR 1=1 --", hostileEither},
		{"WebhookRefused", "LAMBDA", "http://127.0.0.1:1/validate", hostileEither},
	}
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		profile := "/applications/" + h.fx.app + "/configurationprofiles/" + h.fx.profile
		jsonHeader := http.Header{"Content-Type": {"application/json"}}
		for _, v := range validators {
			t.Run(v.name, func(t *testing.T) {
				body, _ := json.Marshal(map[string]any{"Validators": []map[string]string{{"Type": v.typ, "Content": v.content}}})
				if strings.Contains(v.content, "\xff") {
					// json.Marshal would replace the invalid byte.
					body = []byte(`{"Validators":[{"Type":"JSON_SCHEMA","Content":"` + strings.ReplaceAll(v.content, `"`, `\"`) + `"}]}`)
				}
				c := hostileCase{name: v.name, hostileRequest: hostileRequest{method: "PATCH", target: profile, header: jsonHeader, body: body}, expect: v.expect, statuses: hostile400}
				resp := h.send(t, c.hostileRequest)
				h.judge(t, c, resp)
				if resp.status != http.StatusOK {
					return
				}
				start := time.Now()
				run := h.send(t, hostileRequest{method: "POST", target: profile + "/validators?configuration_version=1"})
				if run.status != http.StatusNoContent && run.status != http.StatusBadRequest {
					t.Errorf("ValidateConfiguration with validator %s: %v; want 204 or 400", v.name, run)
				}
				if run.status >= 400 {
					checkHostileErrorDocument(t, "ValidateConfiguration", run)
				}
				if took := time.Since(start); took > 20*time.Second {
					t.Errorf("ValidateConfiguration with validator %s took %v", v.name, took)
				}
				undo := h.send(t, hostileRequest{method: "PATCH", target: profile, header: jsonHeader, body: []byte(`{"Validators":[]}`)})
				if undo.status != http.StatusOK {
					t.Fatalf("remove the validators: %v", undo)
				}
				h.state = h.snapshot(t)
			})
		}
	})
}

// TestHostileValidatorCompileTime gives the fixture's profile a JSON
// Schema validator of 18 KB, well inside the 32 KB limit, that nests
// allOf 1,500 deep. Compiling such a schema costs seconds of CPU (more
// than quadratic in the depth), and any admin key could send them in a
// loop, so the server refuses schemas nested deeper than a real one ever
// is, before compiling them. Run on SQLite only; the store plays no part.
func TestHostileValidatorCompileTime(t *testing.T) {
	t.Parallel()
	h := newHostileEnv(t)
	const depth = 1_500
	content := strings.Repeat(`{"allOf":[`, depth) + "{}" + strings.Repeat(`]}`, depth)
	body, _ := json.Marshal(map[string]any{"Validators": []map[string]string{{"Type": "JSON_SCHEMA", "Content": content}}})
	c := hostileCase{
		name: "NestedAllOf",
		hostileRequest: hostileRequest{method: "PATCH", target: "/applications/" + h.fx.app + "/configurationprofiles/" + h.fx.profile,
			header: http.Header{"Content-Type": {"application/json"}}, body: body},
		expect: hostileReject,
	}
	resp := h.send(t, c.hostileRequest)
	h.judge(t, c, resp)
	if !strings.Contains(fmt.Sprint(resp), "nested") {
		t.Errorf("UpdateConfigurationProfile with a schema nested %d deep: %v; want it refused for its nesting", depth, resp)
	}
}

// TestHostileValidInputAccepted sends input that looks hostile but is
// valid and must be stored exactly as sent: Unicode at the length limits,
// names shaped like SQL, paths and markup, and opaque configuration
// content full of invalid UTF-8 and NUL bytes. It also sends every valid
// body the other tests derive their cases from.
func TestHostileValidInputAccepted(t *testing.T) {
	hostileRun(t, func(t *testing.T, h *hostileEnv) {
		c := h.ts.control
		t.Run("ValidBodies", func(t *testing.T) {
			// StartDeployment last: it leaves the environment deploying.
			ops := h.jsonOps()
			slices.SortStableFunc(ops, func(a, b hostileOp) int {
				switch {
				case a.name == "StartDeployment":
					return 1
				case b.name == "StartDeployment":
					return -1
				}
				return 0
			})
			for _, op := range ops {
				t.Run(op.name, func(t *testing.T) {
					resp := h.send(t, op.request(op.body("", "")))
					if resp.status < 200 || resp.status > 299 {
						t.Errorf("%s with its valid body %s: %v", op.name, op.body("", ""), resp)
					}
				})
			}
			h.state = h.snapshot(t)
		})

		names := []string{
			"café ☕",
			"日本語のアプリ",
			strings.Repeat("☕", 64),
			strings.Repeat("🚀", 64),
			"../../etc/passwd",
			"%2e%2e%2f",
			"' OR 1=1 --",
			`"; DROP TABLE applications; --`,
			"Robert'); DROP TABLE applications;--",
			"%00",
			"_______",
			"%",
			"<script>alert(1)</script>",
			"${jndi:ldap://x}",
			"{{7*7}}",
			`\u0000`,
		}
		t.Run("Names", func(t *testing.T) {
			before, err := c.ListApplications(ctx(t), &appconfig.ListApplicationsInput{MaxResults: aws.Int32(50)})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range names {
				t.Run(name, func(t *testing.T) {
					body, _ := json.Marshal(map[string]any{"Name": name, "Description": name, "Tags": map[string]string{name: name}})
					resp := h.send(t, hostileRequest{method: "POST", target: "/applications", header: http.Header{"Content-Type": {"application/json"}}, body: body})
					if resp.status != http.StatusCreated {
						t.Fatalf("CreateApplication(%q): %v", name, resp)
					}
					var created struct{ Id, Name, Description string }
					if err := json.Unmarshal(resp.body, &created); err != nil || created.Name != name || created.Description != name {
						t.Fatalf("CreateApplication(%q) answered %s (%v)", name, resp.body, err)
					}
					got, err := c.GetApplication(ctx(t), &appconfig.GetApplicationInput{ApplicationId: aws.String(created.Id)})
					if err != nil || aws.ToString(got.Name) != name {
						t.Errorf("GetApplication = %q, %v; want %q", aws.ToString(got.Name), err, name)
					}
					tags, err := c.ListTagsForResource(ctx(t), &appconfig.ListTagsForResourceInput{ResourceArn: aws.String(applicationARN(created.Id))})
					if err != nil || len(tags.Tags) != 1 || tags.Tags[name] != name {
						t.Errorf("tags = %v, %v; want {%q: %q}", tags, err, name, name)
					}
					// Environments and profiles by the same name.
					env := createEnvironment(t, c, created.Id, name)
					profile := createProfile(t, c, created.Id, name)
					// The name resolves through the data plane too, as
					// an identifier of nothing but itself.
					session := func(app, env, profile string) hostileResponse {
						b, _ := json.Marshal(map[string]string{"ApplicationIdentifier": app, "EnvironmentIdentifier": env, "ConfigurationProfileIdentifier": profile})
						return h.send(t, hostileRequest{method: "POST", target: "/configurationsessions", header: http.Header{"Content-Type": {"application/json"}}, body: b})
					}
					if r := session(created.Id, env, profile); r.status != http.StatusCreated {
						t.Errorf("StartConfigurationSession by IDs: %v", r)
					}
					if r := session(name, name, name); r.status != http.StatusCreated {
						t.Errorf("StartConfigurationSession by names: %v", r)
					}
				})
			}
			after, err := c.ListApplications(ctx(t), &appconfig.ListApplicationsInput{MaxResults: aws.Int32(50)})
			if err != nil {
				t.Fatalf("ListApplications after the SQL-shaped names: %v", err)
			}
			if got, want := len(after.Items), len(before.Items)+len(names); got != want {
				t.Errorf("%d applications; want %d", got, want)
			}
		})

		t.Run("NameLengthsInCharacters", func(t *testing.T) {
			for _, name := range []string{strings.Repeat("🚀", 65), strings.Repeat("é", 65), strings.Repeat("a", 65)} {
				body, _ := json.Marshal(map[string]string{"Name": name})
				resp := h.send(t, hostileRequest{method: "POST", target: "/applications", header: http.Header{"Content-Type": {"application/json"}}, body: body})
				if resp.status != http.StatusBadRequest {
					t.Errorf("CreateApplication of 65 characters (%d bytes): %v; want 400", len(name), resp)
				}
			}
			h.state = h.snapshot(t)
		})

		t.Run("OpaqueContent", func(t *testing.T) {
			contents := [][]byte{
				[]byte("\xff\xfe\x00\x01invalid UTF-8 and NUL\x00"),
				[]byte(strings.Repeat("[", 100_000)),
				[]byte("' OR 1=1 --"),
				bytes.Repeat([]byte{0}, 1<<20),
			}
			fx := fixture{app: h.fx.app, env: createEnvironment(t, c, h.fx.app, "opaque-env"), profile: createProfile(t, c, h.fx.app, "opaque-profile")}
			for i, content := range contents {
				label := fmt.Sprintf("v%d café ☕", i)
				resp := h.send(t, hostileRequest{method: "POST", target: "/applications/" + fx.app + "/configurationprofiles/" + fx.profile + "/hostedconfigurationversions",
					header: http.Header{"Content-Type": {"application/octet-stream"}, "Versionlabel": {label}, "Description": {"' OR 1=1 --"}}, body: content})
				if resp.status != http.StatusCreated || !bytes.Equal(resp.body, content) || resp.header.Get("VersionLabel") != label {
					t.Fatalf("CreateHostedConfigurationVersion %d: %d, %d bytes, label %q; want 201 echoing %d bytes and %q",
						i, resp.status, len(resp.body), resp.header.Get("VersionLabel"), len(content), label)
				}
				number := resp.header.Get("Version-Number")
				got, err := c.GetHostedConfigurationVersion(ctx(t), &appconfig.GetHostedConfigurationVersionInput{
					ApplicationId: aws.String(fx.app), ConfigurationProfileId: aws.String(fx.profile), VersionNumber: aws.Int32(int32(hostileAtoi(t, number))),
				})
				if err != nil || !bytes.Equal(got.Content, content) || aws.ToString(got.VersionLabel) != label || aws.ToString(got.Description) != "' OR 1=1 --" {
					t.Fatalf("GetHostedConfigurationVersion %s: %v", number, err)
				}
				startDeployment(t, c, fx, number, "AppConfig.AllAtOnce")
				out := poll(t, h.ts.data, startSession(t, h.ts.data, fx, 0))
				if !bytes.Equal(out.Configuration, content) || aws.ToString(out.VersionLabel) != label {
					t.Errorf("GetLatestConfiguration: %d bytes, label %q; want %d bytes and %q", len(out.Configuration), aws.ToString(out.VersionLabel), len(content), label)
				}
				// Let the bake end, so the next version can deploy.
				h.ts.advance(t, bakeTime+time.Minute)
			}
		})

		t.Run("Queries", func(t *testing.T) {
			page, err := c.ListApplications(ctx(t), &appconfig.ListApplicationsInput{MaxResults: aws.Int32(1)})
			if err != nil || page.NextToken == nil {
				t.Fatalf("ListApplications MaxResults 1: %v, %v", page, err)
			}
			for _, target := range []string{
				"/applications?max_results=50",
				"/applications?max_results=1&next_token=" + url.QueryEscape(aws.ToString(page.NextToken)),
				"/applications?unknown=%00&unknown=" + url.QueryEscape("' OR 1=1 --"),
				"/applications/" + h.fx.app + "/configurationprofiles/" + h.fx.profile + "/hostedconfigurationversions?version_label=" + url.QueryEscape("v*"),
				"/applications/" + h.fx.app + "/configurationprofiles/" + h.fx.profile + "/hostedconfigurationversions?version_label=" + url.QueryEscape("café*"),
				"/configuration?configuration_token=" + url.QueryEscape(h.token),
			} {
				if resp := h.send(t, hostileRequest{method: "GET", target: target}); resp.status != http.StatusOK {
					t.Errorf("GET %s: %v; want 200", target, resp)
				}
			}
			var keys []string
			for i := range 50 {
				keys = append(keys, "tagKeys="+fmt.Sprint("absent", i))
			}
			resp := h.send(t, hostileRequest{method: "DELETE", target: "/tags/" + url.PathEscape(applicationARN(h.fx.app)) + "?" + strings.Join(keys, "&")})
			if resp.status != http.StatusNoContent {
				t.Errorf("UntagResource with 50 keys: %v; want 204", resp)
			}
			strategy, err := c.GetDeploymentStrategy(ctx(t), &appconfig.GetDeploymentStrategyInput{DeploymentStrategyId: aws.String(h.strategy)})
			if err != nil || strategy.DeploymentDurationInMinutes == 0 {
				t.Errorf("GetDeploymentStrategy: %v, %v", strategy, err)
			}
		})
	})
}

func hostileAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("Atoi(%q): %v", s, err)
	}
	return n
}
