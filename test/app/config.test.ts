import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

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
  it('treats empty values as unset', () => {
    expect(loadConfig({ MONGODB_URI: '', PORT: '' }).port).toBe(3000);
  });
});
