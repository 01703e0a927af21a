import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DestinationStream, Logger } from 'pino';
import type { Router } from 'express';
import type { Config } from './config.js';
import { createLogger } from './log.js';
import { createHttpApp, FORM_PARAMETER_LIMIT } from '../http/app.js';
import { callbackTokenGuard } from '../http/security.js';
import { createStaffAuth } from '../http/staff/auth.js';
import { createStaffRoutes, STAFF_PATHS } from '../http/staff/index.js';
import { createDashboardViews } from '../app/staff/dashboard-views.js';
import { createPublicRoutes } from '../http/public/index.js';
import { loadCaseTexts } from '../app/cases/case-texts.js';
import { createPublicFigures } from '../app/public/public-figures.js';
import { createPublicPages } from '../app/public/public-pages.js';
import { openDataRows } from '../app/public/open-data.js';
import { loadCharterTexts } from '../app/charters/charter-texts.js';
import { loadLocaleMessages } from '../app/locale-messages.js';
import { healthRoutes } from '../http/routes/health.js';
import { metricsRoutes } from '../http/routes/metrics.js';
import { countStorageErrors, createMetrics } from '../http/metrics.js';
import { ussdCallbacks } from '../http/routes/ussd.js';
import { deliveryReportCallback } from '../http/routes/sms.js';
import { incomingSmsCallback } from '../http/routes/sms-incoming.js';
import { callbackRouter, leanCallbacks } from '../http/callbacks.js';
import { CALLBACK_PATHS_TEXT } from '../http/callback-paths.js';
import { citizenPhoneAtSend } from '../app/cases/follow-up-sms.js';
import { runCaseFollowUp } from '../app/cases/follow-up-run.js';
import { receiveSmsReply } from '../app/cases/sms-reply.js';
import { createFollowUpSchedule } from './scheduler.js';
import { createScorecardService } from './scorecard-service.js';
import type { SmsGateway } from '../gateways/sms/port.js';
import { createSystemTexts, loadShippedContent, type ShippedContent } from '../app/content.js';
import { createConversationRunner } from '../app/hops/run-conversation.js';
import { createHopHandler } from '../app/hops/handle-hop.js';
import { createManagerRunner } from '../app/hops/manager-runner.js';
import { createSessionRunner } from '../app/hops/session-runner.js';
import { recogniseManager } from '../app/cases/manager-cases.js';
import { createCaseDesk } from '../app/hops/case-desk.js';
import { abandonUnfinished } from '../app/hops/session-ended.js';
import { ussdAdapter } from '../channels/ussd/adapter.js';
import type { UssdSessionEvent } from '../channels/ussd/protocol.js';
import { prepareVoiceChannel } from './voice-channel.js';
import { createQuestionnaireCatalog } from '../app/questionnaires/questionnaire-catalog.js';
import { seedEmptyStore } from '../app/seed.js';
import { shippedFacilityTypes } from '../app/facilities/facility-types.js';
import { loadScorecardTemplates } from '../app/scorecards/compose.js';
import { defaultPreviewPeriod, previewScorecard } from '../app/scorecards/preview-scorecard.js';
import { systemClock, type Clock } from '../gateways/clock.js';
import { randomIds, type IdGenerator } from '../gateways/ids.js';
import { createInputDigest } from '../text/input-digest.js';
import { createRespondentKeyer } from '../gateways/respondent-key.js';
import { selectStorage } from '../storage/select.js';
import { createStorageSweeper } from '../app/sweep-storage.js';
import { createContactVault } from '../gateways/contact-vault.js';
import type { Store } from '../storage/ports.js';
import type { Stepper } from '../engine/stepping.js';

/**
 * Assembles the service from config: storage, engine, channels, HTTP. `start()` listens
 * (port 0 picks a free port, as the tests do); `stop()` stops taking requests, lets the
 * hops in flight finish, then closes storage.
 */

export type ServiceOverrides = {
  storage?: Store;
  clock?: Clock;
  ids?: IdGenerator;
  logDestination?: DestinationStream;
  /** folder holding flows/ and locales/; defaults to the working directory */
  root?: string;
  /** the SMS gateway; default from config (Africa's Talking with credentials, else log) */
  sms?: SmsGateway;
  /** where the blocks a person must see go (the in-memory storage warning); default stderr */
  notices?: { write(text: string): unknown };
  /** how the conversation machines are stepped; default the cached scope (src/engine/stepping.ts) */
  stepper?: Stepper;
};

