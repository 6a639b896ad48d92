package main

import (
	"io"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeCurlSession runs the README's curl session, line for line, against the binary's run
// with the embedded fixtures: the documentation works as printed.
func TestReadmeCurlSession(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	_, rest, ok := strings.Cut(string(readme), "<!-- curl-session -->")
	require.True(t, ok, "README has a curl session")
	session, _, ok := strings.Cut(rest, "<!-- /curl-session -->")
	require.True(t, ok)

	url, _, _ := start(t, []string{"-addr", "127.0.0.1:0"}, nil)
	status := regexp.MustCompile(`^#\s*(\d{3})`)
	want := 0
	commands := 0
	for _, cmd := range shellCommands(session) {
		if m := status.FindStringSubmatch(cmd); m != nil {
			want, _ = strconv.Atoi(m[1])
			continue
		}
		if !strings.HasPrefix(cmd, "curl ") {
			continue
		}
		commands++
		req := curlRequest(t, cmd, "http://127.0.0.1:4110", url)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, want, res.StatusCode, "%s\n→ %s", cmd, body)
	}
	require.GreaterOrEqual(t, commands, 9, "every endpoint has a command")
}

// shellCommands splits a sh block into commands (continuation lines joined) and comments.
func shellCommands(block string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(block, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "```") || (line == "" && cur.Len() == 0) {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`))
			continue
		}
		cur.WriteString(line)
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	return out
}

// curlRequest builds the request a curl command line of the README sends: -s, -X, -H and -d,
// with single-quoted arguments.
func curlRequest(t *testing.T, cmd, documentedBase, base string) *http.Request {
	t.Helper()
	args := shellWords(cmd)[1:]
	method, target, body := "", "", ""
	headers := http.Header{}
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-s":
		case "-X":
			i++
			method = args[i]
		case "-H":
			i++
			name, value, _ := strings.Cut(args[i], ":")
			headers.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		case "-d":
			i++
			body = args[i]
		default:
			require.True(t, strings.HasPrefix(args[i], documentedBase), "unexpected curl argument %q", args[i])
			target = base + strings.TrimPrefix(args[i], documentedBase)
		}
	}
	if method == "" {
		method = http.MethodGet
		if body != "" {
			method = http.MethodPost
		}
	}
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	require.NoError(t, err)
	req.Header = headers
	return req
}

func shellWords(s string) []string {
	var words []string
	var cur strings.Builder
	inQuote, inWord := false, false
	for _, r := range s {
		switch {
		case r == '\'':
			inQuote = !inQuote
			inWord = true
		case (r == ' ' || r == '\t') && !inQuote:
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words
}
