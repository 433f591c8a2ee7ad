import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import { readConfig } from '../../src/server/config.ts';
import { EMBEDDED_CLINIC_LINK_ID, type EmbeddedClinicLink } from '../../src/domain/registration/reception-api.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

/**
 * Issue 18 #1, from the outside: the clinic link's page drawn by the server (the real build's
 * renderer, dist/.ssr) under simultaneous requests for different clinics, with hostile names and
 * paths, and for links that are not (or no longer) valid. `npm test` builds before this runs.
 */
const distDir = path.resolve('dist');
const built = fs.existsSync(path.join(distDir, '.ssr', 'render-clinic-link.js'));

describe.skipIf(!built)('issue 18 #1: the server-drawn clinic link page', () => {
  let t: TestApp;
  let app: ReturnType<typeof createApp>;
  const OTHER_TOKEN = 'ssr-other-clinic-link-01';
  const HOSTILE_NAME = '</script><script>alert(1)</script><b>診療所</b>';

  beforeAll(async () => {
    t = await createTestApp();
    await t.db
      .insertInto('institution')
      .values({ ...t.demo.institution, id: randomUUID(), code: '1310000009', name: HOSTILE_NAME, link_token: OTHER_TOKEN })
      .execute();
    const config = { ...readConfig({ DATA_DIR: t.dataDir, PUBLIC_URL: 'https://zaitaku.example' }), staticDir: distDir };
    app = createApp({ db: t.db, dialect: t.dialect, config, schemaVersion: t.schemaVersion, national: t.national, secrets: t.secrets, now: t.clock.now, serveStatic: true });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  const page = async (urlPath: string) => {
    const res = await app.request(urlPath);
    expect(res.status, urlPath).toBe(200);
    return res.text();
  };
  const embedded = (html: string): EmbeddedClinicLink => {
    const match = new RegExp(`<script type="application/json" id="${EMBEDDED_CLINIC_LINK_ID}">([^<]*)</script>`).exec(html);
    expect(match, 'the page embeds the data it was drawn from').not.toBeNull();
    return JSON.parse(match![1]!) as EmbeddedClinicLink;
  };
  const banner = (html: string) => /<p class="institution-banner">([^<]*(?:<(?!\/p>)[^<]*)*)<\/p>/.exec(html)?.[1];

  it('simultaneous requests for two clinics, a visit type, outage guides and dead links each get their own page', async () => {
    const cases = Array.from({ length: 60 }, (_, i) => {
      switch (i % 6) {
        case 0:
          return { path: `/i/${t.demo.institution.link_token}`, token: t.demo.institution.link_token, heading: 'ご用件を選んでください' };
        case 1:
          return { path: `/i/${OTHER_TOKEN}`, token: OTHER_TOKEN, heading: 'ご用件を選んでください' };
        case 2:
          return { path: `/i/${t.demo.institution.link_token}?visit=homeVisit`, token: t.demo.institution.link_token, heading: 'ご準備ください' };
        case 3:
          return { path: `/i/${OTHER_TOKEN}/fallback`, token: OTHER_TOKEN, heading: '何が起きていますか？' };
        case 4:
          return { path: `/i/reissued-link-${i}-xxxxxxxx/fallback`, token: `reissued-link-${i}-xxxxxxxx`, heading: 'このリンクは使えません' };
        default:
          return { path: `/i/reissued-link-${i}-xxxxxxxx`, token: `reissued-link-${i}-xxxxxxxx`, heading: 'このリンクは使えません' };
      }
    });
    const pages = await Promise.all(cases.map((c) => page(c.path)));
    pages.forEach((html, i) => {
      const c = cases[i]!;
      const data = embedded(html);
      expect(data.token, c.path).toBe(c.token);
      expect(html, c.path).toContain(c.heading);
      // Each page is drawn from its own route: no other request's screen leaks in.
      for (const other of ['ご用件を選んでください', 'ご準備ください', '何が起きていますか？', 'このリンクは使えません']) {
        if (other !== c.heading) expect(html, `${c.path} without ${other}`).not.toContain(other);
      }
      if ('invalid' in data) {
        expect(banner(html), c.path).toBeUndefined();
      } else {
        expect(data.institution.name).toBe(c.token === OTHER_TOKEN ? HOSTILE_NAME : t.demo.institution.name);
        // The menu's fallback link names this page's own clinic link, not another request's.
        if (c.heading === 'ご用件を選んでください') expect(html, c.path).toContain(`href="/i/${c.token}/fallback"`);
      }
    });
  });

  it("a clinic's name never becomes markup, in the drawn screen or in the embedded data", async () => {
    const html = await page(`/i/${OTHER_TOKEN}`);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<b>診療所</b>');
    expect(banner(html)).toBe('&lt;/script>&lt;script>alert(1)&lt;/script>&lt;b>診療所&lt;/b>');
    expect((embedded(html) as { institution: { name: string } }).institution.name).toBe(HOSTILE_NAME);
  });

  it('a hostile path is refused as a link without being echoed as markup', async () => {
    const html = await page('/i/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(html).toContain('このリンクは使えません');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(embedded(html)).toEqual({ token: '<script>alert(1)</script>', invalid: true });
  });

  it('a mangled link still gets the app, and an app arrival with a return address gets no drawn screen', async () => {
    expect(await page('/i/%E0%A4%A')).toContain('<div id="app"></div>');
    const fromApp = await page(`/i/${t.demo.institution.link_token}?return=https://evil.example/`);
    expect(fromApp).toContain('<div id="app"></div>');
    expect(fromApp).not.toContain(EMBEDDED_CLINIC_LINK_ID);
  });

  it("the build's own folders are not served", async () => {
    for (const file of ['/.ssr/render-clinic-link.js', '/.vite/manifest.json']) expect((await app.request(file)).status, file).toBe(404);
  });
});
