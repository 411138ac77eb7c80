// The collection's signing script against the signing vectors of
// test-support/vectors/aksk-signing.json (computed with Huawei's Python SDK
// signer; tests/client/signing.rs checks the crate against the same file)
// and the crate's canonicalisation cases (src/auth/canonical.rs). Run by .ci/import-checks:
//   NODE_PATH=.ci/tools/node_modules node --test xtask/postman/
'use strict';
const path = require('node:path');
const test = require('node:test');
const assert = require('node:assert/strict');
const { sign, canonicalUri, canonicalQuery, sdkDate } = require('./sign.js');

// The vectors' one copy, which tests/client/signing.rs reads too.
const file = require(path.join(__dirname, '..', '..', 'test-support', 'vectors', 'aksk-signing.json'));
const credentials = {
    ak: file.access_key,
    sk: file.secret_key,
    projectId: file.project_id,
    securityToken: '',
};
const origin = `https://${file.host}`;
const base = `${origin}/v1/${file.project_id}/record/callbacks`;
const now = new Date(file.time);
const vectors = file.vectors.map((v) => [v.method, origin + v.path_and_query, v.content_type, v.body, v.signature]);

for (const [method, url, contentType, body, signature] of vectors) {
    test(`vector ${method} ${url.slice(base.length) || '/'}`, () => {
        const signed = sign({ method, url, contentType, body }, credentials, now);
        assert.equal(
            signed.headers.Authorization,
            `SDK-HMAC-SHA256 Access=${file.access_key}, ` +
                `SignedHeaders=${file.signed_headers}, Signature=` + signature,
        );
        assert.equal(signed.headers['X-Sdk-Date'], file.sdk_date);
        assert.equal(signed.headers['X-Project-Id'], credentials.projectId);
        assert.equal(signed.headers['X-Security-Token'], undefined);
    });
}

test('a changed byte changes the signature', () => {
    const [method, url, contentType, body, signature] = vectors[0];
    const signed = sign({ method, url, contentType, body: body.replace('live', 'livf') }, credentials, now);
    assert.ok(!signed.headers.Authorization.endsWith(signature));
});

test('the canonical request of the list vector', () => {
    const [method, url, contentType, body] = vectors[1];
    const { canonicalRequest, stringToSign } = sign({ method, url, contentType, body }, credentials, now);
    assert.equal(canonicalRequest, [
        'GET',
        '/v1/0123456789abcdef0123456789abcdef/record/callbacks/',
        'app=%2A&limit=10&offset=0&publish_domain=push.example.com',
        'content-type:application/json',
        'host:live.cn-north-4.myhuaweicloud.com',
        'x-project-id:0123456789abcdef0123456789abcdef',
        'x-sdk-date:20240101T000000Z',
        '',
        'content-type;host;x-project-id;x-sdk-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ].join('\n'));
    assert.match(stringToSign, /^SDK-HMAC-SHA256\n20240101T000000Z\n[0-9a-f]{64}$/);
});

test('signed headers follow what the request has', () => {
    const signed = sign(
        { method: 'GET', url: 'http://127.0.0.1:8080/v1/p/record/callbacks', contentType: undefined, body: '' },
        { ak: 'AK', sk: 'SK', projectId: '', securityToken: 'tok' },
        now,
    );
    assert.match(signed.headers.Authorization, /SignedHeaders=host;x-sdk-date;x-security-token,/);
    assert.ok(signed.canonicalRequest.includes('\nhost:127.0.0.1:8080\n'));
    assert.equal(signed.headers['X-Security-Token'], 'tok');
    assert.equal(signed.headers['X-Project-Id'], undefined);
    const dflt = sign({ method: 'GET', url: 'https://h.example:443/x', body: '' }, credentials, now);
    assert.ok(dflt.canonicalRequest.includes('\nhost:h.example\n'), 'the default port is not in Host');
});

// The cases of src/auth/canonical.rs's unit tests.
test('canonical URI rules', () => {
    assert.equal(canonicalUri('/a b/%7e/*'), '/a%20b/~/%2A/');
    assert.equal(canonicalUri('/x/'), '/x/');
    assert.equal(canonicalUri('/a%2Fb'), '/a/b/');
    assert.equal(canonicalUri('/%zz+'), '/%25zz%2B/');
    assert.equal(canonicalUri('/%FF'), '/%EF%BF%BD/');
    assert.equal(canonicalUri(''), '/');
    assert.equal(canonicalUri('/caf%C3%A9/é'), '/caf%C3%A9/%C3%A9/');
    assert.equal(canonicalUri('/%E0%80%80'), '/%EF%BF%BD%EF%BF%BD%EF%BF%BD/');
});

test('canonical query rules', () => {
    assert.equal(canonicalQuery('b=2&a=*&a=1&flag&c=a+b%2B'), 'a=%2A&a=1&b=2&c=a%20b%2B&flag=');
    assert.equal(canonicalQuery(''), '');
    // Sorted by UTF-8 bytes, not UTF-16 units: U+FF5E sorts before U+1F600.
    assert.equal(canonicalQuery('k=%F0%9F%98%80&k=%EF%BD%9E'), 'k=%EF%BD%9E&k=%F0%9F%98%80');
});

test('X-Sdk-Date format', () => {
    assert.equal(sdkDate(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))), '20240102T030405Z');
});
