import { randomUUID } from 'node:crypto';
import type { APIRequestContext, Page } from '@playwright/test';
import { E2E_LINK_TOKEN } from '../../../playwright.config.ts';
import { expect } from './fixtures.ts';

/** A declaration as a patient's device submits it (P4), for the staff inbox's tests and screens. */
const DEVICE = '6a1f0c3e-9b2d-4e7a-8c5f-3d1e0b9a7c42';

/** A squiggle drawn on a canvas, as the signature pad would produce it (a PNG data URL). */
export async function drawnSignature(page: Page): Promise<string> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 360;
    canvas.height = 120;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = '#111';
    ctx.lineWidth = 3;
    ctx.beginPath();
    ctx.moveTo(20, 80);
    for (let x = 20; x <= 340; x += 8) ctx.lineTo(x, 60 + Math.sin(x / 14) * 30 * Math.cos(x / 60));
    ctx.stroke();
    return canvas.toDataURL('image/png');
  });
}

function japanToday(): string {
  return new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
}

/** POST /api/public/declarations, as the outbox sends it; returns the form's id. */
export async function submitDeclaration(request: APIRequestContext, signature: string, name: string, nameKana: string): Promise<string> {
  const id = randomUUID();
  const now = new Date().toISOString();
  const response = await request.post('/api/public/declarations', {
    headers: { 'x-device-id': DEVICE },
    data: {
      id,
      createdAt: now,
      linkToken: E2E_LINK_TOKEN,
      referenceNumber: 'K-2041',
      holdsValidCard: true,
      insuranceType: 'employee',
      insurerName: '全国健康保険協会 東京支部',
      employerName: '株式会社申立商事',
      cardIssuedWhen: 'withinMonth',
      copayRatio: null,
      name,
      nameKana,
      dateOfBirth: { era: 'showa', year: 55, month: 4, day: 1 },
      sex: 'female',
      address: '東京都千代田区霞が関１－２－２',
      otherResidence: '',
      declaredOn: japanToday(),
      signature,
      relationship: '',
      phone: '090-3141-5926',
      guideOutcome: {
        cause: 'networkOrTabletFailure',
        resolution: 'declarationForm',
        declarationId: id,
        copayPercent: 30,
        copayBasis: 'general',
        paperPrescription: true,
        outageSearchPending: true,
        claimMethod: null,
        recordedAt: now,
      },
    },
  });
  expect(response.status(), await response.text()).toBe(201);
  return id;
}
