import type { CardTrust, CardTrustSources } from './card-trust.ts';
import { createCardTrust } from './card-trust.ts';
import type { EligibilitySource } from './eligibility-source.ts';
import { cardHolderMap } from './embedded/card-simulator/demo-cards.ts';
import type { CardSimulatorLink } from './embedded/card-simulator/sim-link.ts';
import { createLocalRegistry } from './embedded/local-registry.ts';

/**
 * The national systems the reception depends on, behind adapters: the eligibility database, the
 * card PKI (trust anchors and revocation lists, as configured) and the card app patients are
 * handed to.
 */
export interface NationalServices {
  eligibility: EligibilitySource;
  cardTrust: CardTrust;
  /** Opened with a challenge: same-device as a link, cross-device as a QR code. */
  cardAppUrl: string;
  /**
   * Demo mode: the card-app simulator, which runs as its own process with its own keys and is
   * reached through `/sim/api`; null when it is off. The reception holds none of its keys.
   */
  cardSimulator: CardSimulatorLink | null;
}

export interface NationalOptions {
  publicUrl: string;
  cardAppUrl?: string | undefined;
  /** From resolveCardTrustSources (trust-config.ts): configured, plus the demo CA in demo mode. */
  trust: CardTrustSources;
  simulator: CardSimulatorLink | null;
}

/** The embedded eligibility registry, and card trust built from the configured sources. */
export async function createNationalServices(options: NationalOptions): Promise<NationalServices> {
  return {
    eligibility: createLocalRegistry(cardHolderMap()),
    cardTrust: await createCardTrust(options.trust),
    cardAppUrl: options.cardAppUrl ?? `${options.publicUrl}/card-app`,
    cardSimulator: options.simulator,
  };
}
