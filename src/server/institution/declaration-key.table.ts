import type { Insertable, Selectable } from 'kysely';

/** issue 12 #7: the institution's key pair for sealed declarations (one per institution). */
export interface InstitutionDeclarationKeyTable {
  institution_id: string;
  /** Random, public: names the key in envelopes and lets the app recognise the institution. */
  key_id: string;
  /** The ECDH P-256 public key, JWK JSON. */
  public_jwk: string;
  /** The private key (PKCS#8, base64url), sealed with the keyring (`c.var.secrets`). */
  private_key_sealed: string;
  created_at: string;
}

export type InstitutionDeclarationKeyRow = Selectable<InstitutionDeclarationKeyTable>;
export type NewInstitutionDeclarationKeyRow = Insertable<InstitutionDeclarationKeyTable>;
