import { performance } from 'node:perf_hooks';
import { countStorageErrors, createMetrics } from '../src/http/metrics.js';
import { createMemoryStorage } from '../src/storage/memory/memory-storage.js';

/**
 * `npx tsx bench/metrics.ts`: what the metrics add to one hop, measured apart from the HTTP
 * noise of the USSD bench. Prints the cost of recording a hop (timer, histogram, counter)
 * and of one storage call through the error-counting wrapper against the bare adapter,
 * and the time to render /metrics. Flags: --calls N (default 1,000,000).
 */
const i = process.argv.indexOf('--calls');
const CALLS = i > 0 ? Number(process.argv[i + 1]) : 1_000_000;

const storage = createMemoryStorage();
const metrics = createMetrics({ storage: () => storage });
const wrapped = countStorageErrors(storage, metrics);

function perCall(label: string, fn: () => void) {
  for (let n = 0; n < 10_000; n++) fn();
  const start = performance.now();
  for (let n = 0; n < CALLS; n++) fn();
  const ns = ((performance.now() - start) * 1e6) / CALLS;
  console.log(`${label.padEnd(52)} ${ns.toFixed(0).padStart(6)} ns per call`);
  return ns;
}

async function perAsyncCall(label: string, fn: () => Promise<unknown>) {
  for (let n = 0; n < 10_000; n++) await fn();
  const start = performance.now();
  for (let n = 0; n < CALLS; n++) await fn();
  const ns = ((performance.now() - start) * 1e6) / CALLS;
  console.log(`${label.padEnd(52)} ${ns.toFixed(0).padStart(6)} ns per call`);
  return ns;
}

console.log(`node ${process.version}, ${CALLS.toLocaleString('en')} calls each`);
let sink = 0;
perCall('two performance.now() calls (the timer alone)', () => {
  sink += performance.now() - performance.now();
});
perCall('metrics.hop(metrics.now()) (timer + histogram + counter)', () => metrics.hop('ussd', 'continue', metrics.now()));
if (Number.isNaN(sink)) console.log(sink);
for (let round = 1; round <= 3; round++) {
  const bare = await perAsyncCall(`round ${round}: sessions.get, bare memory adapter`, () => storage.sessions.get('ussd', 'nobody'));
  const counted = await perAsyncCall(`round ${round}: sessions.get, through the error counter`, () => wrapped.sessions.get('ussd', 'nobody'));
  console.log(`${`round ${round}: the wrapper adds`.padEnd(52)} ${(counted - bare).toFixed(0).padStart(6)} ns per storage call`);
}
const start = performance.now();
const text = await metrics.text();
console.log(`render /metrics once: ${(performance.now() - start).toFixed(1)} ms, ${text.length.toLocaleString('en')} characters`);
