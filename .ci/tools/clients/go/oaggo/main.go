// The Go client openapi-generator's `go` generator writes (package lrc,
// written into ./lrc by .ci/go-java) against the emulator: the same steps
// as the oapi-codegen driver (create, list, show, update with the config
// read back and sent back, delete, two 400s with their codes, 404 after
// delete, a wrong secret key refused with AK/SK, and the notifications read
// into the generated types).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"

	"lrcclients/common"
	"lrcclients/oaggo/lrc"
)

const key = "0123456789abcdef0123456789abcdef"

func api(env common.Env, client *http.Client) *lrc.RecordingCallbacksAPIService {
	cfg := lrc.NewConfiguration()
	cfg.Servers = lrc.ServerConfigurations{{URL: env.Endpoint}}
	cfg.HTTPClient = client
	return lrc.NewAPIClient(cfg).RecordingCallbacksAPI
}

func event(name string) lrc.RequestedEvent {
	if e, err := lrc.NewSubscribedEventFromValue(name); err == nil {
		return lrc.SubscribedEventAsRequestedEvent(e)
	}
	return lrc.StringAsRequestedEvent(&name)
}

func signType(s lrc.SignType) lrc.RequestedSignType { return lrc.SignTypeAsRequestedSignType(&s) }

// refused returns the error body of a call that must fail with status.
func refused(status int, resp *http.Response, err error) lrc.ErrorResponse {
	var apiErr *lrc.GenericOpenAPIError
	common.Expect(errors.As(err, &apiErr), "want an API error %d, got %v", status, err)
	common.Expect(resp != nil && resp.StatusCode == status, "status %v, want %d: %s", resp, status, apiErr.Body())
	var body lrc.ErrorResponse
	if m, ok := apiErr.Model().(lrc.ErrorResponse); ok {
		body = m
	} else {
		check(json.Unmarshal(apiErr.Body(), &body))
	}
	common.Expect(body.ErrorCode != nil, "no error_code in %s", apiErr.Body())
	return body
}

