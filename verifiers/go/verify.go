// Package verify checks the recording notifications Huawei Cloud Live POSTs
// to a config's notify_callback_url.
//
// The rule is the contract's x-signing (openapi/live-record-callbacks.yaml);
// this package is tested against the vectors generated from it
// (openapi/published/notification-vectors.json). Verdicts and reason names
// are the Rust crate's (ReceiveError::reason).
package verify

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"
	"unicode/utf8"
)

const (
	// Window is how many seconds the clock may be past auth_timestamp.
	Window = 300
	// FutureBound is how many seconds auth_timestamp may be ahead of the
	// clock (it may be an expiry time).
	FutureBound = 1200
	// MaxBody is the largest body read, in bytes.
	MaxBody = 64 * 1024
)

// Events are the events the contract lists; another event_type is a newer
// event, to ignore.
var Events = []string{"RECORD_START", "RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE", "RECORD_OVER", "RECORD_FAILED"}

// HMACMessage is what HMACSHA256 signs, in order, with nothing between
// (x-signing.HMACSHA256.message).
var HMACMessage = []string{"auth_timestamp", "event_type", "publish_domain", "app", "stream", "download_url", "play_url"}

var digits = map[string]int{"HMACSHA256": 64, "MD5": 32}
var signature = regexp.MustCompile(`^(?:[0-9a-fA-F]{32}|[0-9a-fA-F]{64})$`)

// Error is a refused notification. Reason names the check (too_large,
// invalid, missing_signature, missing_timestamp, malformed_signature,
// mismatch, stale, future); the message never holds a key or the expected
// signature.
type Error struct {
	Reason  string
	Message string
}

func (e *Error) Error() string { return e.Reason + ": " + e.Message }

// Status is the HTTP status to answer with: 400 for a body that is not a
// notification, else 401.
func (e *Error) Status() int {
	if e.Reason == "too_large" || e.Reason == "invalid" {
		return 400
	}
	return 401
}

func fail(reason, format string, a ...any) *Error {
	return &Error{reason, fmt.Sprintf(format, a...)}
}

// Notification is a body's JSON object; fields the contract does not list
// are kept.
type Notification map[string]any

// Text is a field's string value, or "" when absent.
func (n Notification) Text(field string) string {
	s, _ := n[field].(string)
	return s
}

// EventType is the notification's event_type.
func (n Notification) EventType() string { return n.Text("event_type") }

