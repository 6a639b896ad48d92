package store

import "fmt"

// Environment is an isolated set of objects, as in WorkOS. Every API key belongs to one.
type Environment struct {
	ID   string
	Name string
}

// APIKey is a secret key that selects an environment.
type APIKey struct {
	Key           string
	EnvironmentID string
}

// Environment returns the environment with the given id.
func (t *Txn) Environment(id string) (Environment, error) {
	obj, err := t.first(tableEnvironments, indexID, id)
	if err != nil {
		return Environment{}, err
	}
	if obj == nil {
		return Environment{}, ErrNotFound
	}
	return *obj.(*Environment), nil
}

// EnvironmentIDForKey returns the id of the environment an API key belongs to.
func (t *Txn) EnvironmentIDForKey(key string) (string, error) {
	obj, err := t.first(tableAPIKeys, indexID, key)
	if err != nil {
		return "", err
	}
	if obj == nil {
		return "", ErrNotFound
	}
	return obj.(*APIKey).EnvironmentID, nil
}

// Environments lists every environment, ordered by id.
func (t *Txn) Environments() ([]Environment, error) {
	it, err := t.txn.Get(tableEnvironments, indexID)
	if err != nil {
		return nil, fmt.Errorf("store: environments: %w", err)
	}
	var envs []Environment
	for obj := it.Next(); obj != nil; obj = it.Next() {
		envs = append(envs, *obj.(*Environment))
	}
	return envs, nil
}

// APIKeys lists the keys of an environment, in key order.
func (t *Txn) APIKeys(environmentID string) ([]string, error) {
	it, err := t.txn.Get(tableAPIKeys, indexEnvironment, environmentID)
	if err != nil {
		return nil, fmt.Errorf("store: api keys: %w", err)
	}
	var keys []string
	for obj := it.Next(); obj != nil; obj = it.Next() {
		keys = append(keys, obj.(*APIKey).Key)
	}
	return keys, nil
}

// InsertEnvironment adds an environment and its keys. A key that already belongs to another
// environment is an error.
func (t *Txn) InsertEnvironment(env Environment, keys ...string) error {
	if err := t.insert(tableEnvironments, &env); err != nil {
		return err
	}
	for _, key := range keys {
		owner, err := t.EnvironmentIDForKey(key)
		if err == nil && owner != env.ID {
			return fmt.Errorf("store: API key %q already belongs to environment %q", key, owner)
		}
		if err := t.insert(tableAPIKeys, &APIKey{Key: key, EnvironmentID: env.ID}); err != nil {
			return err
		}
	}
	return nil
}
