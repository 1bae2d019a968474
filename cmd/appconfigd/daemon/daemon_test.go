package daemon

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/smithy-go"

	"github.com/appconfigd/appconfigd"
	"github.com/appconfigd/appconfigd/accesskey"
)

const (
	testKeyID  = "AKIDDAEMONTEST"
	testSecret = "daemon-test-secret-0123456789"
)

// openDaemon opens a daemon on 127.0.0.1:0 with one admin key and the
// given changes to its configuration, and closes it when the test ends.
func openDaemon(t *testing.T, change func(*Config)) *Daemon {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.DataDir = t.TempDir()
	keys, err := accesskey.NewSet(accesskey.Key{Name: "admin", AccessKeyID: testKeyID, SecretAccessKey: testSecret, Role: appconfigd.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Keys = keys
	change(&cfg)
	d := New(cfg)
	if err := d.Open(context.Background()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func client(url string, httpClient *http.Client) *appconfig.Client {
	return appconfig.New(appconfig.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(testKeyID, testSecret, ""),
		BaseEndpoint: aws.String(url),
		HTTPClient:   httpClient,
		Retryer:      aws.NopRetryer{},
	})
}

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "appconfigd test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestTLS(t *testing.T) {
	t.Parallel()
	certFile, keyFile, pool := selfSigned(t)
	d := openDaemon(t, func(c *Config) { c.TLSCert, c.TLSKey = certFile, keyFile })
	if got := d.URL(); got[:8] != "https://" {
		t.Fatalf("URL = %s, want https", got)
	}
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if _, err := client(d.URL(), trusting).ListApplications(t.Context(), &appconfig.ListApplicationsInput{}); err != nil {
		t.Errorf("ListApplications over TLS: %v", err)
	}
	plain := "http://" + d.Addr()
	if _, err := client(plain, http.DefaultClient).ListApplications(t.Context(), &appconfig.ListApplicationsInput{}); err == nil {
		t.Error("plain HTTP to the TLS port succeeded")
	}
}

func TestTLSNeedsCertificateAndKey(t *testing.T) {
	t.Parallel()
	cfg := DefaultConfig()
	cfg.Listen, cfg.DataDir, cfg.TLSCert = "127.0.0.1:0", t.TempDir(), "cert.pem"
	if err := New(cfg).Open(context.Background()); err == nil {
		t.Error("Open with a certificate and no key succeeded")
	}
}

func TestRateLimitPerKey(t *testing.T) {
	t.Parallel()
	d := openDaemon(t, func(c *Config) { c.RateLimit, c.RateBurst = 0.001, 2 })
	c := client(d.URL(), http.DefaultClient)
	for i := range 2 {
		if _, err := c.ListApplications(t.Context(), &appconfig.ListApplicationsInput{}); err != nil {
			t.Fatalf("request %d within the burst: %v", i+1, err)
		}
	}
	_, err := c.ListApplications(t.Context(), &appconfig.ListApplicationsInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ThrottlingException" {
		t.Fatalf("request beyond the burst: %v, want ThrottlingException", err)
	}
}