// Parse reads a body: a JSON object with a string event_type; signed fields
// are strings, auth_timestamp an integer, auth_sign 32 or 64 hex digits.
func Parse(body []byte, maxBody int) (Notification, error) {
	if len(body) > maxBody {
		return nil, fail("too_large", "the body is %d bytes, more than the %d allowed", len(body), maxBody)
	}
	if !utf8.Valid(body) {
		return nil, fail("invalid", "the body is not UTF-8")
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var n Notification
	if err := d.Decode(&n); err != nil || n == nil || d.More() {
		return nil, fail("invalid", "the body is not a JSON object")
	}
	if _, ok := n["event_type"].(string); !ok {
		return nil, fail("invalid", "event_type: missing or not a string")
	}
	for _, f := range HMACMessage[1:] {
		if v, ok := n[f]; ok && v != nil {
			if _, ok := v.(string); !ok {
				return nil, fail("invalid", "%s: not a string", f)
			}
		}
	}
	if v, ok := n["auth_timestamp"]; ok && v != nil {
		num, ok := v.(json.Number)
		ts, err := strconv.ParseInt(string(num), 10, 64)
		if !ok || err != nil {
			return nil, fail("invalid", "auth_timestamp: not an integer")
		}
		n["auth_timestamp"] = ts
	}
	if v, ok := n["auth_sign"]; ok && v != nil {
		if s, ok := v.(string); !ok || !signature.MatchString(s) {
			return nil, fail("invalid", "auth_sign: not 32 or 64 hexadecimal digits")
		}
	}
	return n, nil
}

// DedupeKey identifies an event for deduplication: the same event sent twice
// has the same key. File is download_url for RECORD_FILE_COMPLETE, job_id
// for RECORD_NEW_FILE_START, empty otherwise.
type DedupeKey struct {
	TaskID    string `json:"task_id"`
	EventType string `json:"event_type"`
	File      string `json:"file"`
}

// Dedupe is the key of a known event; false for an event the contract does
// not list.
func (n Notification) Dedupe() (DedupeKey, bool) {
	event := n.EventType()
	known := false
	for _, e := range Events {
		known = known || e == event
	}
	if !known {
		return DedupeKey{}, false
	}
	file := ""
	switch event {
	case "RECORD_FILE_COMPLETE":
		file = n.Text("download_url")
	case "RECORD_NEW_FILE_START":
		file = n.Text("job_id")
	}
	return DedupeKey{n.Text("task_id"), event, file}, true
}

// Verifier checks notifications for one config: its sign_type and its key
// (during a rotation, the new and the old key).
type Verifier struct {
	SignType    string
	Window      int64
	FutureBound int64
	MaxBody     int
	keys        [][]byte
}

// New is a verifier with the default window, bound and size limit.
func New(signType string, keys ...string) (*Verifier, error) {
	if _, ok := digits[signType]; !ok {
		return nil, fmt.Errorf("signType: %q is neither HMACSHA256 nor MD5", signType)
	}
	if len(keys) == 0 {
		return nil, errors.New("keys: give one key or more (the config's key)")
	}
	v := &Verifier{SignType: signType, Window: Window, FutureBound: FutureBound, MaxBody: MaxBody}
	for _, k := range keys {
		v.keys = append(v.keys, []byte(k))
	}
	return v, nil
}

// String keeps the keys out of logs.
func (v *Verifier) String() string {
	return fmt.Sprintf("Verifier(%s, <%d key(s) redacted>)", v.SignType, len(v.keys))
}

// GoString keeps the keys out of %#v.
func (v *Verifier) GoString() string { return v.String() }

func (v *Verifier) digest(key []byte, n Notification, ts int64) []byte {
	stamp := strconv.FormatInt(ts, 10)
	if v.SignType == "MD5" {
		d := md5.Sum(append(append([]byte{}, key...), stamp...))
		return d[:]
	}
	mac := hmac.New(sha256.New, key)
	for _, f := range HMACMessage {
		if f == "auth_timestamp" {
			mac.Write([]byte(stamp))
		} else {
			mac.Write([]byte(n.Text(f)))
		}
	}
	return mac.Sum(nil)
}

// Verify parses and checks a body at the time now.
func (v *Verifier) Verify(body []byte, now time.Time) (Notification, error) {
	n, err := Parse(body, v.MaxBody)
	if err != nil {
		return nil, err
	}
	sign, ok := n["auth_sign"].(string)
	if !ok {
		return nil, fail("missing_signature", "the body has no auth_sign")
	}
	ts, ok := n["auth_timestamp"].(int64)
	if !ok {
		return nil, fail("missing_timestamp", "auth_sign without auth_timestamp")
	}
	if len(sign) != digits[v.SignType] {
		return nil, fail("malformed_signature", "auth_sign has %d hex digits, %s has %d", len(sign), v.SignType, digits[v.SignType])
	}
	given, _ := hex.DecodeString(sign) // Parse checked the digits
	matched := 0
	for _, key := range v.keys { // every key, so the time does not tell which matched
		matched |= subtle.ConstantTimeCompare(v.digest(key, n, ts), given)
	}
	if matched != 1 {
		return nil, fail("mismatch", "auth_sign matches none of the %d key(s)", len(v.keys))
	}
	age := now.Unix() - ts
	if age > v.Window {
		return nil, fail("stale", "auth_timestamp is %d s old (window %d s)", age, v.Window)
	}
	if -age > v.FutureBound {
		return nil, fail("future", "auth_timestamp is %d s ahead (bound %d s)", -age, v.FutureBound)
	}
	return n, nil
}
