import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage } from 'node:http';
import { constants, createHistogram, monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import express from 'express';
import { loadConfig } from '../src/entry/config.js';
import { createService } from '../src/entry/service.js';
import { cached, reference } from '../src/engine/stepping.js';
import { createMemoryStorage } from '../src/storage/memory/memory-storage.js';
import { createMongoStorage } from '../src/storage/mongo/mongo-storage.js';
import type { Store } from '../src/storage/ports.js';
import { seedCompleteResponses } from './seed-responses.js';

/**
 * A server for the bench to load, in its own process so client and server do not share a
 * CPU core's event loop: `service` (the real app) or `bare` (Express routes that parse the
 * same form body and answer a constant: "CON ok" on /ussd, a question's XML on /voice).
 * Prints its port.
 *
 * The service runs on the memory adapter, or with BENCH_MONGODB_URI on the Mongo adapter,
 * counting every command the driver sends (each is one round trip to the database).
 */
const kind = process.argv[2];
/** the bare /voice reply: as long as a question's GetDigits */
const CONSTANT_XML =
  '<?xml version="1.0" encoding="UTF-8"?><Response><GetDigits numDigits="1" timeout="10" callbackUrl="http://localhost:3000/voice?seq=5"><Say>How did the staff treat you? Very bad. Press 1. Bad. Press 2. OK. Press 3. Good. Press 4. Very good. Press 5. To hear this again, press star.</Say></GetDigits><Redirect>http://localhost:3000/voice?seq=5</Redirect></Response>';
const commands = new Map<string, number>();

// garbage-collection pauses since the bench last asked: a long one stalls every hop waiting.
// Young (scavenge) and full (mark-compact) pauses are told apart; the others (incremental
// marking steps, weak callbacks) count in the total only
let gcPauses: Array<{ ms: number; kind: number }> = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ ms: entry.duration, kind: (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0 });
}).observe({ entryTypes: ['gc'] });
// how long each request took inside this process, from its arrival (headers parsed) to the
// last byte of its reply handed to the socket: beside the client's latency, it tells the
// server's own time from time spent in the client, the kernel or waiting for a CPU
const served = createHistogram();
// and how late this process's event loop ran (blocked by work that is not a request, or by GC)
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const arrivals = new WeakMap<IncomingMessage, number>();
subscribe('http.server.request.start', (m) => arrivals.set((m as { request: IncomingMessage }).request, performance.now()));
subscribe('http.server.response.finish', (m) => {
  const started = arrivals.get((m as { request: IncomingMessage }).request);
  if (started !== undefined) served.record(Math.max(1, Math.round((performance.now() - started) * 1e6)));
});
// the bench asks for these since it last asked, for memory after a full collection (so live
// data can be told from garbage), and for the database commands sent
process.on('message', (m) => {
  if (m === 'served') {
    const ms = (ns: number) => ns / 1e6;
    process.send?.({
      served: { count: served.count, p50Ms: ms(served.percentile(50)), p99Ms: ms(served.percentile(99)), maxMs: ms(served.max), loopDelayMaxMs: ms(loopDelay.max) },
    });
    served.reset();
    loopDelay.reset();
  }
  if (m === 'gc') {
    const longest = (kind: number) => Math.max(0, ...gcPauses.filter((p) => p.kind === kind).map((p) => p.ms));
    process.send?.({
      gc: {
        count: gcPauses.length,
        fulls: gcPauses.filter((p) => p.kind === constants.NODE_PERFORMANCE_GC_MAJOR).length,
        longestMs: Math.max(0, ...gcPauses.map((p) => p.ms)),
        longestYoungMs: longest(constants.NODE_PERFORMANCE_GC_MINOR),
        longestFullMs: longest(constants.NODE_PERFORMANCE_GC_MAJOR),
        totalMs: gcPauses.reduce((a, p) => a + p.ms, 0),
      },
    });
    gcPauses = [];
  }
  if (m === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send?.({ memory: { rssMb: rss / 1048576, heapUsedMb: heapUsed / 1048576 } });
  }
  if (m === 'commands') {
    process.send?.({ commands: Object.fromEntries(commands) });
    commands.clear();
  }
});
if (kind === 'bare') {
  const app = express();
  app.use(express.urlencoded({ extended: false, limit: 16 * 1024 }));
  app.post('/ussd', (_req, res) => {
    res.type('text/plain').send('CON ok');
  });
  app.post('/voice', (_req, res) => {
    res.type('application/xml').send(CONSTANT_XML);
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const address = server.address();
    console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
  });
  server.keepAliveTimeout = 65_000;
} else {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    RESPONDENT_KEY_SECRET: 'bench-secret-0123456789-0123456789-abcdef',
    SCORECARD_SCHEDULE: 'false',
  });
  const mongoUri = process.env.BENCH_MONGODB_URI;
  const atomic = process.env.BENCH_ATOMIC_UPDATES;
  const storage: Store = mongoUri
    ? await createMongoStorage(mongoUri, {
        onCommand: (name) => commands.set(name, (commands.get(name) ?? 0) + 1),
        ...(atomic ? { atomicConditionalUpdates: atomic === 'true' } : {}),
      })
    : createMemoryStorage();
  // BENCH_STEPPING=public: the machines are stepped with XState's transition() and initialTransition()
  const stepping = process.env.BENCH_STEPPING;
  if (stepping && stepping !== 'public' && stepping !== 'cached') throw new Error('BENCH_STEPPING must be public or cached');
  const service = await createService(config, { storage, stepper: stepping === 'public' ? reference : cached });
  // BENCH_SEED_RESPONSES=N: N complete reports over the last BENCH_SEED_DAYS days (the dashboard bench)
  const seedCount = Number(process.env.BENCH_SEED_RESPONSES ?? 0);
  if (seedCount > 0)
    await seedCompleteResponses(service.storage, {
      count: seedCount,
      days: Number(process.env.BENCH_SEED_DAYS ?? 365),
      now: new Date(),
      timeZone: config.timeZone,
      log: (line) => console.error(line),
    });
  const { port } = await service.start(0, '127.0.0.1');
  commands.clear();
  console.log(JSON.stringify({ port, storage: mongoUri && 'server' in storage ? (storage as { server: { description: string } }).server.description : 'memory' }));
  // exit through process.exit so --cpu-prof and friends can write their files
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void service.stop(1000).then(() => process.exit(0)));
}
