// Huawei's official Go SDK (huaweicloud-sdk-go-v3, services/live/v1) against
// the emulator, as tests/huawei_sdk/drive_emulator.py does with the Python
// SDK: the five operations AK/SK-signed by the SDK itself, the answers read
// into the SDK's own models, the service's error codes through its own
// error type, 404 after delete, and a wrong secret key refused. Reads
// LIVE_ENDPOINT, LIVE_AK, LIVE_SK, LIVE_PROJECT_ID and LIVE_APP. Prints a
// line per check and "N passed, N failed".
//
// .ci/go-java vets it but does not run it yet: this SDK's signer never
// lists Host in SignedHeaders (core/auth/signer: the host is not among the
// request's header params), and the emulator refuses such a request
// ("header `host` must be listed in SignedHeaders"); every call but the
// wrong-key one fails with 401 APIGW.0301.
package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	live "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/live/v1"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/live/v1/model"
)

const (
	domain = "push.sdk-go.example.com"
	key    = "0123456789abcdef0123456789abcdef"
)

func client(sk string) *live.LiveClient {
	cred, err := basic.NewCredentialsBuilder().WithAk(os.Getenv("LIVE_AK")).WithSk(sk).
		WithProjectId(os.Getenv("LIVE_PROJECT_ID")).SafeBuild()
	if err != nil {
		panic(err)
	}
	// An endpoint and no region: with a region the SDK would add that
	// region's endpoints and could ask IAM for the project id.
	hc, err := live.LiveClientBuilder().WithEndpoints([]string{os.Getenv("LIVE_ENDPOINT")}).
		WithCredential(cred).SafeBuild()
	if err != nil {
		panic(err)
	}
	return live.NewLiveClient(hc)
}

func body(app, url string, events []string, sign string) *model.RecordCallbackConfigRequest {
	b := &model.RecordCallbackConfigRequest{PublishDomain: domain, App: app, NotifyCallbackUrl: &url}
	if events != nil {
		list := make([]model.RecordCallbackConfigRequestNotifyEventSubscription, len(events))
		for i, e := range events {
			// The SDK's enum types hold any string; JSON is how to set one.
			if err := list[i].UnmarshalJSON([]byte(`"` + e + `"`)); err != nil {
				panic(err)
			}
		}
		b.NotifyEventSubscription = &list
	}
	if sign != "" {
		var t model.RecordCallbackConfigRequestSignType
		if err := t.UnmarshalJSON([]byte(`"` + sign + `"`)); err != nil {
			panic(err)
		}
		b.SignType = &t
		k := key
		b.Key = &k
	}
	return b
}

func expect(cond bool, format string, args ...any) {
	if !cond {
		panic(fmt.Sprintf(format, args...))
	}
}

// serviceError checks that err is the SDK's ServiceResponseError with
// this status and error code and a request id.
func serviceError(err error, status int, code string) *sdkerr.ServiceResponseError {
	var e *sdkerr.ServiceResponseError
	expect(errors.As(err, &e), "want the SDK's ServiceResponseError %d %s, got %v", status, code, err)
	expect(e.StatusCode == status && e.ErrorCode == code, "got %d %s (%s), want %d %s", e.StatusCode, e.ErrorCode, e.ErrorMessage, status, code)
	expect(e.RequestId != "", "no request id in %v", e)
	return e
}

