import { randomBytes } from 'node:crypto';
import type { DeclarationKeyDto } from '../../domain/declaration/sealed-envelope.ts';
import type { DbOrTx } from '../db/database.ts';
import type { Keyring } from '../secrets/keyring.ts';
import { findDeclarationKey, insertDeclarationKeyOnce } from './declaration-key.repository.ts';
import type { InstitutionDeclarationKeyRow } from './declaration-key.table.ts';

/**
 * The institution's key pair for sealed declarations (issue 12 #7). Made on first need, not in a
 * migration: the private key is sealed with the keyring, whose key lives outside the database.
 */

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

function sealContext(institutionId: string): string {
  return `institution_declaration_key.private_key:${institutionId}`;
}

async function ensureKeyRow(db: DbOrTx, secrets: Keyring, institutionId: string, now: Date): Promise<InstitutionDeclarationKeyRow> {
  const existing = await findDeclarationKey(db, institutionId);
  if (existing) return existing;
  const pair = await crypto.subtle.generateKey(ECDH, true, ['deriveBits']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.publicKey);
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  await insertDeclarationKeyOnce(db, {
    institution_id: institutionId,
    key_id: randomBytes(12).toString('base64url'),
    public_jwk: JSON.stringify({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }),
    private_key_sealed: secrets.seal(pkcs8.toString('base64url'), sealContext(institutionId)),
    created_at: now.toISOString(),
  });
  // A concurrent first request may have won: whichever row is stored is the key.
  const stored = await findDeclarationKey(db, institutionId);
  if (!stored) throw new Error('The declaration key could not be stored.');
  return stored;
}

/** The public half, for the institution's public details; the pair is made on first call. */
export async function institutionDeclarationKey(db: DbOrTx, secrets: Keyring, institutionId: string, now: Date): Promise<DeclarationKeyDto> {
  const row = await ensureKeyRow(db, secrets, institutionId, now);
  return { keyId: row.key_id, publicKey: JSON.parse(row.public_jwk) as DeclarationKeyDto['publicKey'] };
}

/** The private key that opens envelopes sealed with `keyId`, or null when it is not this institution's. */
export async function institutionPrivateKey(db: DbOrTx, secrets: Keyring, institutionId: string, keyId: string): Promise<CryptoKey | null> {
  const row = await findDeclarationKey(db, institutionId);
  if (!row || row.key_id !== keyId) return null;
  const pkcs8 = Buffer.from(secrets.open(row.private_key_sealed, sealContext(institutionId)), 'base64url');
  return crypto.subtle.importKey('pkcs8', pkcs8, ECDH, false, ['deriveBits']);
}
