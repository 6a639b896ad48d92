package emulator

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/fixtures"
)

// CONTRACT §3, list: the pagination table, then a property test of walks under change.

const (
	lowestCursor  = "data_integration_00000000000000000000000000"
	highestCursor = "data_integration_7ZZZZZZZZZZZZZZZZZZZZZZZZZ"
)

// emptyHarness serves the default catalog and one empty environment under the default key.
func emptyHarness(t testing.TB) *harness {
	t.Helper()
	defaults, err := fixtures.Default()
	require.NoError(t, err)
	return newHarness(t, Config{Fixtures: &fixtures.Set{
		Providers:    defaults.Providers,
		Environments: []fixtures.Environment{{ID: "env_empty", APIKeys: []string{defaultKey}}},
	}})
}

// createCustom creates an integration with a custom provider of the given slug.
func (h *harness) createCustom(t testing.TB, slug string) string {
	t.Helper()
	res := h.do(http.MethodPost, "/data-integrations", map[string]any{"provider": slug, "custom_provider": customProvider})
	require.Equal(t, http.StatusCreated, res.Status, "body: %s", res.Body)
	return res.JSON(t)["id"].(string)
}

type listPage struct {
	IDs           []string
	Before, After *string
}

func (h *harness) list(t testing.TB, query url.Values) listPage {
	t.Helper()
	res := h.do(http.MethodGet, "/data-integrations?"+query.Encode(), nil)
	require.Equal(t, http.StatusOK, res.Status, "body: %s", res.Body)
	var body struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
		ListMetadata struct {
			Before *string `json:"before"`
			After  *string `json:"after"`
		} `json:"list_metadata"`
	}
	res.Decode(t, &body)
	p := listPage{IDs: []string{}, Before: body.ListMetadata.Before, After: body.ListMetadata.After}
	for _, d := range body.Data {
		p.IDs = append(p.IDs, d.ID)
	}
	return p
}

func TestPaginationTable(t *testing.T) {
	h := emptyHarness(t)
	id := map[int]string{} // 1 is the oldest
	for i := 1; i <= 7; i++ {
		id[i] = h.createCustom(t, fmt.Sprintf("item-%d", i))
	}
	ids := func(ns ...int) []string {
		out := []string{}
		for _, n := range ns {
			out = append(out, id[n])
		}
		return out
	}
	cursor := func(n int) *string {
		if n == 0 {
			return nil
		}
		s := id[n]
		return &s
	}
	tests := []struct {
		order, param  string
		at            int // cursor item; 0 for none
		want          []int
		before, after int
	}{
		{"desc", "", 0, []int{7, 6, 5}, 0, 5},
		{"desc", "after", 5, []int{4, 3, 2}, 4, 2},
		{"desc", "after", 2, []int{1}, 1, 0},
		{"desc", "before", 4, []int{7, 6, 5}, 0, 5},
		{"desc", "before", 2, []int{5, 4, 3}, 5, 3},
		{"desc", "after", 1, []int{}, 0, 0},
		{"asc", "", 0, []int{1, 2, 3}, 0, 3},
		{"asc", "after", 3, []int{4, 5, 6}, 4, 6},
		{"asc", "after", 6, []int{7}, 7, 0},
		{"asc", "before", 5, []int{2, 3, 4}, 2, 4},
		{"asc", "before", 2, []int{1}, 0, 1},
		{"normal", "", 0, []int{7, 6, 5}, 5, 0},
		{"normal", "before", 5, []int{4, 3, 2}, 2, 4},
		{"normal", "before", 2, []int{1}, 0, 1},
		{"normal", "after", 2, []int{5, 4, 3}, 3, 5},
		{"normal", "after", 6, []int{7}, 7, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s=%d", tt.order, tt.param, tt.at), func(t *testing.T) {
			q := url.Values{"order": {tt.order}, "limit": {"3"}}
			if tt.param != "" {
				q.Set(tt.param, id[tt.at])
			}
			p := h.list(t, q)
			assert.Equal(t, ids(tt.want...), p.IDs)
			assert.Equal(t, cursor(tt.before), p.Before, "list_metadata.before")
			assert.Equal(t, cursor(tt.after), p.After, "list_metadata.after")
		})
	}
	t.Run("defaults: desc, limit 10", func(t *testing.T) {
		for i := 8; i <= 12; i++ {
			id[i] = h.createCustom(t, fmt.Sprintf("item-%d", i))
		}
		p := h.list(t, url.Values{})
		assert.Equal(t, ids(12, 11, 10, 9, 8, 7, 6, 5, 4, 3), p.IDs)
		assert.Equal(t, cursor(3), p.After)
	})
	t.Run("limit 100 is honoured", func(t *testing.T) {
		for i := 13; i <= 105; i++ {
			id[i] = h.createCustom(t, fmt.Sprintf("item-%d", i))
		}
		p := h.list(t, url.Values{"limit": {"100"}, "order": {"asc"}})
		assert.Len(t, p.IDs, 100)
		assert.Equal(t, cursor(100), p.After)
	})
	t.Run("a deleted cursor still positions the page", func(t *testing.T) {
		require.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/item-4", nil).Status)
		p := h.list(t, url.Values{"order": {"desc"}, "limit": {"3"}, "after": {id[4]}})
		assert.Equal(t, ids(3, 2, 1), p.IDs)
		assert.Equal(t, cursor(3), p.Before)
		assert.Nil(t, p.After)
		p = h.list(t, url.Values{"order": {"asc"}, "limit": {"2"}, "after": {id[4]}})
		assert.Equal(t, ids(5, 6), p.IDs)
	})
}

