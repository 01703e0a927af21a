import { performance } from 'node:perf_hooks';
import { createMemoryStorage } from '../src/storage/memory/memory-storage.js';
import { localDay } from '../src/text/time.js';
import type { Facility, Manager } from '../src/storage/ports.js';
import { loadShippedContent, textsFor } from '../src/app/content.js';
import { loadScorecardTemplates } from '../src/app/scorecards/compose.js';
import { runScorecards } from '../src/app/scorecards/run-scorecards.js';
import { createOutboxSender } from '../src/app/scorecards/send-outbox.js';
import { createLogSmsGateway } from '../src/gateways/sms/log-gateway.js';
import { createPhoneTagger } from '../src/gateways/respondent-key.js';
import { createLogger } from '../src/entry/log.js';
import { PROJECT_ROOT } from '../src/entry/service.js';

/**
 * npm run bench:scorecards [-- FACILITIES RESPONSES]
 * A synthetic registry (default 5,000 facilities in 50 districts) and 1,000,000 counted
 * responses in the memory adapter (three quarters in October 2026, the rest in September
 * so the change is computed too). Prints the time and peak RSS to compute October's
 * scorecards, and the time to compose and enqueue every message.
 */

const FACILITIES = Number(process.argv[2] ?? 5_000);
const RESPONSES = Number(process.argv[3] ?? 1_000_000);
const DISTRICTS = 50;
const TZ = 'Africa/Johannesburg';
const TYPES = ['clinic', 'police', 'social_grant'] as const;
const LANGS = ['en', 'sw', 'zu'];

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const peakRss = () => mb(process.resourceUsage().maxRSS * 1024);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const say = (line: string) => console.log(line);

// a small deterministic generator, so runs compare
let seed = 42;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;

