import crypto from 'node:crypto';

// RFC 9001 §5.2 (QUIC v1) and RFC 9369 §3.3.1 (QUIC v2) Initial salts
export const QUIC_V1 = 0x00000001;
export const QUIC_V2 = 0x6b3343cf;
const SALT_V1 = Buffer.from('38762cf7f55934b34d179ae6a4c80cadccbb7f0a', 'hex');
const SALT_V2 = Buffer.from('0dede3def700a6db819381be6e269dcbf9bd2ed9', 'hex');

export interface InitialKeys {
  key: Buffer; // AEAD_AES_128_GCM key, 16 bytes
  iv: Buffer; // 12 bytes
  hp: Buffer; // header protection key, 16 bytes
  /** AES-128-ECB with `hp`, kept open: ECB blocks are independent, so one cipher serves every sample. */
  hpCipher: crypto.Cipher | null;
}

/** HKDF-Expand-Label (RFC 8446 §7.1) with an empty context, for outputs of at most 32 bytes. */
function expandLabel(secret: Buffer, label: string, length: number): Buffer {
  const full = `tls13 ${label}`;
  const info = Buffer.alloc(2 + 1 + full.length + 1 + 1);
  info.writeUInt16BE(length, 0);
  info[2] = full.length;
  info.write(full, 3, 'latin1');
  info[3 + full.length] = 0; // context length
  info[4 + full.length] = 1; // HKDF-Expand counter T(1) (RFC 5869 §2.3)
  return crypto.createHmac('sha256', secret).update(info).digest().subarray(0, length);
}

const cache = new Map<string, InitialKeys>();
const CACHE_MAX = 1024;

/** Client Initial keys for a Destination Connection ID (RFC 9001 §5.2; v2 labels RFC 9369 §3.3.2). */
export function clientInitialKeys(version: number, dcid: Buffer): InitialKeys {
  const id = `${version}:${dcid.toString('hex')}`;
  const hit = cache.get(id);
  if (hit) return hit;
  const v2 = version === QUIC_V2;
  const initial = crypto
    .createHmac('sha256', v2 ? SALT_V2 : SALT_V1)
    .update(dcid)
    .digest(); // HKDF-Extract(salt, dcid)
  const client = expandLabel(initial, 'client in', 32);
  const keys: InitialKeys = {
    key: expandLabel(client, v2 ? 'quicv2 key' : 'quic key', 16),
    iv: expandLabel(client, v2 ? 'quicv2 iv' : 'quic iv', 12),
    hp: expandLabel(client, v2 ? 'quicv2 hp' : 'quic hp', 16),
    hpCipher: null,
  };
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(id, keys);
  return keys;
}

/** RFC 9001 §5.4.3: AES-based header protection mask = AES-ECB(hp, sample). */
export function headerMask(keys: InitialKeys, sample: Buffer): Buffer {
  let c = keys.hpCipher;
  if (c === null) {
    c = crypto.createCipheriv('aes-128-ecb', keys.hp, null);
    c.setAutoPadding(false);
    keys.hpCipher = c;
  }
  return c.update(sample); // exactly one 16-byte block in, one out
}

const NONCE = Buffer.alloc(12);

/** AEAD_AES_128_GCM open; null when the tag does not verify. */
export function openPayload(
  keys: InitialKeys,
  pn: number,
  aad: Buffer,
  ct: Buffer,
  tag: Buffer,
): Buffer | null {
  // RFC 9001 §5.3: nonce = iv XOR packet number (left-padded to 12 bytes).
  // createDecipheriv copies the IV, so one scratch nonce serves every packet.
  const nonce = NONCE;
  keys.iv.copy(nonce, 0, 0, 12);
  for (let i = 0; i < 4; i++) nonce[11 - i] ^= (pn >>> (8 * i)) & 0xff;
  try {
    const d = crypto.createDecipheriv('aes-128-gcm', keys.key, nonce);
    d.setAAD(aad);
    d.setAuthTag(tag);
    const head = d.update(ct);
    const tail = d.final();
    return tail.length === 0 ? head : Buffer.concat([head, tail]);
  } catch {
    return null;
  }
}
