// Looks at the reference `redocly build-docs` built as a reader does: opens
// the HTML in headless Chromium (Debian's, driven by playwright-core), goes
// to every operation and webhook through the page's own menu links, and
// checks what is rendered, not what is embedded:
//   - every operation and webhook of the document has its section;
//   - an operation with callbacks shows, under "Callbacks", each callback's
//     operation (not an empty heading);
//   - the notification's signing rules are readable: for each algorithm in
//     an `x-signing` extension, one rendered paragraph names it and every
//     field its message covers (the extension is the machine copy; this is
//     the text a reader sees).
// Usage: node check-docs.cjs BUILT.html DOCUMENT.json
// Prints one line per check; exits 1 if any fails. Set CHROMIUM to the
// browser's path (default /usr/bin/chromium).
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const { chromium } = require('playwright-core');

const [html, documentPath] = process.argv.slice(2);
const doc = JSON.parse(fs.readFileSync(documentPath, 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function resolve(v, depth = 0) {
    if (v && typeof v === 'object' && typeof v.$ref === 'string' && v.$ref.startsWith('#/') && depth < 16) {
        const target = v.$ref.slice(2).split('/').reduce((o, t) => {
            const key = decodeURIComponent(t).replace(/~1/g, '/').replace(/~0/g, '~');
            return o === undefined ? undefined : o[key];
        }, doc);
        return resolve(target, depth + 1);
    }
    return v;
}

// What the document says should be on the page.
const expected = []; // { summary, kind, callbacks: [summary] }
function operations(pathItems, kind) {
    for (const item of Object.values(pathItems || {})) {
        const pi = resolve(item);
        for (const m of METHODS) {
            const op = pi && pi[m];
            if (!op) continue;
            const callbacks = [];
            for (const cb of Object.values(op.callbacks || {})) {
                for (const cbItem of Object.values(resolve(cb) || {})) {
                    const cbPi = resolve(cbItem) || {};
                    for (const cm of METHODS) {
                        if (cbPi[cm]) callbacks.push(cbPi[cm].summary || cbPi[cm].operationId);
                    }
                }
            }
            expected.push({ summary: op.summary || op.operationId, kind, callbacks });
        }
    }
}
operations(doc.paths, 'operation');
operations(doc.webhooks, 'webhook');
const signing = [];
(function findSigning(v) {
    if (!v || typeof v !== 'object') return;
    if (v['x-signing'] && typeof v['x-signing'] === 'object') {
        for (const [algorithm, rule] of Object.entries(v['x-signing'])) {
            if (rule && Array.isArray(rule.message)) signing.push({ algorithm, fields: rule.message });
        }
    }
    for (const [k, child] of Object.entries(v)) {
        if (k !== 'example' && k !== 'examples') findSigning(child);
    }
})(doc.components || {});

let failures = 0;
function report(ok, what) {
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    if (!ok) failures++;
}

(async () => {
    const page404 = fs.readFileSync(html);
    const server = http.createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(page404);
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    const base = `http://127.0.0.1:${server.address().port}/`;
    const browser = await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        const errors = [];
        page.on('pageerror', (e) => errors.push(String(e)));
        await page.goto(base);
        await page.waitForSelector('[data-component-name="Menu/MenuItem"]');
        // Open every group of the menu, then read the operations' links.
        const groups = page.locator('[data-component-name="Menu/MenuItem"].menu-item-type-group > a');
        for (let i = 0; i < await groups.count(); i++) {
            await groups.nth(i).click();
        }
        await page.waitForTimeout(300);
        const links = await page.evaluate(() =>
            [...document.querySelectorAll('[data-component-name="Menu/MenuItem"] a[href^="#/"]')]
                .map((a) => ({ href: a.getAttribute('href'), text: a.innerText.replace(/\s+/g, ' ').trim() })));
        const sections = {};
        for (const link of links) {
            await page.goto(base + link.href);
            const id = link.href.slice(1);
            const section = page.locator(`[data-section-id="${id}"]`);
            await section.waitFor({ timeout: 15000 });
            // Expand what a reader would expand: the callbacks.
            const toggles = section.locator('button[aria-expanded="false"]');
            for (let i = 0; i < await toggles.count(); i++) {
                await toggles.nth(i).click().catch(() => {});
            }
            await page.waitForTimeout(200);
            sections[link.text] = await section.innerText();
        }
        for (const op of expected) {
            const key = Object.keys(sections).find((k) => k.startsWith(op.summary));
            const text = key === undefined ? undefined : sections[key];
            report(text !== undefined && (op.kind !== 'webhook' || /\bWebhook\b/.test(text)),
                `${op.kind} "${op.summary}" has its section${op.kind === 'webhook' ? ' marked Webhook' : ''}`);
            if (text === undefined) continue;
            for (const cb of op.callbacks) {
                const after = text.split(/^Callbacks$/m)[1];
                report(after !== undefined && after.includes(cb),
                    `"${op.summary}" shows its callback "${cb}" under Callbacks`);
            }
        }
        const lines = Object.values(sections).join('\n').split('\n');
        for (const rule of signing) {
            const line = lines.find((l) => l.includes(rule.algorithm) && rule.fields.every((f) => l.includes(f)));
            report(line !== undefined,
                `the ${rule.algorithm} signing rule is rendered (one paragraph naming ${rule.algorithm} and ${rule.fields.join(', ')})`);
        }
        report(errors.length === 0, `no script errors on the page${errors.length ? ': ' + errors.join('; ') : ''}`);
        console.log(`${Object.keys(sections).length} sections rendered, ${failures} failed check(s)`);
    } finally {
        await browser.close();
        server.close();
    }
    process.exit(failures ? 1 : 0);
})().catch((e) => {
    console.error(e);
    process.exit(1);
});
