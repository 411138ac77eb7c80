// A receiver for recording notifications: verifies each POST, drops
// duplicates, answers 200 with a JSON body.
//
//	LIVE_CALLBACK_KEY=0123456789abcdef0123456789abcdef go run ./examples/receiver 127.0.0.1:8080
//
// LIVE_CALLBACK_KEY is the config's key (new,old while rotating), read from
// the environment only; LIVE_CALLBACK_SIGN_TYPE is HMACSHA256 (default) or MD5.
package main

import (
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"live-record-callbacks/verify"
)

func main() {
	signType := os.Getenv("LIVE_CALLBACK_SIGN_TYPE")
	if signType == "" {
		signType = "HMACSHA256"
	}
	var keys []string
	for _, k := range strings.Split(os.Getenv("LIVE_CALLBACK_KEY"), ",") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	v, err := verify.New(signType, keys...)
	if err != nil {
		log.Fatalf("receiver: %v", err)
	}
	var mu sync.Mutex
	seen := map[verify.DedupeKey]bool{} // a real receiver keeps a bounded or persistent store

	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		answer := func(code int, body any) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_ = json.NewEncoder(w).Encode(body)
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, int64(v.MaxBody)+1))
		n, err := v.Verify(body, time.Now())
		var refused *verify.Error
		if errors.As(err, &refused) {
			answer(refused.Status(), map[string]string{"error": refused.Error()})
			return
		}
		key, known := n.Dedupe()
		if !known {
			answer(http.StatusOK, map[string]string{"status": "ignored"}) // an event the contract does not list
			return
		}
		mu.Lock()
		status := "ok"
		if seen[key] {
			status = "duplicate"
		}
		seen[key] = true
		mu.Unlock()
		log.Printf("receiver: %s %s %s", status, n.EventType(), n.Text("stream"))
		answer(http.StatusOK, map[string]string{"status": status})
	})

	addr := "127.0.0.1:8080"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		log.Fatalf("receiver: %v", err)
	}
	log.SetFlags(0)
	log.Printf("receiver: listening on http://%s", listener.Addr())
	log.Fatal(http.Serve(listener, nil))
}
