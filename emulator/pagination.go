package emulator

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/pipes-emulator/pipes-emulator/emulator/store"
)

// List orders (CONTRACT §3).
const (
	orderAsc    = "asc"
	orderDesc   = "desc"
	orderNormal = "normal"
)

// Defaults of the list parameters. The spec states the same values; a test holds them together.
const (
	defaultLimit = 10
	defaultOrder = orderDesc
)

type listJSON[T any] struct {
	Object       string       `json:"object"`
	Data         []T          `json:"data"`
	ListMetadata listMetadata `json:"list_metadata"`
}

type listMetadata struct {
	Before *string `json:"before"`
	After  *string `json:"after"`
}

// pageRequest is a validated list request.
type pageRequest struct {
	Before, After string
	Limit         int
	Order         string
}

func parsePageRequest(c echo.Context) (pageRequest, error) {
	p := pageRequest{Before: c.QueryParam("before"), After: c.QueryParam("after"), Limit: defaultLimit, Order: defaultOrder}
	if v := c.QueryParam("limit"); v != "" {
		p.Limit, _ = strconv.Atoi(v) // the spec has checked it is an integer in range
	}
	if v := c.QueryParam("order"); v != "" {
		p.Order = v
	}
	if p.Before != "" && p.After != "" {
		return p, &Error{Code: CodeInvalidRequest, Message: MsgBeforeAndAfter,
			Fields: []FieldError{{Field: "before", Code: FieldNotAllowed}, {Field: "after", Code: FieldNotAllowed}}}
	}
	return p, nil
}

// forward is the direction, in creation order, that an "after" cursor walks for an order:
// towards older items for desc, towards newer ones for asc and normal.
func forward(order string) store.Direction {
	if order == orderDesc {
		return store.Older
	}
	return store.Newer
}

func opposite(d store.Direction) store.Direction {
	if d == store.Older {
		return store.Newer
	}
	return store.Older
}

// page is one page of listed integrations and its cursors, exactly as the table of CONTRACT §3
// says. It reads at most limit+2 objects from the index.
func page(tx *store.Txn, envID string, p pageRequest) ([]store.DataIntegration, listMetadata, error) {
	// The items nearest the cursor in the requested direction. Without a cursor, a page starts
	// where the display order starts: the newest for desc and normal, the oldest for asc.
	cursor, dir := "", store.Older
	switch {
	case p.After != "":
		cursor, dir = p.After, forward(p.Order)
	case p.Before != "":
		cursor, dir = p.Before, opposite(forward(p.Order))
	case p.Order == orderAsc:
		dir = store.Newer
	}
	items, err := tx.ListedDataIntegrations(envID, cursor, dir, p.Limit+1)
	if err != nil {
		return nil, listMetadata{}, err
	}
	if len(items) == 0 {
		return items, listMetadata{}, nil
	}
	moreBeyond := len(items) > p.Limit
	items = items[:min(len(items), p.Limit)]
	nearBeyond, err := tx.ListedDataIntegrations(envID, items[0].ID, opposite(dir), 1)
	if err != nil {
		return nil, listMetadata{}, err
	}
	moreBefore := len(nearBeyond) > 0

	// items run nearest-first in dir; oldest and newest are the page's two ends.
	hasOlder, hasNewer := moreBeyond, moreBefore
	oldest, newest := items[len(items)-1].ID, items[0].ID
	if dir == store.Newer {
		hasOlder, hasNewer = moreBefore, moreBeyond
		oldest, newest = newest, oldest
	}
	newestFirst := p.Order != orderAsc
	if (dir == store.Older) != newestFirst {
		slices.Reverse(items)
	}

	var meta listMetadata
	if forward(p.Order) == store.Older {
		meta.After = idIf(hasOlder, oldest)
		meta.Before = idIf(hasNewer, newest)
	} else {
		meta.After = idIf(hasNewer, newest)
		meta.Before = idIf(hasOlder, oldest)
	}
	return items, meta, nil
}

func idIf(ok bool, id string) *string {
	if !ok {
		return nil
	}
	return &id
}

func (s *Server) listDataIntegrations(c echo.Context) error {
	p, err := parsePageRequest(c)
	if err != nil {
		return err
	}
	var (
		items []store.DataIntegration
		meta  listMetadata
	)
	err = s.store.View(func(tx *store.Txn) error {
		items, meta, err = page(tx, environmentOf(c), p)
		return err
	})
	if err != nil {
		return internal(err)
	}
	out := listJSON[dataIntegrationJSON]{Object: "list", Data: make([]dataIntegrationJSON, len(items)), ListMetadata: meta}
	for i, d := range items {
		out.Data[i] = s.dataIntegrationJSON(d)
	}
	return c.JSON(http.StatusOK, out)
}
