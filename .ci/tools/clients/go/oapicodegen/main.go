// The Go client oapi-codegen generates (types and client, package lrc,
// written into ./lrc by .ci/go-java) against the emulator: create, list,
// show, update with the config read back and sent back, delete, two 400s
// with their error codes, 404 after delete, and the notifications decoded
// into the generated types (each example, an unknown event_type, a
// RECORD_START without file_size). With LIVE_AK and LIVE_SK, every call is
// signed by huaweicloud-sdk-go-v3's signer (lrcclients/aksk) and a wrong
// secret key must be refused.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"lrcclients/common"
	"lrcclients/oapicodegen/lrc"
)

const key = "0123456789abcdef0123456789abcdef"

func main() {
	env := common.FromEnv()
	ctx := context.Background()
	client, err := lrc.NewClientWithResponses(env.Endpoint, lrc.WithHTTPClient(env.HTTPClient()))
	check(err)
	expect := common.Expect
	project := env.ProjectID

	events := func(names ...string) *[]lrc.RecordCallbackConfigRequest_NotifyEventSubscription_Item {
		items := make([]lrc.RecordCallbackConfigRequest_NotifyEventSubscription_Item, len(names))
		for i, n := range names {
			// A known name through the enum, any other as the Unlisted string.
			if lrc.SubscribedEvent(n).Valid() {
				check(items[i].FromSubscribedEvent(lrc.SubscribedEvent(n)))
			} else {
				check(items[i].FromRecordCallbackConfigRequestNotifyEventSubscription1(n))
			}
		}
		return &items
	}
	signType := func(s lrc.SignType) *lrc.RecordCallbackConfigRequest_SignType {
		var t lrc.RecordCallbackConfigRequest_SignType
		check(t.FromSignType(s))
		return &t
	}
	url := "https://hooks.example.com/live/record"
	k := key
	body := lrc.RecordCallbackConfigRequest{
		PublishDomain:           "push.example.com",
		App:                     env.App,
		NotifyCallbackUrl:       &url,
		NotifyEventSubscription: events("RECORD_FILE_COMPLETE", "RECORD_FAILED"),
		SignType:                signType(lrc.HMACSHA256),
		Key:                     &k,
	}

	created, err := client.CreateRecordCallbackConfigWithResponse(ctx, project, body)
	check(err)
	expect(created.StatusCode() == 201 && created.JSON201 != nil, "create: %d %s", created.StatusCode(), created.Body)
	expect(created.HTTPResponse.Header.Get("X-Request-Id") != "", "create: no X-Request-Id")
	cfg := created.JSON201
	expect(cfg.App == env.App && cfg.SignType != nil && *cfg.SignType == "HMACSHA256", "create: %s", created.Body)
	expect(cfg.CreateTime != nil && !cfg.CreateTime.IsZero(), "create: no create_time in %s", created.Body)
	expect(!strings.Contains(string(created.Body), `"key"`), "create: the key came back")

	domain, app, limit := lrc.PublishDomain("push.example.com"), env.App, lrc.PageLimit(10)
	page, err := client.ListRecordCallbackConfigsWithResponse(ctx, project,
		&lrc.ListRecordCallbackConfigsParams{PublishDomain: &domain, App: &app, Limit: &limit})
	check(err)
	expect(page.StatusCode() == 200 && page.JSON200 != nil, "list: %d %s", page.StatusCode(), page.Body)
	var ids []string
	if page.JSON200.CallbackConfig != nil {
		for _, c := range *page.JSON200.CallbackConfig {
			ids = append(ids, c.Id)
		}
	}
	expect(len(ids) == 1 && ids[0] == cfg.Id, "list: ids %v, want [%s]", ids, cfg.Id)
	expect(page.JSON200.Total == nil || *page.JSON200.Total == 1, "list: total %v", page.JSON200.Total)

	shown, err := client.ShowRecordCallbackConfigWithResponse(ctx, project, cfg.Id)
	check(err)
	expect(shown.StatusCode() == 200 && shown.JSON200 != nil, "show: %d %s", shown.StatusCode(), shown.Body)
	s := shown.JSON200
	expect(s.Id == cfg.Id && s.NotifyCallbackUrl != nil && *s.NotifyCallbackUrl == url, "show: %s", shown.Body)

	// Read, change, send back: the stored strings go into the request's types
	// unchanged (the key is never returned, so it is sent again).
	url2 := url + "-v2"
	sentBack := lrc.RecordCallbackConfigRequest{
		PublishDomain:           s.PublishDomain,
		App:                     s.App,
		NotifyCallbackUrl:       &url2,
		NotifyEventSubscription: events(*s.NotifyEventSubscription...),
		SignType:                signType(lrc.MD5),
		Key:                     &k,
	}
	updated, err := client.UpdateRecordCallbackConfigWithResponse(ctx, project, cfg.Id, sentBack)
	check(err)
	expect(updated.StatusCode() == 200 && updated.JSON200 != nil, "update: %d %s", updated.StatusCode(), updated.Body)
	u := updated.JSON200
	expect(*u.SignType == "MD5" && *u.NotifyCallbackUrl == url2, "update: %s", updated.Body)
	expect(fmt.Sprint(*u.NotifyEventSubscription) == fmt.Sprint(*s.NotifyEventSubscription), "update: events %v", *u.NotifyEventSubscription)

	// A second config for the same domain and app: 400 with the service's code.
	dup, err := client.CreateRecordCallbackConfigWithResponse(ctx, project, body)
	check(err)
	expect(dup.StatusCode() == 400 && dup.JSON400 != nil && dup.JSON400.ErrorCode != nil, "duplicate: %d %s", dup.StatusCode(), dup.Body)
	code := *dup.JSON400.ErrorCode
	expect(code == "LIVE.103011018", "duplicate: error_code %s", code)
	// An event the document does not list passes the client; the emulator
	// refuses it, as the contract says.
	unlisted := body
	unlisted.App = env.App + "-x"
	unlisted.NotifyEventSubscription = events("RECORD_SEGMENT_READY")
	bad, err := client.CreateRecordCallbackConfigWithResponse(ctx, project, unlisted)
	check(err)
	expect(bad.StatusCode() == 400 && bad.JSON400 != nil && bad.JSON400.ErrorCode != nil, "unlisted: %d %s", bad.StatusCode(), bad.Body)
	unlistedCode := *bad.JSON400.ErrorCode
	expect(unlistedCode == "LIVE.100011001", "unlisted: error_code %s", unlistedCode)

	deleted, err := client.DeleteRecordCallbackConfigWithResponse(ctx, project, cfg.Id)
	check(err)
	expect(deleted.StatusCode() == 204, "delete: %d %s", deleted.StatusCode(), deleted.Body)
	gone, err := client.ShowRecordCallbackConfigWithResponse(ctx, project, cfg.Id)
	check(err)
	expect(gone.StatusCode() == 404 && gone.JSON404 != nil && gone.JSON404.ErrorCode != nil, "show after delete: %d %s", gone.StatusCode(), gone.Body)

	refused := ""
	if wrong := env.WrongSK(); wrong != nil {
		c, err := lrc.NewClientWithResponses(env.Endpoint, lrc.WithHTTPClient(wrong))
		check(err)
		r, err := c.ListRecordCallbackConfigsWithResponse(ctx, project, nil)
		check(err)
		expect(r.StatusCode() == http.StatusUnauthorized && r.JSON401 != nil && r.JSON401.ErrorCode != nil &&
			*r.JSON401.ErrorCode == "APIGW.0301", "wrong SK: %d %s", r.StatusCode(), r.Body)
		refused = ", a wrong SK refused with 401 APIGW.0301"
	}

	// Notifications, read as a receiver would: the callback's body type,
	// then the known event by its discriminator, else OtherRecordNotification.
	n := common.LoadNotifications()
	kinds := map[string]string{}
	for _, name := range n.Names() {
		raw := n.Bodies[name]
		var b lrc.RecordNotificationBody
		check(json.Unmarshal(raw, &b))
		var head struct {
			EventType string `json:"event_type"`
		}
		check(json.Unmarshal(raw, &head))
		if _, known := n.Known[head.EventType]; known {
			rn, err := b.AsRecordNotification()
			check(err)
			v, err := rn.ValueByDiscriminator()
			check(err)
			kinds[name] = fmt.Sprintf("%T", v)
			expect(strings.TrimPrefix(kinds[name], "lrc.") == n.Known[head.EventType], "%s: read as %s", name, kinds[name])
			switch e := v.(type) {
			case lrc.RecordFileCompleteNotification:
				expect(e.DownloadUrl != "" && e.FileSize > 0, "%s: %+v", name, e)
			case lrc.RecordStartNotification:
				if name == "RECORD_START without file_size" {
					expect(e.FileSize == nil, "%s: file_size %v", name, e.FileSize)
				}
			}
		} else {
			o, err := b.AsOtherRecordNotification()
			check(err)
			expect(o.EventType == head.EventType, "%s: event_type %q", name, o.EventType)
			kinds[name] = "lrc.OtherRecordNotification"
		}
	}
	fmt.Printf("oapi-codegen client (%s): create/list/show/update (sent back)/delete, 400 %s and %s (unlisted event), "+
		"404 after delete%s, %d notifications decoded (unknown event_type: %s; RECORD_START without file_size: %s)\n",
		env.Auth(), code, unlistedCode, refused, len(kinds), kinds["unknown event_type"], kinds["RECORD_START without file_size"])
}

func check(err error) {
	if err != nil {
		common.Fatalf("%v", err)
	}
}
