import { jsonRequest, type TestApp } from './test-app.ts';

/** A minimal valid declaration (被保険者資格申立書) posted to a clinic link from `device`; its status. */
export async function postDeclaration(t: TestApp, options: { id: string; device: string; linkToken?: string }): Promise<number> {
  const res = await t.app.request(
    '/api/public/declarations',
    jsonRequest(
      'POST',
      {
        id: options.id,
        createdAt: t.clock.now().toISOString(),
        linkToken: options.linkToken ?? t.demo.institution.link_token,
        name: '山田 太郎',
        nameKana: 'ヤマダ タロウ',
        dateOfBirth: { era: 'showa', year: 25, month: 1, day: 1 },
        declaredOn: '2026-11-22',
        phone: '03-1234-5678',
        guideOutcome: null,
      },
      { 'x-device-id': options.device },
    ),
  );
  return res.status;
}
