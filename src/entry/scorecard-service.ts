import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Config } from './config.js';
import type { Clock } from '../gateways/clock.js';
import { createPhoneTagger } from '../gateways/respondent-key.js';
import { createAfricasTalkingGateway } from '../gateways/sms/africastalking-gateway.js';
import { createLogSmsGateway } from '../gateways/sms/log-gateway.js';
import type { SmsGateway } from '../gateways/sms/port.js';
import type { OutboxMessage, Store } from '../storage/ports.js';
import { loadScorecardTemplates } from '../app/scorecards/compose.js';
import { createScheduler } from './scheduler.js';
import { runScorecards, type RunOptions } from '../app/scorecards/run-scorecards.js';
import { createOutboxSender, type SenderLog } from '../app/scorecards/send-outbox.js';

/** Wires the scorecard pipeline from config: templates, SMS gateway, sender, schedule. */
export function createScorecardService(deps: {
  config: Config;
  storage: Store;
  clock: Clock;
  log: SenderLog;
  root: string;
  sms?: SmsGateway;
  /** who holds send leases; unique per process unless a test says otherwise */
  owner?: string;
  metrics?: { sms(outcome: 'sent' | 'failed' | 'retrying'): void };
  /** where a message goes at send time (a citizen's number opened from their case's sealed contact) */
  phoneOf?: (message: OutboxMessage) => Promise<string | null>;
}) {
  const { config, storage, clock, log } = deps;
  const templates = loadScorecardTemplates(deps.root);
  for (const lang of config.languages ?? Object.keys(templates)) {
    if (!templates[lang]) throw new Error(`locales/${lang}/scorecard.json is missing: every offered language needs scorecard templates`);
  }
  const gateway = deps.sms ?? (config.sms.gateway === 'africastalking' && config.sms.at ? createAfricasTalkingGateway(config.sms.at) : createLogSmsGateway(log));
  const recipientTag = createPhoneTagger(config.respondentKeySecret);
  const runDeps = {
    storage,
    clock,
    log,
    templates,
    defaultLanguage: config.defaultLanguage,
    recipientTag,
    settings: { timeZone: config.timeZone, minCount: config.scorecards.minCount, shortCode: config.scorecards.shortCode, publicBaseUrl: config.publicBaseUrl },
  };
  const sender = createOutboxSender({
    storage,
    sms: gateway,
    clock,
    log,
    owner: deps.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    onOutcome: deps.metrics ? (outcome) => deps.metrics!.sms(outcome) : undefined,
    phoneOf: deps.phoneOf,
    settings: { leaseMs: config.sms.leaseMs, maxAttempts: config.sms.maxAttempts, retryBaseMs: 60_000, retryMaxMs: 3_600_000, sendTimeoutMs: Math.min(30_000, config.sms.leaseMs / 2) },
  });
  const run = (period: string, options?: RunOptions) => runScorecards(runDeps, period, options);
  const scheduler = createScheduler({
    clock,
    log,
    settings: { cron: config.scorecards.cron, timeZone: config.timeZone, periodKind: config.scorecards.period, sendIntervalMs: config.sms.sendIntervalMs },
    runPeriod: (period) => run(period),
    sender,
    durable: storage.durable,
  });
  return { run, sender, scheduler, gateway, templates, recipientTag };
}
export type ScorecardService = ReturnType<typeof createScorecardService>;
