package store

import "slices"

// Provider is a built-in provider of the catalog.
type Provider struct {
	Slug            string
	Name            string
	Description     string
	IntegrationType string
	Scopes          []string
}

// Provider returns the built-in provider with the given slug.
func (t *Txn) Provider(slug string) (Provider, error) {
	obj, err := t.first(tableProviders, indexID, slug)
	if err != nil {
		return Provider{}, err
	}
	if obj == nil {
		return Provider{}, ErrNotFound
	}
	p := *obj.(*Provider)
	p.Scopes = slices.Clone(p.Scopes)
	return p, nil
}

// InsertProvider adds or replaces a provider of the catalog.
func (t *Txn) InsertProvider(p Provider) error {
	p.Scopes = slices.Clone(p.Scopes)
	return t.insert(tableProviders, &p)
}
