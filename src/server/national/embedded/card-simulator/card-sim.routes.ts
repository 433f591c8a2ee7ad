import { Hono } from 'hono';
import type { SimCardDto, SimCardListResponse } from '../../../../domain/registration/card-simulator.ts';
import { simCardSignRequestSchema } from '../../../../domain/registration/card-simulator-schema.ts';
import type { HandoffResponse } from '../../../../domain/registration/handoff.ts';
import type { AppEnv } from '../../../http/app-env.ts';
import { readJson } from '../../../http/validate.ts';
import type { TestCaMaterial } from '../test-ca.ts';
import { listSimCards, readSimCard, signChallenge } from './card-sim.service.ts';

/** The card-app simulator's API (mounted at /sim/api): the demo cards, "hold the card", then "type the PIN". */
export function createCardSimulatorRoutes(material: Pick<TestCaMaterial, 'cards'>): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .get('/cards', async (c) => {
      const body: SimCardListResponse = { cards: await listSimCards(c.var.db) };
      return c.json(body);
    })
    // Holding the card to the device: a face-auth-only card is refused before any PIN (R2).
    .get('/cards/:id', async (c) => {
      const body: SimCardDto = await readSimCard(c.var.db, c.req.param('id'));
      return c.json(body);
    })
    .post('/cards/:id/sign', async (c) => {
      const { pin, challengeId, nonce } = await readJson(c, simCardSignRequestSchema);
      const body: HandoffResponse = await signChallenge(c.var.db, material, {
        cardId: c.req.param('id'),
        pin,
        challengeId,
        nonce,
        now: c.var.now(),
      });
      return c.json(body);
    });
}
