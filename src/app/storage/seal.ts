import { sealBinding, SEALED_VERSION, type DeclarationKeyDto, type SealedEnvelope, type SealedKind } from '../../domain/declaration/sealed-envelope.ts';

/**
 * Seals a submission to the institution's public key (issue 12 #7): a fresh ECDH P-256 key pair
 * per envelope, HKDF-SHA-256, AES-256-GCM (the scheme is described at `sealBinding`). The
 * ephemeral private key is dropped at once, so nothing on the device can open the envelope.
 */

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export async function sealJson(key: DeclarationKeyDto, kind: SealedKind, id: string, linkToken: string, value: unknown): Promise<SealedEnvelope> {
  const binding = new TextEncoder().encode(sealBinding(kind, id, key.keyId));
  const recipient = await crypto.subtle.importKey('jwk', { ...key.publicKey, ext: true }, ECDH, false, []);
  const ephemeral = await crypto.subtle.generateKey(ECDH, true, ['deriveBits']);
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: recipient }, ephemeral.privateKey, 256);
  const hkdf = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  const aes = await crypto.subtle.deriveKey({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: binding }, hkdf, { name: 'AES-GCM', length: 256 }, false, ['encrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: binding }, aes, plain));
  const epk = await crypto.subtle.exportKey('jwk', ephemeral.publicKey);
  return {
    sealed: SEALED_VERSION,
    kind,
    id,
    linkToken,
    keyId: key.keyId,
    epk: { kty: 'EC', crv: 'P-256', x: epk.x ?? '', y: epk.y ?? '' },
    iv: toBase64Url(iv),
    ciphertext: toBase64Url(ciphertext),
  };
}
