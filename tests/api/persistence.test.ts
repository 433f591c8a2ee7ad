import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { SQLITE_FILE_NAME } from '../../src/server/db/database.ts';
import { DEMO_INSTITUTION_CODE } from '../../src/server/demo/demo-seed.ts';
import { createTestApp } from './support/test-app.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zaitaku-persist-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

it('creates the schema and the demo institution in an empty data directory, and keeps them across restarts', async () => {
  const first = await createTestApp({ dataDir });
  expect(first.demo.created).toBe(true);
  expect(first.demo.institution.code).toBe(DEMO_INSTITUTION_CODE);
  if (first.dialect === 'sqlite') expect(fs.existsSync(path.join(dataDir, SQLITE_FILE_NAME))).toBe(true);
  await first.close(false);

  const second = await createTestApp({ dataDir });
  expect(second.demo.created).toBe(false);
  expect(second.demo.institution.id).toBe(first.demo.institution.id);
  expect(second.demo.institution.link_token).toBe(first.demo.institution.link_token);
  const count = await second.db.selectFrom('institution').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  expect(Number(count.n)).toBe(1);
  await second.close(true);
});
