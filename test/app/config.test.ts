import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/entry/config.js';

describe('config', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, ussd: { screenLimit: 182 }, resumeWindowMinutes: 15, countWindowHours: 24, usingDevSecret: true, languages: null });
  });
  it.each([
    ['PORT', 'eighty', 'PORT'],
    ['USSD_SCREEN_LIMIT', '500', 'USSD_SCREEN_LIMIT: must be at most 182'],
    ['TIME_ZONE', 'Mars/Olympus', 'TIME_ZONE: must be an IANA time zone'],
    ['MONGODB_URI', 'postgres://x', 'MONGODB_URI: must start with mongodb://'],
    ['ADMIN_TOKEN', 'short', 'ADMIN_TOKEN: must be at least 24 characters'],
    ['LANGUAGES', 'en;sw', 'LANGUAGES: must be a comma-separated list'],
    ['SEED_DEMO', 'maybe', 'SEED_DEMO'],
  ])('a bad %s fails at start with a message naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });
  it('requires the respondent key secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('RESPONDENT_KEY_SECRET: required in production');
  });
  describe('production refuses unsafe setups', () => {
    const production = {
      NODE_ENV: 'production',
      MONGODB_URI: 'mongodb://db.example.org/report-cards',
      RESPONDENT_KEY_SECRET: 'r'.repeat(40),
      STAFF_SESSION_SECRET: 's'.repeat(40),
      CONTACT_ENCRYPTION_KEY: 'c0'.repeat(32),
      AT_CALLBACK_TOKEN: 'callback-token-0123456789',
    };
    const without = (name: keyof typeof production) => Object.fromEntries(Object.entries(production).filter(([k]) => k !== name));

    it('starts with its own secrets, a MongoDB and a callback token', () => {
      const c = loadConfig(production);
      expect(c).toMatchObject({
        production: true,
        staffSessionSecret: 's'.repeat(40),
        usingDevSecret: false,
        usingDevStaffSecret: false,
        callbackToken: 'callback-token-0123456789',
        callbackAuth: 'token',
      });
    });
    it.each([
      ['MONGODB_URI', 'MONGODB_URI: required in production'],
      ['STAFF_SESSION_SECRET', 'STAFF_SESSION_SECRET: required in production'],
      ['AT_CALLBACK_TOKEN', 'AT_CALLBACK_TOKEN: required in production'],
      ['RESPONDENT_KEY_SECRET', 'RESPONDENT_KEY_SECRET: required in production'],
      ['CONTACT_ENCRYPTION_KEY', 'CONTACT_ENCRYPTION_KEY: required in production'],
    ] as const)('refuses to start without %s', (name, message) => {
      expect(() => loadConfig(without(name))).toThrow(ConfigError);
      expect(() => loadConfig(without(name))).toThrow(message);
    });
    it('names every missing setting at once', () => {
      let message = '';
      try {
        loadConfig({ NODE_ENV: 'production' });
      } catch (e) {
        message = (e as Error).message;
      }
      for (const name of ['RESPONDENT_KEY_SECRET', 'STAFF_SESSION_SECRET', 'CONTACT_ENCRYPTION_KEY', 'MONGODB_URI', 'AT_CALLBACK_TOKEN'])
        expect(message).toContain(`  ${name}: required in production`);
    });
    it("says how to opt out of the callback token when a proxy authenticates Africa's Talking", () => {
      expect(() => loadConfig(without('AT_CALLBACK_TOKEN'))).toThrow('set AT_CALLBACK_AUTH=proxy');
      const c = loadConfig({ ...without('AT_CALLBACK_TOKEN'), AT_CALLBACK_AUTH: 'proxy' });
      expect(c.callbackToken).toBeUndefined();
      expect(c.callbackAuth).toBe('proxy');
      expect(() => loadConfig({ ...production, AT_CALLBACK_AUTH: 'nobody' })).toThrow('AT_CALLBACK_AUTH: must be token or proxy');
    });
    it('never lets the respondent-key secret sign staff sessions', () => {
      expect(() => loadConfig({ ...production, STAFF_SESSION_SECRET: production.RESPONDENT_KEY_SECRET })).toThrow('STAFF_SESSION_SECRET: must differ from RESPONDENT_KEY_SECRET');
    });
    it('refuses the public development values', () => {
      const dev = loadConfig({});
      expect(() => loadConfig({ ...production, RESPONDENT_KEY_SECRET: dev.respondentKeySecret })).toThrow('RESPONDENT_KEY_SECRET: is the public development value');
      expect(() => loadConfig({ ...production, STAFF_SESSION_SECRET: dev.staffSessionSecret })).toThrow('STAFF_SESSION_SECRET: is the public development value');
      // the development contact key, in hex or written as base64
      expect(() => loadConfig({ ...production, CONTACT_ENCRYPTION_KEY: dev.contacts.key.toString('hex') })).toThrow('CONTACT_ENCRYPTION_KEY: is the public development value');
      expect(() => loadConfig({ ...production, CONTACT_ENCRYPTION_KEY: dev.contacts.key.toString('base64') })).toThrow('CONTACT_ENCRYPTION_KEY: is the public development value');
    });
    it('never lets another secret be the contact key', () => {
      const key = 'ab'.repeat(32);
      expect(() => loadConfig({ ...production, RESPONDENT_KEY_SECRET: key, CONTACT_ENCRYPTION_KEY: key })).toThrow('CONTACT_ENCRYPTION_KEY: must differ from RESPONDENT_KEY_SECRET');
      expect(() => loadConfig({ ...production, STAFF_SESSION_SECRET: key, CONTACT_ENCRYPTION_KEY: key })).toThrow(
        'CONTACT_ENCRYPTION_KEY: must differ from RESPONDENT_KEY_SECRET and STAFF_SESSION_SECRET',
      );
    });
  });
  it('in development the staff session secret is its own public value, not derived from the respondent secret', () => {
    const a = loadConfig({ RESPONDENT_KEY_SECRET: 'a'.repeat(40) });
    const b = loadConfig({ RESPONDENT_KEY_SECRET: 'b'.repeat(40) });
    expect(a.usingDevStaffSecret).toBe(true);
    expect(a.staffSessionSecret).toBe(b.staffSessionSecret);
    expect(a.staffSessionSecret).not.toBe(a.respondentKeySecret);
    expect(loadConfig({ STAFF_SESSION_SECRET: 'c'.repeat(40) })).toMatchObject({ staffSessionSecret: 'c'.repeat(40), usingDevStaffSecret: false });
  });
  it('reads the contact key as hex or base64 (32 bytes), refuses anything else, and keeps contacts 90 days by default', () => {
    const hex = '0f'.repeat(32);
    const key = Buffer.from(hex, 'hex');
    expect(loadConfig({ CONTACT_ENCRYPTION_KEY: hex }).contacts).toStrictEqual({ key, usingDevKey: false, retentionDays: 90 });
    expect(loadConfig({ CONTACT_ENCRYPTION_KEY: key.toString('base64') }).contacts.key).toStrictEqual(key);
    expect(loadConfig({ CONTACT_ENCRYPTION_KEY: key.toString('base64url') }).contacts.key).toStrictEqual(key);
    expect(loadConfig({ CONTACT_RETENTION_DAYS: '30' }).contacts.retentionDays).toBe(30);
    expect(loadConfig({}).contacts.usingDevKey).toBe(true);
    for (const bad of ['0f'.repeat(31), Buffer.alloc(16, 1).toString('base64'), 'not a key at all, not at all, not at all!!!', 'g'.repeat(64)]) {
      expect(() => loadConfig({ CONTACT_ENCRYPTION_KEY: bad })).toThrow('CONTACT_ENCRYPTION_KEY: must be 32 random bytes');
    }
    expect(() => loadConfig({ CONTACT_RETENTION_DAYS: '0' })).toThrow('CONTACT_RETENTION_DAYS');
  });
  it('treats empty values as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', PORT: '' }).port).toBe(3000);
  });
});
