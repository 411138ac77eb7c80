// Signs the request for Huawei Cloud's API gateway (SDK-HMAC-SHA256) when
// the variables `ak` and `sk` are set, or sends `X-Auth-Token` when `token`
// is. Embedded as the collection's pre-request script by `cargo xtask
// bundle` from xtask/postman/sign.js, where node tests it against the
// crate's signing vectors; edit it there.
//
// The rules are those of the crate's signer (src/auth/canonical.rs):
// - canonical URI: the path percent-decoded, then percent-encoded leaving
//   A-Z a-z 0-9 - . _ ~ and / as they are, with a trailing /;
// - canonical query: the pairs decoded as a form (+ is a space), sorted by
//   key then value (bytes), each encoded as above (so * becomes %2A),
//   joined with &;
// - signed headers: content-type (when the request has one), host,
//   x-project-id (when set), x-sdk-date, x-security-token (when set);
// - payload: the hex SHA-256 of the body as sent.
// The secret key is used, never sent or logged.
var CryptoJS = require('crypto-js');

var ALGORITHM = 'SDK-HMAC-SHA256';

// UTF-8 bytes of a string.
function utf8(s) {
    var out = [];
    for (var i = 0; i < s.length; i++) {
        var c = s.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
            var d = s.charCodeAt(i + 1);
            if (d >= 0xdc00 && d <= 0xdfff) {
                c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
                i++;
            }
        }
        if (c >= 0xd800 && c <= 0xdfff) {
            c = 0xfffd; // a lone surrogate, as Rust's String cannot hold one
        }
        if (c < 0x80) {
            out.push(c);
        } else if (c < 0x800) {
            out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        } else if (c < 0x10000) {
            out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        } else {
            out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        }
    }
    return out;
}

function isHex(b) {
    return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}

// Percent-decodes bytes; a % not followed by two hex digits stays as it is.
function percentDecode(bytes) {
    var out = [];
    for (var i = 0; i < bytes.length; i++) {
        if (bytes[i] === 0x25 && i + 2 < bytes.length && isHex(bytes[i + 1]) && isHex(bytes[i + 2])) {
            out.push(parseInt(String.fromCharCode(bytes[i + 1], bytes[i + 2]), 16));
            i += 2;
        } else {
            out.push(bytes[i]);
        }
    }
    return out;
}

// Bytes as UTF-8 with every invalid sequence replaced by U+FFFD, the way
// Rust's String::from_utf8_lossy does it (maximal subparts).
function utf8Lossy(bytes) {
    var out = [];
    var i = 0;
    while (i < bytes.length) {
        var b = bytes[i];
        var need = 0;
        var lo = 0x80;
        var hi = 0xbf;
        if (b < 0x80) {
            out.push(b);
            i++;
            continue;
        } else if (b >= 0xc2 && b <= 0xdf) {
            need = 1;
        } else if (b >= 0xe0 && b <= 0xef) {
            need = 2;
            if (b === 0xe0) { lo = 0xa0; }
            if (b === 0xed) { hi = 0x9f; }
        } else if (b >= 0xf0 && b <= 0xf4) {
            need = 3;
            if (b === 0xf0) { lo = 0x90; }
            if (b === 0xf4) { hi = 0x8f; }
        } else {
            out.push(0xef, 0xbf, 0xbd);
            i++;
            continue;
        }
        var j = 1;
        for (; j <= need; j++) {
            var c = bytes[i + j];
            var min = j === 1 ? lo : 0x80;
            var max = j === 1 ? hi : 0xbf;
            if (c === undefined || c < min || c > max) {
                break;
            }
        }
        if (j > need) {
            for (var k = 0; k <= need; k++) {
                out.push(bytes[i + k]);
            }
            i += need + 1;
        } else {
            out.push(0xef, 0xbf, 0xbd);
            i += j;
        }
    }
    return out;
}

function isUnreserved(b) {
    return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) ||
        b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e;
}

// Percent-encodes bytes, uppercase hex, leaving unreserved bytes (and /
// when keepSlash) as they are.
function encode(bytes, keepSlash) {
    var out = '';
    for (var i = 0; i < bytes.length; i++) {
        var b = bytes[i];
        if (isUnreserved(b) || (keepSlash && b === 0x2f)) {
            out += String.fromCharCode(b);
        } else {
            out += '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase();
        }
    }
    return out;
}

function canonicalUri(rawPath) {
    var decoded = utf8Lossy(percentDecode(utf8(rawPath)));
    var out = encode(decoded, true);
    return out.charAt(out.length - 1) === '/' ? out : out + '/';
}

function compareBytes(a, b) {
    for (var i = 0; i < a.length && i < b.length; i++) {
        if (a[i] !== b[i]) {
            return a[i] - b[i];
        }
    }
    return a.length - b.length;
}

// The canonical query of a raw query string (without ?).
function canonicalQuery(rawQuery) {
    var pairs = [];
    rawQuery.split('&').forEach(function (part) {
        if (part === '') {
            return;
        }
        var eq = part.indexOf('=');
        var key = eq < 0 ? part : part.slice(0, eq);
        var value = eq < 0 ? '' : part.slice(eq + 1);
        var form = function (s) {
            return utf8Lossy(percentDecode(utf8(s.replace(/\+/g, ' '))));
        };
        pairs.push([form(key), form(value)]);
    });
    pairs.sort(function (x, y) {
        return compareBytes(x[0], y[0]) || compareBytes(x[1], y[1]);
    });
    return pairs.map(function (p) {
        return encode(p[0], false) + '=' + encode(p[1], false);
    }).join('&');
}

