import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The entry asks for the clinic's details before the reception chunk arrives
 * (src/app/reception/early-institution.ts). The page must then use that answer instead of asking
 * again — once, and only for the very same request.
 */
describe('early clinic request on a clinic link', () => {
  let calls: string[];

  beforeEach(() => {
    vi.resetModules();
    calls = [];
    vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
    vi.stubGlobal('fetch', (url: string, init: { headers: Record<string, string> }) => {
      expect(init.headers['x-device-id']).toMatch(/^[0-9a-f-]{36}$/);
      calls.push(url);
      return Promise.resolve(new Response(JSON.stringify({ name: `clinic ${calls.length}` }), { status: 200 }));
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  const load = () => import('../../src/app/reception/early-institution.ts');

  it('the page takes the answer already on its way: one request in all', async () => {
    const { prefetchInstitution, loadInstitution } = await load();
    prefetchInstitution('/i/clinic-token-1', '?visit=homeVisit');
    expect(calls).toEqual(['/api/public/institutions/clinic-token-1']);
    const result = await loadInstitution('clinic-token-1', null);
    expect(result).toEqual({ ok: true, data: { name: 'clinic 1' } });
    expect(calls).toHaveLength(1);
    // Used once: the next patient on the same page gets a fresh answer.
    await loadInstitution('clinic-token-1', null);
    expect(calls).toHaveLength(2);
  });

  it('a telemedicine app return address is part of the request', async () => {
    const { prefetchInstitution, loadInstitution } = await load();
    prefetchInstitution('/i/clinic-token-1', `?return=${encodeURIComponent('https://app.example/back?x=1')}`);
    await loadInstitution('clinic-token-1', 'https://app.example/back?x=1');
    expect(calls).toEqual([`/api/public/institutions/clinic-token-1?returnUrl=${encodeURIComponent('https://app.example/back?x=1')}`]);
  });

  it('a different request (a return address kept from before) is asked for anew', async () => {
    const { prefetchInstitution, loadInstitution } = await load();
    prefetchInstitution('/i/clinic-token-1', '');
    await loadInstitution('clinic-token-1', 'https://app.example/back');
    expect(calls).toEqual(['/api/public/institutions/clinic-token-1', `/api/public/institutions/clinic-token-1?returnUrl=${encodeURIComponent('https://app.example/back')}`]);
  });

  it('other pages and mangled links ask for nothing early', async () => {
    const { prefetchInstitution } = await load();
    for (const path of ['/', '/staff', '/i/clinic-token-1/fallback', '/card-app', '/i/%E0%A4%A']) prefetchInstitution(path, '');
    expect(calls).toEqual([]);
  });
});
