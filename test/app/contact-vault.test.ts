import { describe, expect, it } from 'vitest';
import { createContactVault, parseContactKey } from '../../src/gateways/contact-vault.js';

/** Sealing a consenting citizen's number: AES-256-GCM under its own key, bound to its case. */

const KEY = Buffer.from('0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', 'hex');
const OTHER = Buffer.from('fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210', 'hex');
const NUMBER = '+254711000205';

describe('contact vault', () => {
  it('opens what it sealed, and the sealed form does not contain the number in any common encoding', () => {
    const vault = createContactVault(KEY);
    const sealed = vault.seal('K7M3-P9QX-AB', NUMBER);
    expect(vault.open('K7M3-P9QX-AB', sealed)).toBe(NUMBER);
    const raw = Buffer.from(sealed, 'base64');
    for (const form of [NUMBER, NUMBER.slice(1), '0711000205', '711000205']) {
      expect(sealed).not.toContain(form);
      expect(raw.includes(Buffer.from(form, 'utf8'))).toBe(false);
      expect(raw.toString('hex')).not.toContain(Buffer.from(form).toString('hex'));
      expect(sealed).not.toContain(Buffer.from(form).toString('base64').slice(0, 12));
    }
    // a fresh IV each time: the same number never seals the same way twice
    expect(vault.seal('K7M3-P9QX-AB', NUMBER)).not.toBe(sealed);
  });

  it('a wrong key, another case or altered bytes cannot open it', () => {
    const sealed = createContactVault(KEY).seal('K7M3-P9QX-AB', NUMBER);
    expect(createContactVault(OTHER).open('K7M3-P9QX-AB', sealed)).toBeNull();
    expect(createContactVault(KEY).open('AAAA-BBBB-CC', sealed)).toBeNull();
    const bytes = Buffer.from(sealed, 'base64');
    bytes[14] = bytes[14]! ^ 1;
    expect(createContactVault(KEY).open('K7M3-P9QX-AB', bytes.toString('base64'))).toBeNull();
    expect(createContactVault(KEY).open('K7M3-P9QX-AB', 'c2hvcnQ=')).toBeNull();
  });

  it('hashes a number with a key derived from the contact key: stable, and different under another key', () => {
    const a = createContactVault(KEY);
    expect(a.numberHash(NUMBER)).toBe(createContactVault(KEY).numberHash(NUMBER));
    expect(a.numberHash(NUMBER)).toMatch(/^[0-9a-f]{64}$/);
    expect(a.numberHash(NUMBER)).not.toBe(a.numberHash('+254711000206'));
    expect(createContactVault(OTHER).numberHash(NUMBER)).not.toBe(a.numberHash(NUMBER));
    // the key id names the key without revealing it
    expect(a.keyId).not.toBe(createContactVault(OTHER).keyId);
    expect(a.keyId).toMatch(/^[0-9a-f]{12}$/);
  });

  it('reads keys as 64 hex characters or base64 of 32 bytes, and nothing else', () => {
    expect(parseContactKey(KEY.toString('hex'))).toStrictEqual(KEY);
    expect(parseContactKey(KEY.toString('base64'))).toStrictEqual(KEY);
    expect(parseContactKey(KEY.toString('base64url'))).toStrictEqual(KEY);
    expect(parseContactKey(KEY.toString('hex').slice(2))).toBeNull();
    expect(parseContactKey(Buffer.alloc(31).toString('base64'))).toBeNull();
    expect(parseContactKey('')).toBeNull();
    expect(() => createContactVault(Buffer.alloc(16))).toThrow('32 bytes');
  });
});
