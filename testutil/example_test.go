package testutil_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pipes-emulator/pipes-emulator/testutil"
)

// pipesClient is the kind of code a downstream application has: it lists every data
// integration, page after page, and retries once when WorkOS rate-limits it.
type pipesClient struct {
	baseURL, apiKey string
	http            *http.Client
	sleep           func(time.Duration)
}

type integrationPage struct {
	Data []struct {
		Slug string `json:"slug"`
	} `json:"data"`
	ListMetadata struct {
		After *string `json:"after"`
	} `json:"list_metadata"`
}

// Slugs walks the list as the official SDKs do: limit=100, following list_metadata.after.
func (c *pipesClient) Slugs() ([]string, error) {
	var slugs []string
	after := ""
	for {
		q := url.Values{"limit": {"100"}, "order": {"desc"}}
		if after != "" {
			q.Set("after", after)
		}
		var page integrationPage
		if err := c.getJSON("/data-integrations?"+q.Encode(), &page); err != nil {
			return nil, err
		}
		for _, d := range page.Data {
			slugs = append(slugs, d.Slug)
		}
		if page.ListMetadata.After == nil {
			return slugs, nil
		}
		after = *page.ListMetadata.After
	}
}

func (c *pipesClient) getJSON(path string, v any) error {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequest(http.MethodGet, c.baseURL+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
		res, err := c.http.Do(req)
		if err != nil {
			return err
		}
		if res.StatusCode == http.StatusTooManyRequests && attempt == 0 {
			res.Body.Close()
			seconds, _ := strconv.Atoi(res.Header.Get("Retry-After"))
			c.sleep(time.Duration(seconds) * time.Second)
			continue
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", path, res.Status)
		}
		return json.NewDecoder(res.Body).Decode(v)
	}
}

// TestClientWalksEveryPageAndSurvivesARateLimit is a downstream test as a user writes it.
func TestClientWalksEveryPageAndSurvivesARateLimit(t *testing.T) {
	emu := testutil.Start(t)
	key := emu.NewEnvironment()

	// Arrange: 250 integrations more than the seeded ones, straight into the environment.
	var extra []testutil.DataIntegration
	for i := range 250 {
		name := "Provider " + strconv.Itoa(i)
		extra = append(extra, testutil.DataIntegration{
			Slug:           fmt.Sprintf("custom-%03d", i),
			Credentials:    &testutil.Credentials{Type: "organization"},
			CustomProvider: &testutil.CustomProvider{Name: &name, AuthorizationURL: ptr("https://p.example/a"), TokenURL: ptr("https://p.example/t")},
		})
	}
	emu.Seed(key, testutil.Objects{DataIntegrations: extra})
	// WorkOS rate-limits the first request once.
	emu.InjectFault(key, testutil.Fault{Method: "GET", Path: "/data-integrations", Status: 429, RetryAfter: 2, Times: 1})

	var slept []time.Duration
	client := &pipesClient{baseURL: emu.URL(), apiKey: key, http: emu.Client(),
		sleep: func(d time.Duration) { slept = append(slept, d) }}
	slugs, err := client.Slugs()
	require.NoError(t, err)

	assert.Len(t, slugs, 250+5, "the seeded five and the 250, each once")
	assert.Equal(t, "custom-249", slugs[0], "newest first")
	assert.Equal(t, []time.Duration{2 * time.Second}, slept, "one retry, after Retry-After")
	assert.Empty(t, emu.Faults(key), "the rule fired and is gone")
}

func ExampleStart() {
	// In a test:
	//
	//	emu := testutil.Start(t)
	//	app := myapp.New(emu.URL(), emu.APIKey())
	//
	// Outside one (a TestMain, an example), New does the same and the caller closes it.
	emu, err := testutil.New()
	if err != nil {
		panic(err)
	}
	defer emu.Close()

	req, _ := http.NewRequest(http.MethodGet, emu.URL()+"/data-integrations/github", nil)
	req.Header.Set("Authorization", "Bearer "+emu.APIKey())
	res, err := emu.Client().Do(req)
	if err != nil {
		panic(err)
	}
	res.Body.Close()
	fmt.Println(res.StatusCode)
	// Output: 200
}

func ExampleServer_RateLimitNext() {
	emu, err := testutil.New()
	if err != nil {
		panic(err)
	}
	defer emu.Close()
	emu.RateLimitNext(1, "GET", "/data-integrations", 30)

	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, emu.URL()+"/data-integrations", nil)
		req.Header.Set("Authorization", "Bearer "+emu.APIKey())
		res, err := emu.Client().Do(req)
		if err != nil {
			panic(err)
		}
		res.Body.Close()
		fmt.Println(res.StatusCode, res.Header.Get("Retry-After"))
	}
	// Output:
	// 429 30
	// 200
}

func ExampleServer_Seed() {
	emu, err := testutil.New(testutil.WithClock(testutil.NewClock(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))))
	if err != nil {
		panic(err)
	}
	defer emu.Close()
	key := emu.NewEnvironment()
	emu.Seed(key, testutil.Objects{DataIntegrations: []testutil.DataIntegration{
		{Slug: "linear", Enabled: true, Credentials: &testutil.Credentials{Type: "organization"}},
	}})

	d, _ := emu.DataIntegration(key, "linear")
	fmt.Println(d.Slug, d.State, d.CreatedAt.Format(time.RFC3339))
	// Output: linear valid 2026-05-01T00:00:00Z
}
