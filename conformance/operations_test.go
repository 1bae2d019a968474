package conformance

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/appconfig"
	"github.com/aws/aws-sdk-go-v2/service/appconfigdata"
)

// TestEveryOperationIsExercised checks that the conformance tests call every
// operation of the pinned AppConfig and AppConfigData clients through the
// SDK at least once, so that an operation added to the server, or to the
// clients when they are upgraded, cannot go without a wire test.
func TestEveryOperationIsExercised(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	called := make(map[string]bool)
	// An SDK call reads `.Operation(ctx, &appconfig.OperationInput{`; the
	// input type names the operation whatever the client is called.
	call := regexp.MustCompile(`&appconfig(?:data)?\.([A-Z][A-Za-z]+)Input\{`)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllSubmatch(src, -1) {
			called[string(m[1])] = true
		}
	}
	var missing []string
	for _, client := range []any{&appconfig.Client{}, &appconfigdata.Client{}} {
		ops := operations(reflect.TypeOf(client))
		if !slices.Contains(ops, "GetLatestConfiguration") && !slices.Contains(ops, "StartDeployment") {
			t.Fatalf("found no operations of %T: %v", client, ops)
		}
		for _, op := range ops {
			if !called[op] {
				missing = append(missing, op)
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("no conformance test calls %d operations through the SDK: %v", len(missing), missing)
	}
}

// operations returns the names of a generated SDK client's operations: the
// methods whose second argument is a pointer to the operation's input.
func operations(client reflect.Type) []string {
	var ops []string
	for i := range client.NumMethod() {
		m := client.Method(i)
		// The receiver, ctx, the input, the option functions.
		if m.Type.NumIn() != 4 {
			continue
		}
		in := m.Type.In(2)
		if in.Kind() == reflect.Pointer && in.Elem().Name() == m.Name+"Input" {
			ops = append(ops, m.Name)
		}
	}
	slices.Sort(ops)
	return ops
}
