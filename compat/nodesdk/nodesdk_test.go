package nodesdk_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipes-emulator/pipes-emulator/testutil"
)

// The pinned SDK versions, each a folder of testdata with package.json and package-lock.json.
// 12.3.0 is current; 10.9.0 crashes on credentials: null, restarts its auto-pagination from the
// first page and leaves connected-account dates as strings, which makes it a good guard.
var versions = []string{"v12", "v10"}

// requireNode returns the paths of node and npm, skipping the test where they are absent,
// except in CI (CI=true), where their absence is a failure.
func requireNode(t *testing.T) (node, npm string) {
	t.Helper()
	node, nodeErr := exec.LookPath("node")
	npm, npmErr := exec.LookPath("npm")
	if nodeErr == nil && npmErr == nil {
		return node, npm
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("node and npm are needed in CI (node: %v, npm: %v); .ci/run installs them", nodeErr, npmErr)
	}
	t.Skip("node or npm is not installed: skipping the official SDK tests")
	return "", ""
}

func TestOfficialNodeSDK(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the SDK tests install packages and take seconds")
	}
	node, npm := requireNode(t)
	for _, version := range versions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			dir, err := filepath.Abs(filepath.Join("testdata", version))
			if err != nil {
				t.Fatal(err)
			}
			install(t, npm, dir)

			emu := testutil.Start(t)
			t.Run("every call", func(t *testing.T) {
				runScript(t, node, dir, emu.URL(), emu.NewEnvironment(), "main")
			})
			t.Run("retries a 429 injected over the control plane", func(t *testing.T) {
				key := emu.NewEnvironment()
				runScript(t, node, dir, emu.URL(), key, "retry")
				if faults := emu.Faults(key); len(faults) != 0 {
					t.Errorf("the fault should have fired once and gone: %+v", faults)
				}
			})
		})
	}
}

// nodeMajor is the major version of node.
func nodeMajor(t *testing.T, node string) int {
	t.Helper()
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		t.Fatalf("node --version: %v", err)
	}
	var major int
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "v%d", &major); err != nil {
		t.Fatalf("node --version printed %q", out)
	}
	return major
}

// install runs npm ci in dir: exactly the locked SDK, from the npm registry.
func install(t *testing.T, npm, dir string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund", "--loglevel=error")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
}

func runScript(t *testing.T, node, sdkDir, url, key, scenario string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	script, err := filepath.Abs(filepath.Join("testdata", "sdk_test.cjs"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, node, script, scenario)
	cmd.Env = append(os.Environ(), "SDK_DIR="+sdkDir, "EMULATOR_URL="+url, "API_KEY="+key, "WORKOS_API_KEY=")
	if nodeMajor(t, node) < 20 {
		// Debian 12's node is 18, where the SDKs (which ask for 22) find no global crypto
		// unless it is switched on; everything else they use is there.
		cmd.Env = append(cmd.Env, "NODE_OPTIONS=--experimental-global-webcrypto")
	}
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("the SDK script failed: %v", err)
	}
}