/** The folder holding flows/ and locales/: the repository in development, /app in the image. */
export const PROJECT_ROOT = findProjectRoot(import.meta.dirname);

function findProjectRoot(from: string): string {
  // src/ when run with tsx, dist/src/ when compiled: walk up to the folder that has flows/
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'flows')) && existsSync(join(dir, 'locales'))) return dir;
  }
  return resolve(from, '..');
}

export async function createService(config: Config, overrides: ServiceOverrides = {}) {
  const log: Logger = createLogger(config.logLevel, overrides.logDestination);
  const clock = overrides.clock ?? systemClock;
  const ids = overrides.ids ?? randomIds;
  const root = overrides.root ?? PROJECT_ROOT;
  const content: ShippedContent = loadShippedContent(root);
  const languages = offeredLanguages(content, config);
  warnAboutOpenDoors(config, log);

  const selected: { storage: Store; description: string; stop(): Promise<void>; notice?: string[] } = overrides.storage
    ? { storage: overrides.storage, description: `${overrides.storage.kind} (provided)`, stop: async () => {} }
    : await selectStorage({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, production: config.production, now: () => clock.now(), writeConcern: config.mongodbWriteConcern }, log);
  // plain lines, so the warning reads as a block in a terminal (the log line above is for collectors)
  if (selected.notice) (overrides.notices ?? process.stderr).write(`\n${selected.notice.join('\n')}\n\n`);
  const metrics = createMetrics({ storage: () => storage });
  const storage = countStorageErrors(selected.storage, metrics);
  const sweeper = createStorageSweeper({ storage, clock, log, respondentRetentionDays: config.respondentRetentionDays });

  const texts = createSystemTexts(content, config.defaultLanguage, { helpline: config.helpline });
  const questionnaires = createQuestionnaireCatalog(storage.questionnaires);
  const voice = prepareVoiceChannel({ config, root, content, languages, texts, log });
  const caseTexts = loadCaseTexts(root);
  const validation = { languages, systemTexts: texts, screenLimit: config.ussd.screenLimit, channelChecks: [voice.channelCheck], caseTexts };
  await seedEmptyStore({ storage, clock, validation, log }, content, { demoFacilities: config.seedDemo, facilityTypes: shippedTypes(root, content, languages, config.defaultLanguage, log) });

  // the one vault: it seals a consenting citizen's number and opens it at send time and for SMS replies
  const vault = createContactVault(config.contacts.key);
  const caseDeps = { storage, clock, vault, contactRetentionDays: config.contacts.retentionDays };
  const caseDesk = createCaseDesk({ ...caseDeps, defaultCountry: config.defaultCountry, log });
  const managerCases = { storage, texts: caseTexts, defaultLanguage: config.defaultLanguage, languages, defaultCountry: config.defaultCountry, pinRequired: config.managerPinRequired };
  // a registered manager's number opens the manager's menu on USSD; every other caller gets the report card
  const runner = createSessionRunner(
    createConversationRunner({
      storage,
      questionnaires,
      texts,
      settings: { resumeWindowMinutes: config.resumeWindowMinutes, maxFacilityAttempts: config.maxFacilityAttempts },
      stepper: overrides.stepper,
      cases: caseDesk,
    }),
    {
      runner: createManagerRunner({ ...managerCases, systemTexts: texts, pins: { storage, clock, defaultCountry: config.defaultCountry } }),
      recognise: (callerNumber) => recogniseManager(managerCases, callerNumber),
    },
  );
  const respondentKey = createRespondentKeyer(config.respondentKeySecret, config.defaultCountry);
  const hopDeps = {
    storage,
    runner,
    clock,
    ids,
    respondentKey,
    record: { storage, settings: { countWindowHours: config.countWindowHours, timeZone: config.timeZone }, log, cases: caseDesk },
    log,
  };
  const ussd = {
    handleHop: createHopHandler(
      { ...hopDeps, settings: { sessionTtlMinutes: config.sessionTtlMinutes, languages } },
      ussdAdapter({ screenLimit: config.ussd.screenLimit, inputDigest: createInputDigest(config.respondentKeySecret) }),
    ),
    async handleSessionEnd(event: UssdSessionEvent) {
      const ended = await abandonUnfinished({ storage, clock, cases: caseDesk }, 'ussd', event.sessionId);
      if (ended.abandoned) log.info({ sessionId: event.sessionId, status: event.status }, 'USSD session ended before the report was finished');
      return ended;
    },
  };

  const scorecards = createScorecardService({
    config,
    storage,
    clock,
    log,
    root: overrides.root ?? PROJECT_ROOT,
    sms: overrides.sms,
    metrics,
    phoneOf: citizenPhoneAtSend({ storage, vault }),
  });
  // follow-up cases: the citizen's SMS, escalations, resolution after no reply, SMS replies
  const caseSmsDeps = { storage, clock, log, texts: caseTexts, defaultLanguage: config.defaultLanguage };
  const followUp = createFollowUpSchedule({
    log,
    intervalMs: config.caseFollowUp.intervalMs,
    sender: scorecards.sender,
    run: () =>
      runCaseFollowUp({
        ...caseSmsDeps,
        recipientTag: scorecards.recipientTag,
        settings: { escalateAfterDays: config.caseFollowUp.escalateAfterDays, autoResolveDays: config.caseFollowUp.autoResolveDays, shortCode: config.scorecards.shortCode, timeZone: config.timeZone },
      }),
  });
  const replyDeps = {
    ...caseSmsDeps,
    vault,
    defaultCountry: config.defaultCountry,
    shortCode: config.scorecards.shortCode,
    reply: (to: string, text: string) => scorecards.gateway.send(to, text),
  };

  // ADMIN_TOKEN bootstraps an admin; every other token is stored hashed (npm run token:create, or the tokens page)
  const staffAuth = createStaffAuth({
    storage,
    adminToken: config.adminToken,
    // its own secret (config.ts): a leaked respondent-key secret cannot sign a staff session
    secret: config.staffSessionSecret,
    production: config.production,
    clock,
    publicBaseUrl: config.publicBaseUrl,
  });
  const staff = createStaffRoutes({
    storage,
    clock,
    auth: staffAuth,
    validation,
    texts,
    content,
    languages,
    defaultLanguage: config.defaultLanguage,
    defaultCountry: config.defaultCountry,
    timeZone: config.timeZone,
    screenLimit: config.ussd.screenLimit,
    root: overrides.root ?? PROJECT_ROOT,
    production: config.production,
    managerPinRequired: config.managerPinRequired,
    flowResultsSecret: createHmac('sha256', config.respondentKeySecret).update('flow-results-export').digest('hex'),
    voice: { audio: voice.audio, languages: voice.languages },
    dashboard: createDashboardViews({ storage, now: () => clock.now(), timeZone: config.timeZone, maxAgeMs: config.dashboardMaxAgeSeconds * 1000 }),
    scorecards: {
      preview: (facilityCode, period) =>
        previewScorecard(
          {
            run: scorecards.run,
            storedScorecard: (code, p) => storage.scorecards.get(code, p),
            optionWording: async (id, questionId, code) => (await storage.questionnaires.latestPublished(id))?.texts[config.defaultLanguage]?.questions[questionId]?.options?.[code] ?? null,
          },
          facilityCode,
          period,
        ),
      sendNow: {
        storage,
        clock,
        settings: { timeZone: config.timeZone },
        run: (period) => scorecards.run(period),
        kickSender: () => void scorecards.sender.drain().catch((err) => log.error({ err }, 'sending the scorecards of "send now" failed; the sender loop tries again')),
      },
      defaultPeriod: () => defaultPreviewPeriod(clock.now(), config.scorecards.period, config.timeZone),
      minCount: config.scorecards.minCount,
    },
  });
  // the public pages and open data: the scorecard run's figures, one minimum count, no sign-in
  const publicDeps = { storage, clock, settings: { timeZone: config.timeZone, minCount: config.scorecards.minCount } };
  const publicFigures = createPublicFigures(publicDeps);
  const publicRoutes = createPublicRoutes({
    pages: createPublicPages({ ...publicDeps, figures: publicFigures, defaultLanguage: config.defaultLanguage }),
    openData: (q) => openDataRows({ ...publicDeps, figures: publicFigures, defaultLanguage: config.defaultLanguage }, q),
    texts: {
      page: loadLocaleMessages(root, 'public.json'),
      charter: loadCharterTexts(root),
      cases: caseTexts,
      languages: languages.map((code) => ({ code, nativeName: content.locales[code]?.meta.nativeName ?? code, draft: content.locales[code]?.meta.draft ?? false })),
      defaultLanguage: config.defaultLanguage,
    },
    languages,
    defaultLanguage: config.defaultLanguage,
  });
  let shuttingDown = false;
  // the provider callbacks, served on the lean path (src/http/callbacks.ts) and, for what it passes on, by Express
  const callbackGuard = callbackTokenGuard(config.callbackToken, (path) => metrics.callbackRefused(path));
  const voiceRoutes = voice.routes({ ...hopDeps, metrics });
  const callbacks = [
    ...ussdCallbacks(ussd, metrics),
    voiceRoutes.callback,
    deliveryReportCallback(storage, { now: () => clock.now(), log, metrics }),
    incomingSmsCallback((sms) => receiveSmsReply(replyDeps, sms), log),
  ];
  const routers: Router[] = [
    callbackRouter(callbacks, callbackGuard),
    voiceRoutes.audio,
    healthRoutes(storage, () => shuttingDown),
    metricsRoutes(metrics, staffAuth.guard('viewer', 'api')),
    staff.router,
    publicRoutes,
  ];
  const app = createHttpApp({ log, bodyLimitBytes: config.bodyLimitBytes, routers, ownBodyParsing: STAFF_PATHS });
  const listener = leanCallbacks({ callbacks, guard: callbackGuard, log, bodyLimitBytes: config.bodyLimitBytes, parameterLimit: FORM_PARAMETER_LIMIT, fallback: app });

  let server: Server | null = null;

  async function start(port = config.port, host = config.host): Promise<{ port: number; url: string }> {
    server = await new Promise<Server>((ok, fail) => {
      const s = createServer(listener);
      s.once('error', fail);
      s.listen(port, host, () => ok(s));
    });
    server.keepAliveTimeout = 65_000; // longer than typical load balancer idle timeouts
    const address = server.address() as AddressInfo;
    const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
    const url = `http://${shownHost}:${address.port}`;
    log.info({ url, storage: selected.description, languages }, `listening on ${url}`);
    log.info(
      { staff: `${url}/staff`, adminToken: config.adminToken ? 'set' : 'unset' },
      config.adminToken
        ? `staff console: ${url}/staff (sign in with the ADMIN_TOKEN this server was started with; it creates further tokens on the Tokens page)`
        : `staff console: ${url}/staff. ADMIN_TOKEN is not set, so no admin can sign in (only tokens created earlier on the Tokens page or with npm run token:create). To get in, make a secret of 24+ characters (openssl rand -hex 24 prints one), restart with ADMIN_TOKEN=<that secret> npm start, and sign in with it`,
    );
    if (config.scorecards.schedule) scorecards.scheduler.start();
    followUp.start();
    sweeper.start();
    return { port: address.port, url };
  }

  async function stop(graceMs = 10_000): Promise<void> {
    shuttingDown = true;
    await followUp.stop();
    await scorecards.scheduler.stop();
    await sweeper.stop();
    if (server) {
      const s = server;
      await new Promise<void>((ok) => {
        const force = setTimeout(() => {
          s.closeAllConnections();
          ok();
        }, graceMs);
        force.unref();
        s.close(() => {
          clearTimeout(force);
          ok();
        });
        s.closeIdleConnections();
      });
      server = null;
    }
    await storage.close();
    await selected.stop();
    log.info({}, 'stopped');
  }

  return {
    app,
    start,
    stop,
    storage,
    metrics,
    sweeper,
    storageDescription: selected.description,
    log,
    content,
    languages,
    texts,
    questionnaires,
    runner,
    clock,
    validation,
    voice,
    staffRoutes: staff.specs,
    scorecards,
    /** follow-up cases: what openCaseForReport and actOnCase need (src/app/cases) */
    cases: caseDeps,
    /** the follow-up pass (the schedule runs it; tests call pass()) */
    followUp,
  };
}

