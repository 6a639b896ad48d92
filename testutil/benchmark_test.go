package testutil_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pipes-emulator/pipes-emulator/testutil"
)

// Figures are in the README:
//
//	go test ./testutil -run '^$' -bench . -benchtime 2000x
//
// Goals: Start + one request + close under 1 ms (median) once the spec is parsed; the first
// Start of a process under 50 ms.

// startServeClose is one use of the emulator in a test: start, one request, close.
func startServeClose(tb testing.TB) {
	emu, err := testutil.New()
	if err != nil {
		tb.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, emu.URL()+"/data-integrations/github", nil)
	req.Header.Set("Authorization", "Bearer "+emu.APIKey())
	res, err := emu.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("status %d", res.StatusCode)
	}
	emu.Close()
}

func BenchmarkStartRequestClose(b *testing.B) {
	startServeClose(b) // the spec and fixtures are parsed once per process, before timing
	times := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		begin := time.Now()
		startServeClose(b)
		times = append(times, time.Since(begin))
	}
	b.StopTimer()
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "median-µs")
	b.ReportMetric(float64(times[len(times)*9/10].Microseconds()), "p90-µs")
}

// BenchmarkHTTPTestBaseline is the floor: an httptest server with a trivial handler, one request,
// close.
func BenchmarkHTTPTestBaseline(b *testing.B) {
	times := make([]time.Duration, 0, b.N)
	for b.Loop() {
		begin := time.Now()
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
		res, err := ts.Client().Get(ts.URL)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		ts.Close()
		times = append(times, time.Since(begin))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Microseconds()), "median-µs")
}

// BenchmarkFirstStart measures the first Start of a fresh process (spec and fixtures parsed),
// by running this test binary again: each run is one new process that times its own first
// start-request-close.
func BenchmarkFirstStart(b *testing.B) {
	var firsts []time.Duration
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFirstStartChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "PIPES_EMULATOR_FIRST_START_CHILD=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		_, after, ok := strings.Cut(string(out), "first-start-ns=")
		if !ok {
			b.Fatalf("child printed no measure:\n%s", out)
		}
		ns, err := strconv.ParseInt(strings.Fields(after)[0], 10, 64)
		if err != nil {
			b.Fatal(err)
		}
		firsts = append(firsts, time.Duration(ns))
	}
	slices.Sort(firsts)
	b.ReportMetric(float64(firsts[len(firsts)/2].Microseconds())/1000, "first-start-median-ms")
	b.ReportMetric(float64(firsts[len(firsts)-1].Microseconds())/1000, "first-start-max-ms")
}

func TestFirstStartChild(t *testing.T) {
	if os.Getenv("PIPES_EMULATOR_FIRST_START_CHILD") == "" {
		t.Skip("run by BenchmarkFirstStart in a fresh process")
	}
	begin := time.Now()
	startServeClose(t)
	fmt.Printf("first-start-ns=%d\n", time.Since(begin).Nanoseconds())
}