// forwardParam is the cursor parameter that walks an order from its start.
func forwardParam(order string) string {
	if order == "normal" {
		return "before"
	}
	return "after"
}

func TestPaginationProperty(t *testing.T) {
	seed := uint64(20261203)
	rng := rand.New(rand.NewPCG(seed, seed))
	h := emptyHarness(t)
	live := map[string]string{} // id → slug
	next := 0
	create := func() {
		next++
		slug := "p-" + strconv.Itoa(next)
		live[h.createCustom(t, slug)] = slug
	}
	remove := func() {
		if len(live) == 0 {
			return
		}
		keys := sortedKeys(live)
		victim := keys[rng.IntN(len(keys))]
		require.Equal(t, http.StatusNoContent, h.do(http.MethodDelete, "/data-integrations/"+live[victim], nil).Status)
		delete(live, victim)
	}
	// mutate changes the environment now and then. Creations stay rarer than pages, so that a
	// walk towards the newest end, where they land, still ends.
	mutate := func() {
		switch rng.IntN(6) {
		case 0:
			create()
		case 1:
			remove()
		}
	}
	for range 40 {
		create()
	}

	for round := range 60 {
		order := []string{"asc", "desc", "normal"}[rng.IntN(3)]
		backward := rng.IntN(2) == 1
		limit := 1 + rng.IntN(12)
		t.Run(fmt.Sprintf("round %d: %s backward=%v limit=%d", round, order, backward, limit), func(t *testing.T) {
			param := forwardParam(order)
			q := url.Values{"order": {order}, "limit": {strconv.Itoa(limit)}}
			if backward {
				// Start beyond the far end and follow the other cursor.
				param = map[string]string{"after": "before", "before": "after"}[param]
				start := highestCursor
				if order != "asc" {
					start = lowestCursor
				}
				q.Set(param, start)
			}
			aliveThroughout := map[string]bool{}
			for id := range live {
				aliveThroughout[id] = true
			}
			var pages [][]string
			for steps := 0; ; steps++ {
				require.Less(t, steps, 1000, "the walk must end")
				p := h.list(t, q)
				for _, id := range p.IDs {
					_, ok := live[id]
					require.True(t, ok, "every item returned is live when its page is read")
				}
				wantBefore, wantAfter := expectedCursors(order, p.IDs, sortedKeys(live))
				require.Equal(t, wantBefore, p.Before, "list_metadata.before")
				require.Equal(t, wantAfter, p.After, "list_metadata.after")
				pages = append(pages, p.IDs)
				cur := p.After
				if param == "before" {
					cur = p.Before
				}
				if cur == nil {
					break
				}
				q.Set(param, *cur)
				mutate()
				for id := range aliveThroughout {
					if _, ok := live[id]; !ok {
						delete(aliveThroughout, id)
					}
				}
			}
			if backward {
				slices.Reverse(pages)
			}
			walk := slices.Concat(pages...)
			for i := 1; i < len(walk); i++ {
				if order == "asc" {
					require.Less(t, walk[i-1], walk[i], "in order, each once")
				} else {
					require.Greater(t, walk[i-1], walk[i], "in order, each once")
				}
			}
			for id := range aliveThroughout {
				require.Contains(t, walk, id, "an item live for the whole walk is never skipped")
			}
		})
		for range rng.IntN(8) {
			if rng.IntN(3) == 0 {
				remove()
			} else {
				create()
			}
		}
	}
}

// expectedCursors is the metadata of a page by the table of CONTRACT §3, from the live IDs
// (sorted, oldest first) at the time the page is read.
func expectedCursors(order string, page, live []string) (before, after *string) {
	if len(page) == 0 {
		return nil, nil
	}
	oldest, newest := slices.Min(page), slices.Max(page)
	hasOlder := live[0] < oldest
	hasNewer := live[len(live)-1] > newest
	olderCursor, newerCursor := idIf(hasOlder, oldest), idIf(hasNewer, newest)
	if order == "desc" {
		return newerCursor, olderCursor
	}
	return olderCursor, newerCursor
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
