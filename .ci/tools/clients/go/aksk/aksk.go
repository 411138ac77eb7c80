// Package aksk signs the requests of a generated Go client with AK/SK
// (SDK-HMAC-SHA256), using the signer of Huawei's Go SDK
// (huaweicloud-sdk-go-v3/core/auth/signer) rather than a copy of its rules.
// Transport is an http.RoundTripper: give a generated client an
// http.Client with it (oapi-codegen: WithHTTPClient; ogen: WithClient;
// openapi-generator: Configuration.HTTPClient).
package aksk

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"reflect"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// Transport adds X-Project-Id, X-Sdk-Date and Authorization to each
// request, signed with AK and SK, and then sends it with Base (or
// http.DefaultTransport).
type Transport struct {
	AK, SK, ProjectID string
	Base              http.RoundTripper
}

// String keeps the secret key out of logs and %v.
func (t *Transport) String() string {
	return fmt.Sprintf("aksk.Transport{AK: %q, SK: <redacted>}", t.AK)
}

// GoString does the same for %#v.
func (t *Transport) GoString() string { return t.String() }

// Sign adds the signing headers to req (its body is read and put back).
func (t *Transport) Sign(req *http.Request) error {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return err
		}
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	if t.ProjectID != "" {
		req.Header.Set("X-Project-Id", t.ProjectID)
	}
	b := request.NewHttpRequestBuilder().
		WithEndpoint(req.URL.Scheme+"://"+req.URL.Host).
		WithPath(req.URL.EscapedPath()).
		WithMethod(req.Method).
		AddHeaderParam("Host", req.URL.Host)
	for name := range req.Header {
		b.AddHeaderParam(name, req.Header.Get(name))
	}
	for name, values := range req.URL.Query() {
		if len(values) == 1 {
			b.AddQueryParam(name, reflect.ValueOf(values[0]))
		} else {
			b.AddQueryParam(name, reflect.ValueOf(values))
		}
	}
	if len(body) > 0 {
		b.WithBody("body", string(body))
	}
	headers, err := signer.Sign(b.Build(), t.AK, t.SK)
	if err != nil {
		return err
	}
	for name, value := range headers {
		req.Header.Set(name, value)
	}
	return nil
}

// RoundTrip signs a copy of req and sends it.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if err := t.Sign(req); err != nil {
		return nil, err
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(req)
}
