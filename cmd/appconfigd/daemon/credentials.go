package daemon

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/appconfigd/appconfigd/accesskey"
)

// printCredentials tells the operator how clients authenticate: how to use
// the generated or environment admin key with the AWS CLI (never printing a
// secret), which keys came from the key file, or, with --auth=off, that
// anyone who reaches the port is an admin.
func (d *Daemon) printCredentials(w io.Writer, logger *slog.Logger) {
	usage := accesskey.CLIUsage{EndpointURL: d.URL(), Region: d.Config.Region}
	switch {
	case d.keys == nil:
		logger.Warn("authentication is off: anyone who can reach " + d.Addr() + " can read and change every configuration")
		fmt.Fprintf(w, `Authentication is OFF (--auth=off): any AWS credentials are accepted. Try:
  export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=%[2]s
  aws appconfig list-deployment-strategies --endpoint-url %[1]s
`, d.URL(), d.Config.Region)
	case d.loaded.Generated != nil:
		verb := "Using the"
		if d.loaded.Created {
			verb = "Generated an"
		}
		usage.SecretFile = d.loaded.GeneratedPath
		fmt.Fprintf(w, "%s admin access key in %s. Use it with the AWS CLI:\n%s", verb, d.loaded.GeneratedPath, accesskey.ShellExports(*d.loaded.Generated, usage))
	default:
		for _, k := range d.keys.Keys() {
			logger.Info("access key", "name", k.Name, "access_key_id", k.AccessKeyID, "role", k.Role)
			if k.Name == accesskey.EnvKeyName {
				usage.SecretEnv = accesskey.EnvSecretAccessKey
				fmt.Fprintf(w, "Clients sign requests with the access keys configured. With the admin key of the environment:\n%s", accesskey.ShellExports(k, usage))
			}
		}
	}
}
