import { z } from 'zod';
import { Cron } from 'croner';
import { isCountryCode, type CountryCode } from '../gateways/phone-number.js';
import { parseContactKey } from '../gateways/contact-vault.js';
import { CALLBACK_PATHS_TEXT } from '../http/callback-paths.js';

/**
 * All configuration comes from environment variables, validated here once. A bad value
 * stops the process at start with a message naming the variable. Every variable is listed
 * in the README.
 */

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const isCron = (expr: string) => {
  try {
    new Cron(expr, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
};

const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data/mongo'),
  MONGODB_WRITE_CONCERN: z
    .string()
    .regex(/^(majority|[1-9][0-9]?)$/, 'must be majority or a number of members such as 1')
    .default('majority')
    .transform((w) => (w === 'majority' ? ('majority' as const) : Number(w))),
  RESPONDENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  RESPONDENT_KEY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CONTACT_ENCRYPTION_KEY: z
    .string()
    .refine((v) => parseContactKey(v) !== null, 'must be 32 random bytes written as 64 hex characters or as base64 (44 characters), e.g. from `openssl rand -base64 32`')
    .optional(),
  CONTACT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  CASE_ESCALATE_AFTER_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  CASE_AUTO_RESOLVE_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  CASE_FOLLOW_UP_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  ADMIN_TOKEN: z.string().min(24, 'must be at least 24 characters').optional(),
  STAFF_SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AT_CALLBACK_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  AT_CALLBACK_AUTH: z.enum(['token', 'proxy'], { error: 'must be token or proxy' }).default('token'),
  USSD_SCREEN_LIMIT: z.coerce.number().int().min(60, 'must be at least 60').max(182, 'must be at most 182 (the GSM-7 USSD screen)').default(182),
  RESUME_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(15),
  COUNT_WINDOW_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 31)
    .default(24),
  DASHBOARD_MAX_AGE_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  SESSION_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(24 * 60),
  MAX_FACILITY_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  MANAGER_PIN_REQUIRED: bool.default(false),
  TIME_ZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Africa/Johannesburg').default('Africa/Johannesburg'),
  DEFAULT_LANGUAGE: z
    .string()
    .regex(/^[a-z]{2,3}$/)
    .default('en'),
  DEFAULT_COUNTRY: z.string().refine(isCountryCode, 'must be a two-letter country code such as ZA, KE or TZ').default('ZA'),
  LANGUAGES: z
    .string()
    .regex(/^[a-z]{2,3}(,[a-z]{2,3})*$/, 'must be a comma-separated list of language codes such as en,sw,zu')
    .optional(),
  HELPLINE: z.string().min(3).max(20).default('0800 000 000'),
  SEED_DEMO: bool.default(true),
  BODY_LIMIT_KB: z.coerce.number().int().min(1).max(1024).default(16),
  PUBLIC_BASE_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be the public https URL of this service, such as https://reports.example.org')
    .optional(),
  VOICE_DRAFT_AUDIO: bool.default(false),
  VOICE_MAX_RETRIES: z.coerce.number().int().min(1).max(3).default(2),
  SCORECARD_CRON: z.string().refine(isCron, 'must be a cron expression such as "0 8 1 * *" (08:00 on the 1st of each month)').default('0 8 1 * *'),
  SCORECARD_PERIOD: z.enum(['month', 'week']).default('month'),
  SCORECARD_MIN_COUNT: z.coerce.number().int().min(1).max(10_000).default(10),
  SCORECARD_SCHEDULE: bool.default(true),
  SHORT_CODE: z
    .string()
    .regex(/^[*#0-9]{2,20}$/, 'must be the USSD code citizens dial, such as *384*123#')
    .default('*384*123#'),
  AT_USERNAME: z.string().min(1).optional(),
  AT_API_KEY: z.string().min(8, 'must be at least 8 characters').optional(),
  AT_SENDER_ID: z.string().min(1).max(16).optional(),
  SMS_GATEWAY: z.enum(['africastalking', 'log']).optional(),
  SMS_SEND_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SMS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  SMS_LEASE_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  production: boolean;
  port: number;
  host: string;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  mongodbUri?: string;
  dataDir: string;
  /** how many members acknowledge a write (always journaled) */
  mongodbWriteConcern: 'majority' | number;
  /** a respondent's remembered language is forgotten after this many days without a new choice */
  respondentRetentionDays: number;
  respondentKeySecret: string;
  /** true when the secret is the built-in development value */
  usingDevSecret: boolean;
  /** follow-up contacts: the key that seals a consenting citizen's number, and how long it may be kept at most */
  contacts: { key: Buffer; usingDevKey: boolean; retentionDays: number };
  /** the follow-up pass: escalate a case nobody acknowledged after this many days; resolve one with no reply after this many; how often it runs */
  caseFollowUp: { escalateAfterDays: number; autoResolveDays: number; intervalMs: number };
  adminToken?: string;
  /** signs staff session cookies; its own secret, never derived from the respondent-key secret */
  staffSessionSecret: string;
  /** true when the session secret is the public development value */
  usingDevStaffSecret: boolean;
  callbackToken?: string;
  /** token: callbacks carry ?token= (required in production); proxy: the operator's proxy authenticates Africa's Talking */
  callbackAuth: 'token' | 'proxy';
  ussd: { screenLimit: number };
  resumeWindowMinutes: number;
  countWindowHours: number;
  /** the staff dashboard's figures are recomputed at most this often per period (0: every view) */
  dashboardMaxAgeSeconds: number;
  sessionTtlMinutes: number;
  maxFacilityAttempts: number;
  /** whether a manager types their USSD PIN before the manager's menu opens (MANAGER_PIN_REQUIRED) */
  managerPinRequired: boolean;
  timeZone: string;
  defaultLanguage: string;
  /** the country of phone numbers written without +country code (0821234567) */
  defaultCountry: CountryCode;
  /** null: every language that ships in locales/ */
  languages: string[] | null;
  helpline: string;
  seedDemo: boolean;
  bodyLimitBytes: number;
  /** voice: where AT fetches recordings and posts answers; null: voice is off in production, localhost in development */
  publicBaseUrl: string | null;
  voice: { draftAudio: boolean; maxRetries: number };
  scorecards: { cron: string; period: 'month' | 'week'; minCount: number; schedule: boolean; shortCode: string };
  sms: {
    gateway: 'africastalking' | 'log';
    at?: { username: string; apiKey: string; senderId?: string };
    sendIntervalMs: number;
    maxAttempts: number;
    leaseMs: number;
  };
};

// public development values: they are in this file, so production refuses them
const DEV_SECRET = 'development-only-secret-do-not-use-in-production';
const DEV_STAFF_SESSION_SECRET = 'development-only-staff-session-secret-public';
// sha256('development-only-contact-key-public')
const DEV_CONTACT_KEY = 'c1759e7ac75e1f04af4d53ba91080c03274870a15788fc921e0b7a03478fa512';

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // empty strings count as unset, as in most deployment tools
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const haveAt = Boolean(e.AT_USERNAME && e.AT_API_KEY);
  if (e.SMS_GATEWAY === 'africastalking' && !haveAt) {
    throw new ConfigError('Invalid configuration:\n  SMS_GATEWAY: africastalking needs AT_USERNAME and AT_API_KEY');
  }
  if (production) {
    const missing = productionProblems(e);
    if (missing.length) throw new ConfigError(`Invalid configuration for NODE_ENV=production:\n${missing.map((m) => `  ${m}`).join('\n')}`);
  }
  return {
    env: e.NODE_ENV,
    production,
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    mongodbUri: e.MONGODB_URI,
    dataDir: e.DATA_DIR,
    mongodbWriteConcern: e.MONGODB_WRITE_CONCERN,
    respondentRetentionDays: e.RESPONDENT_RETENTION_DAYS,
    respondentKeySecret: e.RESPONDENT_KEY_SECRET ?? DEV_SECRET,
    usingDevSecret: !e.RESPONDENT_KEY_SECRET,
    contacts: {
      key: parseContactKey(e.CONTACT_ENCRYPTION_KEY ?? DEV_CONTACT_KEY)!,
      usingDevKey: !e.CONTACT_ENCRYPTION_KEY || sameKey(e.CONTACT_ENCRYPTION_KEY, DEV_CONTACT_KEY),
      retentionDays: e.CONTACT_RETENTION_DAYS,
    },
    caseFollowUp: { escalateAfterDays: e.CASE_ESCALATE_AFTER_DAYS, autoResolveDays: e.CASE_AUTO_RESOLVE_DAYS, intervalMs: e.CASE_FOLLOW_UP_INTERVAL_SECONDS * 1000 },
    adminToken: e.ADMIN_TOKEN,
    staffSessionSecret: e.STAFF_SESSION_SECRET ?? DEV_STAFF_SESSION_SECRET,
    usingDevStaffSecret: !e.STAFF_SESSION_SECRET,
    callbackToken: e.AT_CALLBACK_TOKEN,
    callbackAuth: e.AT_CALLBACK_AUTH,
    ussd: { screenLimit: e.USSD_SCREEN_LIMIT },
    resumeWindowMinutes: e.RESUME_WINDOW_MINUTES,
    countWindowHours: e.COUNT_WINDOW_HOURS,
    dashboardMaxAgeSeconds: e.DASHBOARD_MAX_AGE_SECONDS,
    sessionTtlMinutes: e.SESSION_TTL_MINUTES,
    maxFacilityAttempts: e.MAX_FACILITY_ATTEMPTS,
    managerPinRequired: e.MANAGER_PIN_REQUIRED,
    timeZone: e.TIME_ZONE,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    defaultCountry: e.DEFAULT_COUNTRY as CountryCode,
    languages: e.LANGUAGES ? e.LANGUAGES.split(',') : null,
    helpline: e.HELPLINE,
    seedDemo: e.SEED_DEMO,
    bodyLimitBytes: e.BODY_LIMIT_KB * 1024,
    publicBaseUrl: e.PUBLIC_BASE_URL ? e.PUBLIC_BASE_URL.replace(/\/+$/, '') : null,
    voice: { draftAudio: e.VOICE_DRAFT_AUDIO, maxRetries: e.VOICE_MAX_RETRIES },
    scorecards: { cron: e.SCORECARD_CRON, period: e.SCORECARD_PERIOD, minCount: e.SCORECARD_MIN_COUNT, schedule: e.SCORECARD_SCHEDULE, shortCode: e.SHORT_CODE },
    sms: {
      gateway: e.SMS_GATEWAY ?? (haveAt ? 'africastalking' : 'log'),
      at: haveAt ? { username: e.AT_USERNAME!, apiKey: e.AT_API_KEY!, senderId: e.AT_SENDER_ID } : undefined,
      sendIntervalMs: e.SMS_SEND_INTERVAL_SECONDS * 1000,
      maxAttempts: e.SMS_MAX_ATTEMPTS,
      leaseMs: e.SMS_LEASE_SECONDS * 1000,
    },
  };
}

/** Two ways of writing a contact key (hex, base64) that are the same 32 bytes. */
function sameKey(a: string, b: string): boolean {
  const x = parseContactKey(a);
  const y = parseContactKey(b);
  return x !== null && y !== null && x.equals(y);
}

/**
 * What production needs before it takes a single request, all listed at once: its own
 * secrets (never the public development values, and a staff session secret and a contact
 * key of their own, so a leaked respondent-key secret cannot sign a staff session or open a
 * citizen's number), a MongoDB named up front (the embedded one would download a binary at
 * start), and authenticated callbacks.
 */
function productionProblems(e: z.infer<typeof Env>): string[] {
  const problems: string[] = [];
  if (!e.RESPONDENT_KEY_SECRET) problems.push('RESPONDENT_KEY_SECRET: required in production (at least 32 characters)');
  else if (e.RESPONDENT_KEY_SECRET === DEV_SECRET) problems.push('RESPONDENT_KEY_SECRET: is the public development value; generate a secret of your own');
  if (!e.STAFF_SESSION_SECRET) problems.push('STAFF_SESSION_SECRET: required in production (at least 32 characters), and different from RESPONDENT_KEY_SECRET');
  else if (e.STAFF_SESSION_SECRET === DEV_STAFF_SESSION_SECRET) problems.push('STAFF_SESSION_SECRET: is the public development value; generate a secret of your own');
  else if (e.STAFF_SESSION_SECRET === e.RESPONDENT_KEY_SECRET) problems.push('STAFF_SESSION_SECRET: must differ from RESPONDENT_KEY_SECRET, so one leaked secret cannot sign staff sessions');
  if (!e.CONTACT_ENCRYPTION_KEY)
    problems.push('CONTACT_ENCRYPTION_KEY: required in production (32 random bytes as base64 or hex: openssl rand -base64 32); it seals the numbers of citizens who agreed to follow-up SMS');
  else if (sameKey(e.CONTACT_ENCRYPTION_KEY, DEV_CONTACT_KEY)) problems.push('CONTACT_ENCRYPTION_KEY: is the public development value; generate a key of your own (openssl rand -base64 32)');
  else if (e.CONTACT_ENCRYPTION_KEY === e.RESPONDENT_KEY_SECRET || e.CONTACT_ENCRYPTION_KEY === e.STAFF_SESSION_SECRET)
    problems.push('CONTACT_ENCRYPTION_KEY: must differ from RESPONDENT_KEY_SECRET and STAFF_SESSION_SECRET, so one leaked secret cannot open the contacts');
  if (!e.MONGODB_URI) problems.push('MONGODB_URI: required in production (the embedded MongoDB is for development only), e.g. mongodb://db1,db2,db3/report-cards?replicaSet=rs0');
  if (!e.AT_CALLBACK_TOKEN && e.AT_CALLBACK_AUTH === 'token') {
    problems.push(
      `AT_CALLBACK_TOKEN: required in production (at least 16 characters), or anyone can post to ${CALLBACK_PATHS_TEXT}; add ?token=<it> to the callback URLs on Africa's Talking. If a proxy in front of this service authenticates Africa's Talking instead, set AT_CALLBACK_AUTH=proxy`,
    );
  }
  if (e.PUBLIC_BASE_URL && !e.PUBLIC_BASE_URL.startsWith('https://')) problems.push("PUBLIC_BASE_URL: must start with https:// in production (Africa's Talking plays and posts only to https URLs)");
  return problems;
}
