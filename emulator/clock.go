package emulator

import (
	"sync"
	"time"
)

// Clock is the emulator's time, which tests (testutil) and the control plane (/_emulator/clock)
// can move: timestamps, token expiry and idempotency windows follow it. It is safe for
// concurrent use.
type Clock struct {
	mu      sync.Mutex
	stopped bool
	at      time.Time     // the time, when stopped
	offset  time.Duration // added to the real time, when running
}

// NewClock returns a clock stopped at start: it moves only with Advance and Set.
func NewClock(start time.Time) *Clock { return &Clock{stopped: true, at: start} }

// NewRunningClock returns a clock that follows the real time, shifted by every Advance and Set.
func NewRunningClock() *Clock { return &Clock{} }

// Now is the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return c.at
	}
	return time.Now().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		c.at = c.at.Add(d)
		return
	}
	c.offset += d
}

// Set moves the clock to t (a running clock keeps running from there).
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		c.at = t
		return
	}
	c.offset = time.Until(t)
}

// Stopped reports whether the clock moves only when told.
func (c *Clock) Stopped() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stopped
}

// SetStopped stops the clock at its current time, or lets it run on from there.
func (c *Clock) SetStopped(stop bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case stop && !c.stopped:
		c.at, c.stopped = time.Now().Add(c.offset), true
	case !stop && c.stopped:
		c.offset, c.stopped = time.Until(c.at), false
	}
}
