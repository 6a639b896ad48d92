package store

import (
	"fmt"
	"time"
)

// Fault is a rule that makes matching requests of one environment fail or wait.
type Fault struct {
	EnvironmentID string
	ID            string
	// Method and Path select requests; empty matches any. Path is a path template
	// (/data-integrations/{slug}) or a glob (/data-integrations/*).
	Method string
	Path   string
	// Status, when not 0, is the error to answer with; Code and Message override its defaults.
	Status  int
	Code    string
	Message string
	// RetryAfter, in seconds, is sent as Retry-After when not 0.
	RetryAfter int
	// Delay is waited before answering.
	Delay time.Duration
	// Remaining is how many more requests the rule applies to; 0 means until it is removed.
	Remaining int
	// Fired counts the requests the rule has applied to.
	Fired     int
	CreatedAt time.Time
}

// Faults lists the rules of an environment in the order they were added.
func (t *Txn) Faults(environmentID string) ([]Fault, error) {
	it, err := t.txn.Get(tableFaults, indexID+"_prefix", environmentID, "")
	if err != nil {
		return nil, fmt.Errorf("store: faults: %w", err)
	}
	var out []Fault
	for obj := it.Next(); obj != nil; obj = it.Next() {
		out = append(out, *obj.(*Fault))
	}
	return out, nil
}

// PutFault adds a rule, or replaces the one with the same id.
func (t *Txn) PutFault(f Fault) error { return t.insert(tableFaults, &f) }

// DeleteFault removes one rule and reports whether it existed.
func (t *Txn) DeleteFault(environmentID, id string) (bool, error) {
	n, err := t.txn.DeleteAll(tableFaults, indexID, environmentID, id)
	if err != nil {
		return false, fmt.Errorf("store: delete fault: %w", err)
	}
	return n > 0, nil
}

// DeleteFaults removes every rule of an environment.
func (t *Txn) DeleteFaults(environmentID string) error {
	if _, err := t.txn.DeleteAll(tableFaults, indexID+"_prefix", environmentID, ""); err != nil {
		return fmt.Errorf("store: delete faults: %w", err)
	}
	return nil
}