async function main() {
  say(`bench:scorecards - ${FACILITIES.toLocaleString('en')} facilities, ${RESPONSES.toLocaleString('en')} responses, memory adapter, node ${process.version}`);
  const storage = createMemoryStorage();
  const content = loadShippedContent(PROJECT_ROOT);
  for (const flow of content.flows) {
    await storage.questionnaires.insertVersion({
      id: flow.id,
      version: 1,
      status: 'published',
      definition: flow,
      texts: textsFor(content, flow.id),
      createdAt: new Date(0),
      publishedAt: new Date(0),
      publishedBy: 'bench',
    });
  }
  const flowOf = Object.fromEntries(TYPES.map((type) => [type, content.flows.find((f) => f.facilityTypes.includes(type))!]));

  const manager = (n: number, role: Manager['role']): Manager => ({
    name: `Manager ${n}`,
    phone: `+2547${String(10_000_000 + n).slice(-8)}`,
    language: LANGS[n % 3]!,
    role,
    active: true,
    optedOut: false,
  });
  const facilities: Facility[] = Array.from({ length: FACILITIES }, (_, i) => ({
    code: String(100_000 + i),
    name: `${pick(['Riverside', 'Hilltop', 'Market Street', 'Lakeview', 'Kwa Mashu', 'Mtwapa'])} ${pick(['Community ', ''])}${['Clinic', 'Police Station', 'Grant Office'][i % 3]} ${i}`,
    type: TYPES[i % 3]!,
    district: `District ${i % DISTRICTS}`,
    active: true,
    managers: [manager(i, 'facility'), ...(i < DISTRICTS ? [manager(900_000 + i, 'district')] : [])],
  }));
  await storage.facilities.upsertMany(facilities);

  let started = performance.now();
  const october = Date.parse('2026-09-30T22:00:00Z');
  const september = Date.parse('2026-08-31T22:00:00Z');
  const monthMs = 30 * 86_400_000;
  for (let i = 0; i < RESPONSES; i++) {
    const f = facilities[Math.floor(rand() * FACILITIES)]!;
    const flow = flowOf[f.type]!;
    const at = new Date((i % 4 === 0 ? september : october) + Math.floor(rand() * monthMs));
    const id = `R${i}`;
    await storage.responses.start({
      id,
      sourceKey: `ussd:${id}`,
      facilityCode: f.code,
      facilityType: f.type,
      district: f.district,
      questionnaireId: flow.id,
      questionnaireVersion: 1,
      channel: 'ussd',
      language: 'en',
      respondentKey: `rk${i}`,
      resumeState: null,
      sessionIds: [id],
      startedAt: at,
    });
    const problem = flow.questions.find((q) => q.role === 'main_problem')!;
    const recommend = flow.questions.find((q) => q.role === 'recommend')!;
    const answers = [
      { questionId: 'satisfaction', value: 1 + Math.floor(rand() * 5) },
      { questionId: problem.id, value: pick((problem as { options: { code: string }[] }).options).code },
      { questionId: recommend.id, value: pick((recommend as { options: { code: string }[] }).options).code },
    ];
    for (const a of answers) await storage.responses.recordAnswer(id, { ...a, at }, { value: 'done', context: {} } as never);
    await storage.responses.complete(id, at, `rk${i}|${f.code}|${i}`, localDay(at, TZ));
    if ((i + 1) % 100_000 === 0) say(`  loaded ${(i + 1).toLocaleString('en')} responses (${seconds(performance.now() - started)}, peak RSS ${peakRss()})`);
  }
  say(`loaded in ${seconds(performance.now() - started)}; heap used ${mb(process.memoryUsage().heapUsed)}, peak RSS so far ${peakRss()}`);

  const log = createLogger('silent');
  const recipientTag = createPhoneTagger('bench-secret-0123456789abcdef0123456789');
  const marks: Record<string, number> = {};
  const deps = {
    storage,
    clock: { now: () => new Date('2026-11-01T06:00:00Z') },
    log,
    templates: loadScorecardTemplates(PROJECT_ROOT),
    defaultLanguage: 'en',
    recipientTag,
    settings: { timeZone: TZ, minCount: 10, shortCode: '*384*123#' },
  };
  say('running October 2026...');
  started = performance.now();
  const report = await runScorecards(deps, '2026-10', {
    onProgress(step, done, total) {
      if (done === total) marks[step] = performance.now();
      if (step !== 'tally' && (done % 1000 === 0 || done === total)) process.stdout.write(`  ${step}: ${done}/${total}\r`);
    },
  });
  const finished = performance.now();
  process.stdout.write('\n');
  const tallyMs = marks.tally! - started;
  const computeMs = marks.scorecards! - started;
  const composeMs = finished - marks.scorecards!;
  const counted = report.scorecards.reduce((n, c) => n + c.reports, 0);
  const shown = report.scorecards.filter((c) => c.shown).length;
  say(`tally of counted responses (both months): ${seconds(tallyMs)}`);
  say(`compute + store ${report.scorecards.length.toLocaleString('en')} scorecards (${counted.toLocaleString('en')} October reports, ${shown} shown): ${seconds(computeMs)} from the start of the run`);
  say(`compose + enqueue ${report.messages.length.toLocaleString('en')} messages: ${seconds(composeMs)}`);
  const segments: Record<number, number> = {};
  for (const m of report.messages) segments[m.segments] = (segments[m.segments] ?? 0) + 1;
  say(`segments per message: ${JSON.stringify(segments)}`);
  say(`peak RSS: ${peakRss()}; heap used now ${mb(process.memoryUsage().heapUsed)}`);

  started = performance.now();
  const sender = createOutboxSender({
    storage,
    sms: createLogSmsGateway(log),
    clock: deps.clock,
    log,
    owner: 'bench',
    settings: { leaseMs: 60_000, maxAttempts: 3, retryBaseMs: 1_000, retryMaxMs: 10_000, sendTimeoutMs: 30_000 },
  });
  const drained = await sender.drain();
  say(`drain the outbox through the log gateway: ${drained.sent} sent in ${seconds(performance.now() - started)}`);
  started = performance.now();
  const again = await runScorecards(deps, '2026-10');
  say(`second run of the same period (idempotent): ${again.created.scorecards} new scorecards, ${again.created.messages} new messages, ${seconds(performance.now() - started)}`);
  say(`final peak RSS: ${peakRss()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
