package verify

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

type vectors struct {
	Receiver struct {
		Window      int64 `json:"window"`
		FutureBound int64 `json:"future_bound"`
		MaxBody     int   `json:"max_body"`
	} `json:"receiver"`
	Cases []struct {
		Name     string   `json:"name"`
		SignType string   `json:"sign_type"`
		Keys     []string `json:"keys"`
		Now      int64    `json:"now"`
		Body     string   `json:"body"`
		Expected struct {
			Valid     bool       `json:"valid"`
			Reason    *string    `json:"reason"`
			DedupeKey *DedupeKey `json:"dedupe_key"`
		} `json:"expected"`
	} `json:"cases"`
}

func load(t *testing.T) vectors {
	path := os.Getenv("LIVE_RECORD_CALLBACKS_VECTORS")
	if path == "" {
		path = "../../openapi/published/notification-vectors.json"
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v vectors
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEveryVector(t *testing.T) {
	file := load(t)
	r := file.Receiver
	if len(file.Cases) < 30 {
		t.Fatalf("%d cases", len(file.Cases))
	}
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			var n Notification
			var err error
			if len(c.Keys) == 0 {
				n, err = Parse([]byte(c.Body), r.MaxBody)
			} else {
				v, e := New(c.SignType, c.Keys...)
				if e != nil {
					t.Fatal(e)
				}
				v.Window, v.FutureBound, v.MaxBody = r.Window, r.FutureBound, r.MaxBody
				n, err = v.Verify([]byte(c.Body), time.Unix(c.Now, 0))
			}
			got := "valid"
			var dedupe *DedupeKey
			var refused *Error
			if errors.As(err, &refused) {
				got = refused.Reason
				for _, k := range c.Keys {
					if strings.Contains(err.Error(), k) {
						t.Errorf("the error shows a key")
					}
				}
			} else if err != nil {
				t.Fatal(err)
			} else if k, ok := n.Dedupe(); ok {
				dedupe = &k
			}
			want := "valid"
			if !c.Expected.Valid {
				want = *c.Expected.Reason
			}
			if got != want || fmt.Sprint(dedupe) != fmt.Sprint(c.Expected.DedupeKey) {
				t.Errorf("expected %s %v, got %s %v", want, c.Expected.DedupeKey, got, dedupe)
			}
		})
	}
}

func TestDefaultsAreTheVectorsReceiver(t *testing.T) {
	r := load(t).Receiver
	if r.Window != Window || r.FutureBound != FutureBound || r.MaxBody != MaxBody {
		t.Errorf("defaults %d %d %d, vectors %+v", Window, FutureBound, MaxBody, r)
	}
}

func TestTheKeyStaysOutOfLogsAndErrors(t *testing.T) {
	key := "0123456789abcdef0123456789abcdef"
	v, _ := New("HMACSHA256", key)
	for _, s := range []string{fmt.Sprint(v), fmt.Sprintf("%v %+v %#v", v, v, v)} {
		if strings.Contains(s, key) {
			t.Errorf("%q shows the key", s)
		}
	}
	if _, err := New("SHA1", key); err == nil || strings.Contains(err.Error(), key) {
		t.Errorf("New(SHA1): %v", err)
	}
	if _, err := New("MD5"); err == nil || !strings.Contains(err.Error(), "keys") {
		t.Errorf("New without keys: %v", err)
	}
}

func TestDeepNestingIsRefusedNotACrash(t *testing.T) {
	body := `{"event_type":"RECORD_OVER","x":` + strings.Repeat("[", 30000) + strings.Repeat("]", 30000) + `}`
	var refused *Error
	if _, err := Parse([]byte(body), MaxBody); !errors.As(err, &refused) || refused.Reason != "invalid" {
		t.Errorf("deep nesting: %v", err)
	}
}
