package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkStartToHealthy measures the binary from process start to its first 200 on
// /_emulator/health: what a CI job waits before its tests can run. The goal is under 50 ms.
//
//	go test ./cmd/pipes-emulator -run '^$' -bench StartToHealthy -benchtime 30x
func BenchmarkStartToHealthy(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "pipes-emulator")
	if out, err := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	client := &http.Client{Timeout: time.Second}
	var times []time.Duration
	for b.Loop() {
		addr := freeAddr(b)
		cmd := exec.Command(bin, "-addr", addr, "-log-level", "error")
		cmd.Stderr = os.Stderr
		begin := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		for {
			res, err := client.Get("http://" + addr + "/_emulator/health")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Since(begin) > 10*time.Second {
				b.Fatal("the binary never answered /_emulator/health")
			}
			time.Sleep(200 * time.Microsecond)
		}
		times = append(times, time.Since(begin))
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			b.Fatalf("the binary did not exit 0 on SIGTERM: %v", err)
		}
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "start-to-healthy-median-ms")
	b.ReportMetric(float64(times[len(times)-1].Microseconds())/1000, "start-to-healthy-max-ms")
}

func freeAddr(b *testing.B) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return fmt.Sprintf("127.0.0.1:%d", ln.Addr().(*net.TCPAddr).Port)
}
