import { performance } from 'node:perf_hooks';
import { createMemoryStorage } from '../src/storage/memory/memory-storage.js';
import { createMongoStorage } from '../src/storage/mongo/mongo-storage.js';
import type { Store } from '../src/storage/ports.js';
import { loadShippedContent, textsFor } from '../src/app/content.js';
import { DEMO_FACILITIES } from '../src/app/facilities/demo-registry.js';
import { localDay } from '../src/text/time.js';
import { flowResultsJson, flowResultsRows } from '../src/app/responses/flow-results.js';
import { PROJECT_ROOT } from '../src/entry/service.js';

/**
 * npm run bench:flow-results [-- --store mongo] [-- --rows N]
 * Fills a store with clinic reports of 8 answers each (default 1,000,000 rows: 125,000
 * reports on the demo facilities), then exports them as FLOIP Flow Results rows, draining
 * the JSON stream as the HTTP route does. Prints the time, rows per second, bytes, peak RSS
 * and the largest heap seen during the export. --store mongo uses MONGODB_URI (a database
 * of its own, dropped afterwards); the reports are written there in bulk from one template
 * document the adapter stored, so seeding does not dominate the run.
 */

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
};
const STORE = arg('store') ?? 'memory';
const ROWS = Number(arg('rows') ?? 1_000_000);
const TZ = 'Africa/Johannesburg';
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const peakRss = () => mb(process.resourceUsage().maxRSS * 1024);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

let seed = 42;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;

async function openStore(): Promise<{ storage: Store; done(): Promise<void>; bulk?: (docs: Record<string, unknown>[]) => Promise<void>; raw?: (id: string) => Promise<Record<string, unknown>> }> {
  if (STORE === 'memory') return { storage: createMemoryStorage(), done: async () => {} };
  if (STORE !== 'mongo') throw new Error(`--store must be memory or mongo, not ${STORE}`);
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error('--store mongo needs MONGODB_URI');
  const dbName = `crc_bench_flow_results_${Date.now().toString(36)}`;
  const storage = await createMongoStorage(uri, { dbName, writeConcern: 1 });
  const collection = storage.connection.db!.collection('responses');
  return {
    storage,
    bulk: async (docs) => void (await collection.insertMany(docs as never[], { ordered: false })),
    raw: async (id) => (await collection.findOne({ _id: id as never })) as Record<string, unknown>,
    async done() {
      await storage.connection.db!.dropDatabase();
      await storage.close();
    },
  };
}

async function main() {
  const store = await openStore();
  const { storage } = store;
  const content = loadShippedContent(PROJECT_ROOT);
  const clinic = content.flows.find((f) => f.id === 'clinic')!;
  await storage.questionnaires.insertVersion({
    id: 'clinic',
    version: 1,
    status: 'published',
    definition: clinic,
    texts: textsFor(content, 'clinic'),
    createdAt: new Date(0),
    publishedAt: new Date(0),
    publishedBy: 'bench',
  });
  await storage.facilities.upsertMany(DEMO_FACILITIES.map((f) => ({ ...f, managers: [] })));
  const clinics = DEMO_FACILITIES.filter((f) => f.type === 'clinic');
  const perReport = clinic.questions.length;
  const reports = Math.ceil(ROWS / perReport);
  console.log(`bench:flow-results - ${reports.toLocaleString('en')} reports x ${perReport} answers = ${(reports * perReport).toLocaleString('en')} rows, ${STORE} store, node ${process.version}`);

  const start = Date.parse('2026-10-01T06:00:00Z');
  const answerFor = (q: (typeof clinic.questions)[number]) => (q.type === 'rating' ? 1 + Math.floor(rand() * 5) : q.type === 'choice' ? q.options[Math.floor(rand() * q.options.length)]!.code : 'x');
  const report = async (i: number) => {
    const f = clinics[i % clinics.length]!;
    const at = new Date(start + i * 20_000);
    const id = `fr${i}`;
    await storage.responses.start({
      id,
      sourceKey: `ussd:${id}`,
      facilityCode: f.code,
      facilityType: f.type,
      district: f.district,
      questionnaireId: 'clinic',
      questionnaireVersion: 1,
      channel: 'ussd',
      language: 'en',
      respondentKey: `rk${i % 40_000}`,
      resumeState: null,
      sessionIds: [id],
      startedAt: at,
    });
    for (const q of clinic.questions) await storage.responses.recordAnswer(id, { questionId: q.id, value: answerFor(q), at }, { value: 'done', context: {} } as never);
    await storage.responses.complete(id, at, `rk${i % 40_000}|${f.code}|${i}`, localDay(at, TZ));
  };
  let t0 = performance.now();
  if (store.bulk && store.raw) {
    // one report through the adapter, then copies of its stored document
    await report(0);
    const template = await store.raw('fr0');
    const batch: Record<string, unknown>[] = [];
    for (let i = 1; i < reports; i++) {
      const f = clinics[i % clinics.length]!;
      const at = new Date(start + i * 20_000);
      const id = `fr${i}`;
      const answers = Object.fromEntries(clinic.questions.map((q) => [q.id, { value: answerFor(q), at }]));
      batch.push({
        ...template,
        _id: id,
        sourceKey: `ussd:${id}`,
        facilityCode: f.code,
        district: f.district,
        respondentKey: `rk${i % 40_000}`,
        sessionIds: [id],
        startedAt: at,
        updatedAt: at,
        completedAt: at,
        answers,
        countKey: `k${i}`,
        countSlot: `k${i}`,
      });
      if (batch.length === 5000) await store.bulk(batch.splice(0));
    }
    if (batch.length) await store.bulk(batch.splice(0));
  } else {
    for (let i = 0; i < reports; i++) await report(i);
  }
  console.log(`seeded in ${seconds(performance.now() - t0)}; heap used ${mb(process.memoryUsage().heapUsed)}, peak RSS so far ${peakRss()}`);

  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapMax = heapBefore;
  let rows = 0;
  let bytes = 0;
  t0 = performance.now();
  const deps = { storage, settings: { timeZone: TZ, defaultLanguage: 'en', exportSecret: 'bench-export-secret' } };
  const source = (await flowResultsRows(deps, 'clinic', 'bench-key'))!;
  async function* counted() {
    for await (const row of source) {
      rows++;
      yield row;
    }
  }
  for await (const chunk of flowResultsJson(counted())) {
    bytes += Buffer.byteLength(chunk);
    const heap = process.memoryUsage().heapUsed;
    if (heap > heapMax) heapMax = heap;
  }
  const ms = performance.now() - t0;
  console.log(`exported ${rows.toLocaleString('en')} rows (${mb(bytes)} of JSON) in ${seconds(ms)}: ${Math.round(rows / (ms / 1000)).toLocaleString('en')} rows/s`);
  console.log(`memory: peak RSS ${peakRss()}; heap before the export ${mb(heapBefore)}, largest during it ${mb(heapMax)} (+${mb(heapMax - heapBefore)})`);
  await store.done();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