// `YYYYMMDDTHHMMSSZ` of a Date, UTC.
function sdkDate(now) {
    return now.toISOString().replace(/\.\d+Z$/, 'Z').replace(/[-:]/g, '');
}

// A header value as the signer takes it: visible ASCII, trimmed.
function headerText(name, value) {
    if (!/^[\t\x20-\x7e]*$/.test(value)) {
        throw new Error('the ' + name + ' header is not visible ASCII, so it cannot be signed');
    }
    return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

// Signs one request.
//   request: { method, url (absolute, variables resolved), contentType
//              (or undefined), body (string, '' when none) }
//   credentials: { ak, sk, projectId, securityToken } (the last two may be
//              empty)
//   now: a Date
// Returns { headers: { name: value } to add, canonicalRequest, stringToSign }.
function sign(request, credentials, now) {
    var m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/.exec(request.url);
    if (!m || m[2] === '') {
        throw new Error('cannot sign a URL without a host: ' + request.url);
    }
    var scheme = m[1].toLowerCase();
    var authority = m[2].replace(/^[^@]*@/, '').toLowerCase();
    // The default port is not part of Host (as the URL parser of the crate
    // and Postman's Host header write it).
    if ((scheme === 'https' && /:443$/.test(authority)) || (scheme === 'http' && /:80$/.test(authority))) {
        authority = authority.replace(/:\d+$/, '');
    }
    var date = sdkDate(now);
    var headers = [];
    if (request.contentType !== undefined && request.contentType !== null) {
        headers.push(['content-type', headerText('Content-Type', request.contentType)]);
    }
    headers.push(['host', authority]);
    if (credentials.projectId) {
        headers.push(['x-project-id', headerText('X-Project-Id', credentials.projectId)]);
    }
    headers.push(['x-sdk-date', date]);
    if (credentials.securityToken) {
        headers.push(['x-security-token', headerText('X-Security-Token', credentials.securityToken)]);
    }
    var signedHeaders = headers.map(function (h) { return h[0]; }).join(';');
    var body = request.body || '';
    var payloadHash = CryptoJS.SHA256(CryptoJS.enc.Utf8.parse(body)).toString(CryptoJS.enc.Hex);
    var canonicalRequest = [
        request.method.toUpperCase(),
        canonicalUri(m[3]),
        canonicalQuery(m[4] || ''),
        headers.map(function (h) { return h[0] + ':' + h[1] + '\n'; }).join(''),
        signedHeaders,
        payloadHash
    ].join('\n');
    var stringToSign = ALGORITHM + '\n' + date + '\n' +
        CryptoJS.SHA256(canonicalRequest).toString(CryptoJS.enc.Hex);
    var signature = CryptoJS.HmacSHA256(stringToSign, CryptoJS.enc.Utf8.parse(credentials.sk))
        .toString(CryptoJS.enc.Hex);
    var out = {
        'X-Sdk-Date': date,
        Authorization: ALGORITHM + ' Access=' + credentials.ak + ', SignedHeaders=' + signedHeaders +
            ', Signature=' + signature
    };
    if (credentials.projectId) {
        out['X-Project-Id'] = credentials.projectId;
    }
    if (credentials.securityToken) {
        out['X-Security-Token'] = credentials.securityToken;
    }
    return { headers: out, canonicalRequest: canonicalRequest, stringToSign: stringToSign };
}

// In Postman (or newman): sign the request about to be sent.
function signPostmanRequest(pm) {
    var get = function (name) {
        var v = pm.variables.get(name);
        return v === undefined || v === null ? '' : String(v);
    };
    var ak = get('ak');
    var sk = get('sk');
    var token = get('token');
    var remove = ['Authorization', 'X-Sdk-Date', 'X-Project-Id', 'X-Security-Token', 'X-Auth-Token'];
    remove.forEach(function (name) { pm.request.headers.remove(name); });
    if (ak && sk) {
        var contentType;
        pm.request.headers.each(function (h) {
            if (!h.disabled && String(h.key).toLowerCase() === 'content-type') {
                contentType = pm.variables.replaceIn(String(h.value));
            }
        });
        var body = '';
        var b = pm.request.body;
        if (b && !b.disabled && b.mode) {
            if (b.mode === 'raw') {
                body = pm.variables.replaceIn(b.raw || '');
            } else if (!b.isEmpty()) {
                throw new Error('the signing script supports raw bodies only, not ' + b.mode);
            }
        }
        var signed = sign({
            method: pm.request.method,
            url: pm.variables.replaceIn(pm.request.url.toString()),
            contentType: contentType,
            body: body
        }, {
            ak: ak,
            sk: sk,
            projectId: get('project_id'),
            securityToken: get('security_token')
        }, new Date());
        Object.keys(signed.headers).forEach(function (name) {
            pm.request.headers.upsert({ key: name, value: signed.headers[name] });
        });
    } else if (token) {
        pm.request.headers.upsert({ key: 'X-Auth-Token', value: token });
    }
}

if (typeof pm !== 'undefined' && pm.request) {
    signPostmanRequest(pm);
} else if (typeof module !== 'undefined' && module.exports) {
    module.exports = { sign: sign, canonicalUri: canonicalUri, canonicalQuery: canonicalQuery, sdkDate: sdkDate };
}
