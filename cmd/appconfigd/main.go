// Command appconfigd is a self-hosted server for the AWS AppConfig and
// AppConfigData APIs. Run `appconfigd help` for usage.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/appconfigd/appconfigd/cmd/appconfigd/daemon"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := daemon.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
