package emulator

import (
	"crypto/rand"
	"io"
	"sync"
	"time"

	"github.com/oklog/ulid/v2"
)

// idGenerator makes prefixed ULIDs that increase strictly in the order they are made, even
// when the clock stands still or is set back (tests move the emulator's clock), because ID
// order is creation order for pagination.
type idGenerator struct {
	mu      sync.Mutex
	clock   func() time.Time
	entropy *ulid.MonotonicEntropy
	lastMs  uint64
}

func newIDGenerator(clock func() time.Time, entropy io.Reader) *idGenerator {
	if entropy == nil {
		entropy = rand.Reader
	}
	return &idGenerator{clock: clock, entropy: ulid.Monotonic(entropy, 0)}
}

// New returns prefix followed by a fresh ULID.
func (g *idGenerator) New(prefix string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	ms := max(ulid.Timestamp(g.clock()), g.lastMs)
	id, err := ulid.New(ms, g.entropy)
	if err != nil {
		// The monotonic entropy ran out within one millisecond: move to the next one.
		ms++
		id = ulid.MustNew(ms, g.entropy)
	}
	g.lastMs = ms
	return prefix + id.String()
}

// observe makes every later ID sort after id (prefix and ULID), an ID the generator did not make:
// a fixture's, which may carry a time later than the emulator's clock.
func (g *idGenerator) observe(id string) {
	if len(id) < 26 {
		return
	}
	u, err := ulid.ParseStrict(id[len(id)-26:])
	if err != nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	// The next millisecond: within the same one, fresh entropy could sort below id.
	g.lastMs = max(g.lastMs, u.Time()+1)
}
