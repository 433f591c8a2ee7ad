import path from 'node:path';
import type { CardTrust } from './card-trust.ts';
import { createCardTrust } from './card-trust.ts';
import type { EligibilitySource } from './eligibility-source.ts';
import { cardHolderMap } from './embedded/card-simulator/demo-cards.ts';
import { createLocalRegistry } from './embedded/local-registry.ts';
import { ensureTestCa, type TestCaMaterial } from './embedded/test-ca.ts';

/**
 * The national systems the reception depends on, behind adapters: the eligibility database, the
 * card PKI (trust anchor and revocation list) and the card app patients are handed to.
 */
export interface NationalServices {
  eligibility: EligibilitySource;
  cardTrust: CardTrust;
  /** Opened with a challenge: same-device as a link, cross-device as a QR code. */
  cardAppUrl: string;
  /** The embedded card-app simulator's keys, when the simulator is on. */
  cardSimulator: TestCaMaterial | null;
}

export interface EmbeddedOptions {
  dataDir: string;
  publicUrl: string;
  cardAppUrl?: string | undefined;
  simulatorEnabled: boolean;
  now?: Date;
}

/**
 * The embedded default: a local eligibility registry and a card-app simulator whose test CA is
 * created at first start under `<dataDir>/card-sim` and trusted by the reception.
 */
export async function embeddedNationalServices(options: EmbeddedOptions): Promise<NationalServices> {
  const material = await ensureTestCa(path.join(options.dataDir, 'card-sim'), options.now ?? new Date());
  // The demo CA as the only anchor, its list read from the file the simulator writes.
  const cardTrust = await createCardTrust({
    anchorPems: [material.caCertPem],
    intermediatePems: [],
    crlSources: [material.crlFile],
    crlGraceMs: 0,
    crlRefreshMs: 60 * 60 * 1000,
  });
  return {
    eligibility: createLocalRegistry(cardHolderMap()),
    cardTrust,
    cardAppUrl: options.cardAppUrl ?? `${options.publicUrl}/card-app`,
    cardSimulator: options.simulatorEnabled ? material : null,
  };
}