func main() {
	env := common.FromEnv()
	ctx := context.Background()
	a := api(env, env.HTTPClient())
	expect := common.Expect
	project := env.ProjectID

	body := lrc.NewRecordCallbackConfigRequest("push.example.com", env.App)
	body.SetNotifyCallbackUrl("https://hooks.example.com/live/record")
	body.SetNotifyEventSubscription([]lrc.RequestedEvent{event("RECORD_FILE_COMPLETE"), event("RECORD_FAILED")})
	body.SetSignType(signType(lrc.HMACSHA256))
	body.SetKey(key)

	cfg, resp, err := a.CreateRecordCallbackConfig(ctx, project).RecordCallbackConfigRequest(*body).Execute()
	check(err)
	expect(resp.StatusCode == 201 && resp.Header.Get("X-Request-Id") != "", "create: %d %v", resp.StatusCode, resp.Header)
	expect(cfg.App == env.App && cfg.GetSignType() == "HMACSHA256" && cfg.CreateTime != nil, "create: %+v", cfg)

	page, _, err := a.ListRecordCallbackConfigs(ctx, project).PublishDomain("push.example.com").App(env.App).Limit(10).Execute()
	check(err)
	var ids []string
	for _, c := range page.GetCallbackConfig() {
		ids = append(ids, c.Id)
	}
	expect(len(ids) == 1 && ids[0] == cfg.Id, "list: ids %v", ids)
	expect(page.Total == nil || *page.Total == 1, "list: total %v", page.Total)

	shown, _, err := a.ShowRecordCallbackConfig(ctx, project, cfg.Id).Execute()
	check(err)
	expect(shown.Id == cfg.Id && shown.GetNotifyCallbackUrl() == body.GetNotifyCallbackUrl(), "show: %+v", shown)

	// Read, change, send back (the key is never returned, so it is sent again).
	sentBack := lrc.NewRecordCallbackConfigRequest(shown.PublishDomain, shown.App)
	sentBack.SetNotifyCallbackUrl("https://hooks.example.com/live/record-v2")
	var events []lrc.RequestedEvent
	for _, e := range shown.GetNotifyEventSubscription() {
		events = append(events, event(e))
	}
	sentBack.SetNotifyEventSubscription(events)
	sentBack.SetSignType(signType(lrc.MD5))
	sentBack.SetKey(key)
	updated, _, err := a.UpdateRecordCallbackConfig(ctx, project, cfg.Id).RecordCallbackConfigRequest(*sentBack).Execute()
	check(err)
	expect(updated.GetSignType() == "MD5" && updated.GetNotifyCallbackUrl() == sentBack.GetNotifyCallbackUrl(), "update: %+v", updated)
	expect(reflect.DeepEqual(updated.GetNotifyEventSubscription(), shown.GetNotifyEventSubscription()), "update: events %v", updated.NotifyEventSubscription)

	_, resp, err = a.CreateRecordCallbackConfig(ctx, project).RecordCallbackConfigRequest(*body).Execute()
	code := *refused(400, resp, err).ErrorCode
	expect(code == "LIVE.103011018", "duplicate: %s", code)
	unlisted := *body
	unlisted.App = env.App + "-x"
	unlisted.SetNotifyEventSubscription([]lrc.RequestedEvent{event("RECORD_SEGMENT_READY")})
	_, resp, err = a.CreateRecordCallbackConfig(ctx, project).RecordCallbackConfigRequest(unlisted).Execute()
	unlistedCode := *refused(400, resp, err).ErrorCode
	expect(unlistedCode == "LIVE.100011001", "unlisted: %s", unlistedCode)

	resp, err = a.DeleteRecordCallbackConfig(ctx, project, cfg.Id).Execute()
	check(err)
	expect(resp.StatusCode == 204, "delete: %d", resp.StatusCode)
	_, resp, err = a.ShowRecordCallbackConfig(ctx, project, cfg.Id).Execute()
	refused(404, resp, err)

	wrong := ""
	if c := env.WrongSK(); c != nil {
		_, resp, err := api(env, c).ListRecordCallbackConfigs(ctx, project).Execute()
		bad := *refused(401, resp, err).ErrorCode
		expect(bad == "APIGW.0301", "wrong SK: %s", bad)
		wrong = ", a wrong SK refused with 401 APIGW.0301"
	}

	// Notifications. This generator's RecordNotificationBody tries
	// OtherRecordNotification first and keeps it whenever the body has its
	// fields, so a listed event mostly comes out as OtherRecordNotification:
	// read RecordNotification directly for a listed event_type (with
	// useOneOfDiscriminatorLookup, it picks the member by event_type).
	n := common.LoadNotifications()
	kinds := map[string]string{}
	asOther := 0
	for _, name := range n.Names() {
		raw := n.Bodies[name]
		var head struct {
			EventType string `json:"event_type"`
		}
		check(json.Unmarshal(raw, &head))
		var b lrc.RecordNotificationBody
		check(json.Unmarshal(raw, &b))
		if _, known := n.Known[head.EventType]; !known {
			expect(b.OtherRecordNotification != nil && b.OtherRecordNotification.EventType == head.EventType,
				"%s: not read as OtherRecordNotification: %+v", name, b)
			kinds[name] = "lrc.OtherRecordNotification"
			continue
		}
		if b.OtherRecordNotification != nil {
			asOther++
		}
		var rn lrc.RecordNotification
		check(json.Unmarshal(raw, &rn))
		v := rn.GetActualInstance()
		kinds[name] = fmt.Sprintf("%T", v)
		expect(kinds[name] == "*lrc."+n.Known[head.EventType], "%s: read as %s", name, kinds[name])
		if s, ok := v.(*lrc.RecordStartNotification); ok && name == "RECORD_START without file_size" {
			expect(s.FileSize == nil, "%s: file_size %v", name, s.FileSize)
		}
		if f, ok := v.(*lrc.RecordFileCompleteNotification); ok {
			expect(f.DownloadUrl != "" && f.FileSize > 0, "%s: %+v", name, f)
		}
	}
	expect(asOther > 0, "RecordNotificationBody reads no listed event as OtherRecordNotification any more: update docs/other-languages.md")
	fmt.Printf("openapi-generator go client (%s): create/list/show/update (sent back)/delete, 400 %s and %s (unlisted event), "+
		"404 after delete%s, %d notifications read (unknown event_type: %s; RECORD_START without file_size: %s; "+
		"%d listed events read by RecordNotificationBody as OtherRecordNotification)\n",
		env.Auth(), code, unlistedCode, wrong, len(kinds), kinds["unknown event_type"], kinds["RECORD_START without file_size"], asOther)
}

func check(err error) {
	if err != nil {
		common.Fatalf("%v", err)
	}
}
