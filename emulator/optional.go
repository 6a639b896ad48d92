package emulator

import (
	"bytes"
	"encoding/json"
)

// optional is a JSON field for merge semantics: absent (Set false), explicit null (Null true)
// or a value. PUT bodies need all three: absent leaves a field alone, null clears it.
type optional[T any] struct {
	Set   bool
	Null  bool
	Value T
}

// UnmarshalJSON runs only when the field is present.
func (o *optional[T]) UnmarshalJSON(data []byte) error {
	o.Set = true
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		o.Null = true
		return nil
	}
	return json.Unmarshal(data, &o.Value)
}

// ptr returns the value, or nil when absent or null.
func (o optional[T]) ptr() *T {
	if !o.Set || o.Null {
		return nil
	}
	v := o.Value
	return &v
}
