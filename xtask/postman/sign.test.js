// The collection's signing script against the crate's signing vectors
// (computed with Huawei's Python SDK signer; tests/signing.rs checks the
// crate against the same ones) and the crate's canonicalisation cases
// (src/auth/canonical.rs). Run by .ci/import-checks:
//   NODE_PATH=.ci/tools/node_modules node --test xtask/postman/
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { sign, canonicalUri, canonicalQuery, sdkDate } = require('./sign.js');

const credentials = {
    ak: 'AKTESTEXAMPLE0000000',
    sk: 'SKTESTEXAMPLE0000000000000000000000000000',
    projectId: '0123456789abcdef0123456789abcdef',
    securityToken: '',
};
const base = 'https://live.cn-north-4.myhuaweicloud.com/v1/0123456789abcdef0123456789abcdef/record/callbacks';
const bodyB = '{"publish_domain":"push.example.com","app":"live","notify_callback_url":"https://cb.example.com/record","notify_event_subscription":["RECORD_FILE_COMPLETE"],"sign_type":"HMACSHA256","key":"0123456789abcdef0123456789abcdef"}';
const now = new Date(Date.UTC(2024, 0, 1, 0, 0, 0));
const vectors = [
    ['POST', base, 'application/json; charset=UTF-8', bodyB,
        '09645f7c6e451db14e67bb53e651d7568bbfb92338ffb4d265bdaf75f077a5c5'],
    ['GET', base + '?publish_domain=push.example.com&app=*&limit=10&offset=0', 'application/json', '',
        '72f57ef992d3f83cdde508f023775094b46dbc363840a9af48b985a547660a71'],
    ['PUT', base + '/cfg-001', 'application/json; charset=UTF-8', bodyB,
        'a9069818199832cb778abfe6fda5e034bd2f5e15127e5b746101adc559dbdab5'],
    ['DELETE', base + '/cfg-001', 'application/json', '',
        'a656766b27f3bd385aac5e3e48746ce8c234d7b109cf4dddc0c8867ea180a7b5'],
];

for (const [method, url, contentType, body, signature] of vectors) {
    test(`vector ${method} ${url.slice(base.length) || '/'}`, () => {
        const signed = sign({ method, url, contentType, body }, credentials, now);
        assert.equal(
            signed.headers.Authorization,
            'SDK-HMAC-SHA256 Access=AKTESTEXAMPLE0000000, ' +
                'SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=' + signature,
        );
        assert.equal(signed.headers['X-Sdk-Date'], '20240101T000000Z');
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
