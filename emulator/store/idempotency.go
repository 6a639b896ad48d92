package store

import (
	"fmt"
	"net/http"
	"time"
)

// IdempotencyRecord is the first response to a POST sent with an Idempotency-Key.
type IdempotencyRecord struct {
	EnvironmentID string
	Key           string
	// BodyHash is the SHA-256 of the request body: the same key with another body is an error.
	BodyHash        [32]byte
	Status          int
	Header          http.Header
	Body            []byte
	ExpiresUnixNano uint64
}

// IdempotencyRecord returns the record of a key in an environment.
func (t *Txn) IdempotencyRecord(environmentID, key string) (IdempotencyRecord, error) {
	obj, err := t.first(tableIdempotency, indexID, environmentID, key)
	if err != nil {
		return IdempotencyRecord{}, err
	}
	if obj == nil {
		return IdempotencyRecord{}, ErrNotFound
	}
	return *obj.(*IdempotencyRecord), nil
}

// PutIdempotencyRecord stores a record, replacing any earlier one of the same key, and prunes
// the records that have expired by now.
func (t *Txn) PutIdempotencyRecord(r IdempotencyRecord, now time.Time) error {
	if err := t.pruneIdempotency(now); err != nil {
		return err
	}
	return t.insert(tableIdempotency, &r)
}

func (t *Txn) pruneIdempotency(now time.Time) error {
	it, err := t.txn.Get(tableIdempotency, indexExpires)
	if err != nil {
		return fmt.Errorf("store: idempotency expiry: %w", err)
	}
	var expired []any
	for obj := it.Next(); obj != nil; obj = it.Next() {
		if obj.(*IdempotencyRecord).ExpiresUnixNano > uint64(now.UnixNano()) {
			break
		}
		expired = append(expired, obj)
	}
	for _, obj := range expired {
		if err := t.txn.Delete(tableIdempotency, obj); err != nil {
			return fmt.Errorf("store: prune idempotency record: %w", err)
		}
	}
	return nil
}
