package emulator

import (
	"errors"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// Reset puts every environment back to its seeded state, in constant time: the store becomes the
// snapshot taken right after seeding. Environments created since for new keys are gone, and are
// created (and seeded) again on their next request. Faults and idempotency records go too.
func (s *Server) Reset() {
	s.store.Restore(s.seeded)
}

// ResetEnvironment puts the environment of key back to its seeded state: a fixture environment
// to what the fixtures made it, one created for a new key to the default environment's seed.
// Its faults and idempotency records go; other environments are untouched.
func (s *Server) ResetEnvironment(key string) error {
	envID, err := s.environmentFor(key)
	if err != nil {
		return err
	}
	inSnapshot := s.seeded.View(func(tx *store.Txn) error {
		_, err := tx.Environment(envID)
		return err
	}) == nil
	err = s.store.Update(func(tx *store.Txn) error {
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
