package store

import "fmt"

// environmentTables are the tables whose objects belong to one environment: what resetting an
// environment replaces. Each one's id index begins with the environment.
var environmentTables = []string{tableDataIntegrations, tableConnectedAccounts, tableIdempotency, tableFaults}

// ResetEnvironment makes an environment's objects what they are in the snapshot: its own are
// deleted, the snapshot's copied in. Environments and keys are left alone.
func (t *Txn) ResetEnvironment(environmentID string, snapshot *Store) error {
	if err := t.ClearEnvironment(environmentID); err != nil {
		return err
	}
	src := snapshot.db.Load().Txn(false)
	defer src.Abort()
	for _, table := range environmentTables {
		it, err := src.Get(table, indexID+"_prefix", environmentID, "")
		if err != nil {
			return fmt.Errorf("store: reset %s: %w", table, err)
		}
		// Stored objects are immutable, so the snapshot's can be shared.
		for obj := it.Next(); obj != nil; obj = it.Next() {
			if err := t.txn.Insert(table, obj); err != nil {
				return fmt.Errorf("store: reset %s: %w", table, err)
			}
		}
	}
	return nil
}

// ClearEnvironment deletes every object of an environment.
func (t *Txn) ClearEnvironment(environmentID string) error {
	for _, table := range environmentTables {
		if _, err := t.txn.DeleteAll(table, indexID+"_prefix", environmentID, ""); err != nil {
			return fmt.Errorf("store: clear %s: %w", table, err)
		}
	}
	return nil
}