export type Service = Awaited<ReturnType<typeof createService>>;

/** Said at every start: what is open to the world and what is a public development value. */
function warnAboutOpenDoors(config: Config, log: Logger) {
  const devSecrets = [config.usingDevSecret && 'RESPONDENT_KEY_SECRET', config.usingDevStaffSecret && 'STAFF_SESSION_SECRET'].filter(Boolean);
  if (devSecrets.length) {
    log.warn(
      { secrets: devSecrets },
      `${devSecrets.join(' and ')} ${devSecrets.length > 1 ? 'are' : 'is'} not set: using the PUBLIC development ${devSecrets.length > 1 ? 'values' : 'value'} from the source code, which anyone can read. Fine for trying the service; set ${devSecrets.length > 1 ? 'them' : 'it'} (32+ characters each) before collecting real reports.`,
    );
  }
  if (config.contacts.usingDevKey) {
    log.warn(
      { secrets: ['CONTACT_ENCRYPTION_KEY'] },
      'CONTACT_ENCRYPTION_KEY is not set: the numbers of citizens who agree to follow-up SMS are sealed with the PUBLIC development key from the source code, which anyone can read. Fine for trying the service; set your own (openssl rand -base64 32) before collecting real reports.',
    );
  }
  if (!config.callbackToken && config.callbackAuth === 'proxy') {
    log.warn(
      { callbackAuth: 'proxy' },
      `AT_CALLBACK_AUTH=proxy: this service does not check callbacks itself. Your proxy must let only Africa's Talking reach ${CALLBACK_PATHS_TEXT}, or anyone can post reports.`,
    );
  } else if (!config.callbackToken) {
    log.warn(
      { callbackAuth: 'open' },
      `callbacks are OPEN: AT_CALLBACK_TOKEN is not set, so anyone who can reach ${CALLBACK_PATHS_TEXT} can post reports. Set AT_CALLBACK_TOKEN (16+ characters) and add ?token=<it> to the callback URLs on Africa's Talking.`,
    );
  }
}