func main() {
	c := client(os.Getenv("LIVE_SK"))
	app := os.Getenv("LIVE_APP")
	state := map[string]string{}
	passed, failed := 0, 0
	run := func(name string, f func()) {
		defer func() {
			if r := recover(); r != nil {
				failed++
				fmt.Printf("FAIL %s: %v\n", name, r)
			}
		}()
		f()
		passed++
		fmt.Printf("ok   %s\n", name)
	}

	run("create returns an id, the defaults, and the times as the SDK's strings", func() {
		r, err := c.CreateRecordCallbackConfig(&model.CreateRecordCallbackConfigRequest{
			Body: body(app, "https://hooks.example.com/live/record", []string{"RECORD_FILE_COMPLETE", "RECORD_FAILED"}, "HMACSHA256")})
		expect(err == nil, "%v", err)
		expect(r.HttpStatusCode == 201 && r.Id != nil, "status %d, id %v", r.HttpStatusCode, r.Id)
		var events []string
		for _, e := range *r.NotifyEventSubscription {
			events = append(events, e.Value())
		}
		expect(slices.Equal(events, []string{"RECORD_FILE_COMPLETE", "RECORD_FAILED"}), "events %v", events)
		expect(r.SignType.Value() == "HMACSHA256", "sign_type %s", r.SignType.Value())
		// The SDK types create_time as a string; it must be the RFC 3339 time.
		expect(r.CreateTime != nil && r.UpdateTime != nil, "no times")
		_, err = time.Parse(time.RFC3339, *r.CreateTime)
		expect(err == nil, "create_time %q: %v", *r.CreateTime, err)
		state["id"] = *r.Id
	})
	run("create a wildcard config with the defaults", func() {
		r, err := c.CreateRecordCallbackConfig(&model.CreateRecordCallbackConfigRequest{
			Body: body("*", "http://hooks.example.com/live/any", nil, "")})
		expect(err == nil, "%v", err)
		expect(r.SignType.Value() == "HMACSHA256", "default sign_type %s", r.SignType.Value())
		expect(len(*r.NotifyEventSubscription) == 1 && (*r.NotifyEventSubscription)[0].Value() == "RECORD_FILE_COMPLETE",
			"default events %v", *r.NotifyEventSubscription)
		state["wildcard"] = *r.Id
	})
	ids := func(r *model.ListRecordCallbackConfigsResponse) []string {
		var out []string
		for _, cfg := range *r.CallbackConfig {
			out = append(out, *cfg.Id)
		}
		return out
	}
	run("list filtered by publish_domain and app=*", func() {
		d, a, l := domain, "*", int32(10)
		r, err := c.ListRecordCallbackConfigs(&model.ListRecordCallbackConfigsRequest{PublishDomain: &d, App: &a, Limit: &l})
		expect(err == nil, "%v", err)
		expect(*r.Total == 1 && slices.Equal(ids(r), []string{state["wildcard"]}), "total %d, ids %v", *r.Total, ids(r))
	})
	run("list filtered by publish_domain, paged: total counts every page", func() {
		d, o, l := domain, int32(1), int32(1)
		r, err := c.ListRecordCallbackConfigs(&model.ListRecordCallbackConfigsRequest{PublishDomain: &d, Offset: &o, Limit: &l})
		expect(err == nil, "%v", err)
		expect(*r.Total == 2 && slices.Equal(ids(r), []string{state["wildcard"]}), "total %d, ids %v", *r.Total, ids(r))
	})
	run("show returns the config", func() {
		r, err := c.ShowRecordCallbackConfig(&model.ShowRecordCallbackConfigRequest{Id: state["id"]})
		expect(err == nil, "%v", err)
		expect(*r.Id == state["id"] && *r.App == app && *r.NotifyCallbackUrl == "https://hooks.example.com/live/record", "%v", r)
	})
	run("duplicate (domain, app) gives 400 LIVE.103011018", func() {
		_, err := c.CreateRecordCallbackConfig(&model.CreateRecordCallbackConfigRequest{
			Body: body(app, "https://other.example.com/cb", nil, "")})
		serviceError(err, 400, "LIVE.103011018")
	})
	run("an ftp:// callback URL gives 400 LIVE.100011001", func() {
		_, err := c.CreateRecordCallbackConfig(&model.CreateRecordCallbackConfigRequest{
			Body: body(app+"-x", "ftp://hooks.example.com/cb", nil, "")})
		serviceError(err, 400, "LIVE.100011001")
	})
	run("update replaces the config", func() {
		r, err := c.UpdateRecordCallbackConfig(&model.UpdateRecordCallbackConfigRequest{Id: state["id"],
			Body: body(app, "https://hooks.example.com/live/record-v2", []string{"RECORD_OVER"}, "MD5")})
		expect(err == nil, "%v", err)
		expect(r.HttpStatusCode == 200 && *r.Id == state["id"], "status %d", r.HttpStatusCode)
		expect(*r.NotifyCallbackUrl == "https://hooks.example.com/live/record-v2" && r.SignType.Value() == "MD5", "%v", r)
	})
	run("delete gives 204", func() {
		r, err := c.DeleteRecordCallbackConfig(&model.DeleteRecordCallbackConfigRequest{Id: state["id"]})
		expect(err == nil, "%v", err)
		expect(r.HttpStatusCode == 204, "status %d", r.HttpStatusCode)
	})
	run("show after delete gives 404 LIVE.100011001", func() {
		_, err := c.ShowRecordCallbackConfig(&model.ShowRecordCallbackConfigRequest{Id: state["id"]})
		serviceError(err, 404, "LIVE.100011001")
		_, err = c.DeleteRecordCallbackConfig(&model.DeleteRecordCallbackConfigRequest{Id: state["wildcard"]})
		expect(err == nil, "%v", err)
	})
	run("a wrong secret key gives 401 APIGW.0301", func() {
		_, err := client(os.Getenv("LIVE_SK") + "x").ListRecordCallbackConfigs(&model.ListRecordCallbackConfigsRequest{})
		serviceError(err, 401, "APIGW.0301")
	})
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 || passed == 0 {
		os.Exit(1)
	}
}
