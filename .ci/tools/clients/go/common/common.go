// Package common holds what the Go client drivers share, as
// .ci/tools/clients/notifications.py does for the Python ones: the
// environment .ci/go-java sets (LIVE_ENDPOINT, LIVE_PROJECT_ID, LIVE_APP,
// LIVE_DOCUMENT, and LIVE_TOKEN or LIVE_AK with LIVE_SK), the HTTP client
// that authenticates (an IAM token header, or AK/SK through aksk.Transport),
// and the notifications a receiver must read.
package common

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sort"

	"lrcclients/aksk"
)

// Env is what a driver reads from the environment.
type Env struct {
	Endpoint, ProjectID, App, Token, AK, SK string
}

// FromEnv reads the environment; a missing variable is fatal.
func FromEnv() Env {
	e := Env{
		Endpoint:  must("LIVE_ENDPOINT"),
		ProjectID: must("LIVE_PROJECT_ID"),
		App:       must("LIVE_APP"),
		Token:     os.Getenv("LIVE_TOKEN"),
		AK:        os.Getenv("LIVE_AK"),
		SK:        os.Getenv("LIVE_SK"),
	}
	if (e.Token == "") == (e.AK == "" || e.SK == "") {
		Fatalf("set either LIVE_TOKEN or LIVE_AK and LIVE_SK")
	}
	return e
}

// Auth names the credentials in use, for the closing line.
func (e Env) Auth() string {
	if e.AK != "" {
		return "AK/SK (signed by huaweicloud-sdk-go-v3's signer)"
	}
	return "IAM token"
}

// HTTPClient authenticates every request: AK/SK-signed when LIVE_AK is
// set, else with X-Auth-Token.
func (e Env) HTTPClient() *http.Client {
	if e.AK != "" {
		return &http.Client{Transport: &aksk.Transport{AK: e.AK, SK: e.SK, ProjectID: e.ProjectID}}
	}
	return &http.Client{Transport: tokenTransport(e.Token)}
}

// WrongSK is a client signed with a secret key the emulator does not have
// (nil with a token).
func (e Env) WrongSK() *http.Client {
	if e.AK == "" {
		return nil
	}
	return &http.Client{Transport: &aksk.Transport{AK: e.AK, SK: e.SK + "x", ProjectID: e.ProjectID}}
}

type tokenTransport string

func (t tokenTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("X-Auth-Token", string(t))
	return http.DefaultTransport.RoundTrip(req)
}

func must(name string) string {
	v := os.Getenv(name)
	if v == "" {
		Fatalf("%s is not set", name)
	}
	return v
}

// Fatalf ends the driver with a message.
func Fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "FAILED: "+format+"\n", args...)
	os.Exit(1)
}

// Expect ends the driver when cond is false.
func Expect(cond bool, format string, args ...any) {
	if !cond {
		Fatalf(format, args...)
	}
}

// Notifications are the bodies a receiver gets, by name: the example of
// every schema the callbacks' body is made of (named by title), read from
// the dereferenced rendition in LIVE_DOCUMENT, plus two the service may
// send: "unknown event_type" (a completed file under a name the document
// does not list, with a field nobody knows) and "RECORD_START without
// file_size". Known maps each listed event_type to its schema's title.
type Notifications struct {
	Bodies map[string][]byte
	Known  map[string]string
}

// Names lists the bodies' names, sorted.
func (n Notifications) Names() []string {
	names := make([]string, 0, len(n.Bodies))
	for k := range n.Bodies {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

type schema struct {
	Title      string             `json:"title"`
	Example    json.RawMessage    `json:"example"`
	Properties map[string]*schema `json:"properties"`
	Enum       []any              `json:"enum"`
	OneOf      []*schema          `json:"oneOf"`
	AnyOf      []*schema          `json:"anyOf"`
	AllOf      []*schema          `json:"allOf"`
}

func walk(s *schema, visit func(*schema)) {
	visit(s)
	for _, list := range [][]*schema{s.OneOf, s.AnyOf, s.AllOf} {
		for _, m := range list {
			walk(m, visit)
		}
	}
}

// LoadNotifications reads LIVE_DOCUMENT.
func LoadNotifications() Notifications {
	raw, err := os.ReadFile(must("LIVE_DOCUMENT"))
	if err != nil {
		Fatalf("%v", err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		Fatalf("LIVE_DOCUMENT: %v", err)
	}
	n := Notifications{Bodies: map[string][]byte{}, Known: map[string]string{}}
	byEvent := map[string]map[string]any{}
	for _, item := range doc.Paths {
		for _, rawOp := range item {
			var op struct {
				Callbacks map[string]map[string]map[string]struct {
					RequestBody struct {
						Content map[string]struct {
							Schema *schema `json:"schema"`
						} `json:"content"`
					} `json:"requestBody"`
				} `json:"callbacks"`
			}
			if rawOp[0] != '{' {
				continue // a path item's parameters, not an operation
			}
			if err := json.Unmarshal(rawOp, &op); err != nil {
				Fatalf("LIVE_DOCUMENT: %v", err)
			}
			for _, cb := range op.Callbacks {
				for _, cbItem := range cb {
					for _, cbOp := range cbItem {
						media, ok := cbOp.RequestBody.Content["application/json"]
						if !ok || media.Schema == nil {
							continue
						}
						walk(media.Schema, func(s *schema) {
							if et, ok := s.Properties["event_type"]; ok && len(et.Enum) == 1 {
								n.Known[et.Enum[0].(string)] = s.Title
							}
							var example map[string]any
							if json.Unmarshal(s.Example, &example) != nil {
								return // no example, or not an object
							}
							if event, ok := example["event_type"].(string); ok {
								n.Bodies[s.Title] = s.Example
								byEvent[event] = example
							}
						})
					}
				}
			}
		}
	}
	for event := range n.Known {
		Expect(byEvent[event] != nil, "no example of the known event %s", event)
	}
	Expect(len(n.Known) > 0, "no known events in LIVE_DOCUMENT")
	unknown := clone(byEvent["RECORD_FILE_COMPLETE"])
	unknown["event_type"] = "RECORD_SNAPSHOT_READY"
	unknown["snapshot_url"] = "https://play.example.com/live/mystream.jpg"
	start := clone(byEvent["RECORD_START"])
	delete(start, "file_size")
	delete(start, "record_duration")
	n.Bodies["unknown event_type"], _ = json.Marshal(unknown)
	n.Bodies["RECORD_START without file_size"], _ = json.Marshal(start)
	return n
}

func clone(m map[string]any) map[string]any {
	Expect(m != nil, "a known event has no example")
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
