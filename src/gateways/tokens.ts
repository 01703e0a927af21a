import { createHash, randomBytes } from 'node:crypto';

/** Staff API tokens: made at random, shown once, and kept only as their sha256. */
export const newRawToken = () => `crc_${randomBytes(24).toString('base64url')}`;
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
