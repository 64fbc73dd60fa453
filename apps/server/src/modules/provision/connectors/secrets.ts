/**
 * Connector secrets (passwords, tokens) at rest: SM4-CBC (GB/T 32907) with a random IV, then an
 * HMAC-SM3 tag over the version, the IV, the ciphertext and the connector's id (encrypt-then-MAC;
 * Node 20's OpenSSL has no SM4-GCM). The id in the tag binds a ciphertext to its connector, so one
 * row's secret cannot be pasted into another. The keys are derived from the master secret
 * (`HUITONG_SECRET_KEY`) with HMAC-SM3; without one, a random key is kept in `<dataDir>/secret.key`.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors.ts';

const VERSION = 'sm4cbc-hmacsm3.v1';
const IV_BYTES = 16;
const TAG_BYTES = 32;

export class SecretUnreadable extends AppError {
  constructor() {
    super('connector_secret_unreadable', 409, {
      zh: '连接器的密码无法解密（平台主密钥可能已更换），请重新填写密码',
      en: "The connector's secret cannot be decrypted (the platform's master key may have changed); enter the secret again",
    });
  }
}

export interface SecretBox {
  seal(plain: string, connectorId: string): string;
  open(sealed: string, connectorId: string): string;
}

/** The box for a master secret (text or bytes). */
export function secretBox(master: string | Buffer): SecretBox {
  const derive = (label: string) =>
    createHmac('sm3', master).update(`huitong/connector-secret/${label}`).digest();
  const encKey = derive('sm4').subarray(0, 16);
  const macKey = derive('hmac');
  const tag = (iv: Buffer, ct: Buffer, id: string) =>
    createHmac('sm3', macKey).update(VERSION).update(iv).update(ct).update(id).digest();
  return {
    seal(plain, connectorId) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('sm4-cbc', encKey, iv);
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${VERSION}:${Buffer.concat([iv, ct, tag(iv, ct, connectorId)]).toString('base64')}`;
    },
    open(sealed, connectorId) {
      const [version, body] = sealed.split(':');
      if (version !== VERSION || body === undefined) throw new SecretUnreadable();
      const raw = Buffer.from(body, 'base64');
      if (raw.length < IV_BYTES + 16 + TAG_BYTES) throw new SecretUnreadable();
      const iv = raw.subarray(0, IV_BYTES);
      const ct = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
      const given = raw.subarray(raw.length - TAG_BYTES);
      if (!timingSafeEqual(given, tag(iv, ct, connectorId))) throw new SecretUnreadable();
      try {
        const decipher = createDecipheriv('sm4-cbc', encKey, iv);
        return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretUnreadable();
      }
    },
  };
}

const boxes = new Map<string, SecretBox>();

/**
 * The box of this installation: from the configured master secret, or from the key file in the
 * data directory (created with mode 0600 the first time a secret is stored). Read lazily, so a
 * server without connectors never writes the file.
 */
export function installationBox(config: { secretKey: string | undefined; dataDir: string }): SecretBox {
  if (config.secretKey !== undefined) {
    const key = `key:${config.secretKey}`;
    let box = boxes.get(key);
    if (!box) boxes.set(key, (box = secretBox(config.secretKey)));
    return box;
  }
  const file = path.join(config.dataDir, 'secret.key');
  let box = boxes.get(`file:${file}`);
  if (box) return box;
  let master: Buffer;
  try {
    master = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch {
    fs.mkdirSync(config.dataDir, { recursive: true });
    master = randomBytes(32);
    try {
      fs.writeFileSync(file, `${master.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch {
      // Another process wrote it first: use theirs.
      master = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
    }
  }
  if (master.length < 32) throw new Error(`${file} does not hold a key of 32 bytes`);
  box = secretBox(master);
  boxes.set(`file:${file}`, box);
  return box;
}
