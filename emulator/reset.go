package emulator

import (
	"errors"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// Reset puts every environment back to its seeded state: the store becomes the snapshot taken
// right after seeding (constant time), and the environments created since (NewEnvironment, new
// keys) are seeded afresh under the same ids and keys, so their keys go on working, strict mode
// included. Faults, idempotency records and journals go too.
func (s *Server) Reset() error {
	type later struct {
		env  store.Environment
		keys []string
	}
	var created []later
	err := s.store.View(func(tx *store.Txn) error {
		envs, err := tx.Environments()
		if err != nil {
			return err
		}
		for _, env := range envs {
			if s.seeded.View(func(st *store.Txn) error { _, err := st.Environment(env.ID); return err }) == nil {
				continue // seeded from the fixtures: the snapshot has it
			}
			keys, err := tx.APIKeys(env.ID)
			if err != nil {
				return err
			}
			created = append(created, later{env: env, keys: keys})
		}
		return nil
	})
	if err != nil {
		return internal(err)
	}
	// The environments made since are put back before the restored store is swapped in, so no
	// request ever finds their keys unknown.
	err = s.store.Restore(s.seeded, func(tx *store.Txn) error {
		for _, c := range created {
			if err := tx.InsertEnvironment(c.env, c.keys...); err != nil {
				return err
			}
			if s.hasTemplate {
				if err := s.seedObjects(tx, c.env.ID, s.template); err != nil {
					return err
				}
			}
		}
		return nil
	})
	s.journal.clearAll()
	if err != nil {
		return internal(err)
	}
	return nil
}

// ResetEnvironment puts the environment of key back to its seeded state: a fixture environment
// to what the fixtures made it, one created for a new key to the default environment's seed.
// Its faults, idempotency records and journal go; other environments are untouched.
func (s *Server) ResetEnvironment(key string) error {
	envID, err := s.environmentFor(key)
	if err != nil {
		return err
	}
	return s.resetEnvironmentID(envID)
}

func (s *Server) resetEnvironmentID(envID string) error {
	s.journal.clear(envID)
	inSnapshot := s.seeded.View(func(tx *store.Txn) error {
		_, err := tx.Environment(envID)
		return err
	}) == nil
	err := s.store.Update(func(tx *store.Txn) error {
		if inSnapshot {
			return tx.ResetEnvironment(envID, s.seeded)
		}
		if err := tx.ClearEnvironment(envID); err != nil {
			return err
		}
		if !s.hasTemplate {
			return nil
		}
		return s.seedObjects(tx, envID, s.template)
	})
	var e *Error
	if err != nil && !errors.As(err, &e) {
		return internal(err)
	}
	return err
}