/** The configured languages (or every shipped one), default first; unknown codes stop the start. */
/** The shipped questionnaires' facility types, named as the public pages and the scorecard SMS name them in each language. */
function shippedTypes(root: string, content: ShippedContent, languages: string[], defaultLanguage: string, log: Logger) {
  const publicTexts = loadLocaleMessages(root, 'public.json');
  const scorecard = loadScorecardTemplates(root);
  const shipped = shippedFacilityTypes([...new Set(content.flows.flatMap((f) => f.facilityTypes))].sort(), languages, defaultLanguage, {
    publicName: (lang, code) => publicTexts[lang]?.texts[`public.type.${code}`],
    scorecardPlural: (lang, code) => scorecard[lang]?.types[code],
    otherPlural: (lang) => scorecard[lang]?.['type.other'],
  });
  if (shipped.unnamed.length)
    log.warn(
      { facilityTypes: shipped.unnamed },
      `facility types without names in the locales (public.type.<code> in public.json, types.<code> in scorecard.json): ${shipped.unnamed.join(', ')}. Where they are not stored yet they are stored called by their code; name them on the staff Facility types page`,
    );
  return shipped.types;
}

export function offeredLanguages(content: ShippedContent, config: Pick<Config, 'languages' | 'defaultLanguage' | 'ussd'>): string[] {
  const shipped = Object.keys(content.locales);
  const wanted = config.languages ?? [config.defaultLanguage, ...shipped.filter((l) => l !== config.defaultLanguage)];
  const unknown = wanted.filter((l) => !shipped.includes(l));
  if (unknown.length) throw new Error(`LANGUAGES names ${unknown.join(', ')}, which has no folder in locales/ (have: ${shipped.join(', ')})`);
  if (!wanted.includes(config.defaultLanguage)) throw new Error(`DEFAULT_LANGUAGE ${config.defaultLanguage} is not among LANGUAGES`);
  return wanted;
}
