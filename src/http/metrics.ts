import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { Store } from '../storage/ports.js';
import { CALLBACK_PATHS } from './callback-paths.js';

/**
 * Prometheus metrics (prom-client), one registry per service instance: tests start several
 * services in one process, and each must count only its own hops. Process metrics (memory,
 * CPU, event loop) belong to the process, so they live in one process-wide registry that is
 * merged in at scrape time.
 *
 * Every label value comes from a fixed list (a channel, an outcome, a storage method, a
 * callback's path from callback-paths.ts, a delivery status that was validated against AT's
 * list), never from a request: no phone number, session id or free text can reach a label.
 *
 * A hop only adds to plain numbers (HopFigures): a performance.now() and three additions,
 * nothing allocated. prom-client reads those numbers when /metrics is scraped. The other
 * events (an SMS, a delivery report, a storage failure) are rare and use prom-client's
 * counters directly.
 */

export const HOP_CHANNELS = ['ussd', 'voice'] as const;
export const HOP_OUTCOMES = ['continue', 'end', 'call_ended', 'rejected', 'invalid', 'error'] as const;
export type HopChannel = (typeof HOP_CHANNELS)[number];
export type HopOutcome = (typeof HOP_OUTCOMES)[number];
export const SMS_OUTCOMES = ['sent', 'failed', 'retrying'] as const;
export type SmsOutcome = (typeof SMS_OUTCOMES)[number];
// the refused-callback labels: the callbacks the service serves, from their one list
export { CALLBACK_PATHS };
const OUTBOX_DEPTH_CAP = 1000;
/** seconds; AT gives up on a hop after 10 s */
const HOP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CHANNEL_INDEX: Record<HopChannel, number> = { ussd: 0, voice: 1 };
const OUTCOME_INDEX = Object.fromEntries(HOP_OUTCOMES.map((o, i) => [o, i])) as Record<HopOutcome, number>;

/** Hop latency and outcomes as plain numbers, per channel: what a hop touches. */
class HopFigures {
  /** per channel, per bucket (not cumulative); the slot after the last bucket is above 10 s */
  readonly buckets = new Float64Array(HOP_CHANNELS.length * (HOP_BUCKETS.length + 1));
  readonly sums = new Float64Array(HOP_CHANNELS.length);
  readonly counts = new Float64Array(HOP_CHANNELS.length);
  readonly outcomes = new Float64Array(HOP_CHANNELS.length * HOP_OUTCOMES.length);

  record(channel: HopChannel, outcome: HopOutcome, seconds: number) {
    const c = CHANNEL_INDEX[channel];
    let b = 0;
    while (b < HOP_BUCKETS.length && seconds > HOP_BUCKETS[b]!) b++;
    this.buckets[c * (HOP_BUCKETS.length + 1) + b]! += 1;
    this.sums[c]! += seconds;
    this.counts[c]! += 1;
    this.outcomes[c * HOP_OUTCOMES.length + OUTCOME_INDEX[outcome]]! += 1;
  }
}

/**
 * The hop histogram in prom-client's registry, rendered from HopFigures when scraped: a
 * metric object with get(), which is what Registry.registerMetric takes (prom-client's own
 * cluster aggregation registers such objects too).
 */
function registerHopHistogram(registry: Registry, figures: HopFigures) {
  const name = 'crc_hop_duration_seconds';
  const help = "Time to answer one Africa's Talking callback hop (USSD screen or voice XML), by channel";
  const get = async () => {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const channel of HOP_CHANNELS) {
      const c = CHANNEL_INDEX[channel];
      let cumulative = 0;
      HOP_BUCKETS.forEach((le, b) => {
        cumulative += figures.buckets[c * (HOP_BUCKETS.length + 1) + b]!;
        values.push({ metricName: `${name}_bucket`, labels: { channel, le }, value: cumulative });
      });
      values.push({ metricName: `${name}_bucket`, labels: { channel, le: '+Inf' }, value: figures.counts[c]! });
      values.push({ metricName: `${name}_sum`, labels: { channel }, value: figures.sums[c]! });
      values.push({ metricName: `${name}_count`, labels: { channel }, value: figures.counts[c]! });
    }
    return { name, help, type: 'histogram', aggregator: 'sum', values };
  };
  registry.registerMetric({ name, help, type: 'histogram', aggregator: 'sum', get, reset: () => undefined, labelNames: ['channel'] } as unknown as Metric);
}

let processRegistry: Registry | null = null;
function processMetrics(): Registry {
  // once per process: the default collectors start event-loop and GC observers that are never stopped
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export function createMetrics(deps: { storage: () => Store }) {
  const registry = new Registry();
  const registers = [registry];

  const figures = new HopFigures();
  registerHopHistogram(registry, figures);
  new Counter({
    name: 'crc_hops_total',
    help: 'Callback hops by channel and outcome: continue (a screen that waits for input), end (the last screen), call_ended (voice isActive=0), rejected (voice is off), invalid (400), error (5xx)',
    labelNames: ['channel', 'outcome'],
    registers,
    collect() {
      this.reset();
      for (const channel of HOP_CHANNELS) {
        for (const outcome of HOP_OUTCOMES) this.inc({ channel, outcome }, figures.outcomes[CHANNEL_INDEX[channel] * HOP_OUTCOMES.length + OUTCOME_INDEX[outcome]]!);
      }
    },
  });
  const refused = new Counter({
    name: 'crc_callbacks_refused_total',
    help: 'Callbacks refused for a missing or wrong ?token= (AT_CALLBACK_TOKEN), by path',
    labelNames: ['path'],
    registers,
  });
  const sms = new Counter({
    name: 'crc_sms_total',
    help: 'Outbox send attempts by outcome: sent (accepted by the gateway), failed (for good), retrying (a transient failure, due again later)',
    labelNames: ['outcome'],
    registers,
  });
  const deliveryReports = new Counter({
    name: 'crc_sms_delivery_reports_total',
    help: "Delivery reports received from Africa's Talking for known messages, by status (AT may repeat a report)",
    labelNames: ['status'],
    registers,
  });
  const delivered = new Counter({
    name: 'crc_sms_delivered_total',
    help: 'Messages whose delivery was confirmed (a Success report recorded for the first time)',
    registers,
  });
  const storageErrors = new Counter({
    name: 'crc_storage_errors_total',
    help: 'Storage calls that failed, by repository and method',
    labelNames: ['operation'],
    registers,
  });
  new Gauge({
    name: 'crc_sms_outbox_depth',
    help: `Outbox messages waiting (pending) or being sent (sending), read from storage at scrape time; counted up to ${OUTBOX_DEPTH_CAP}, so ${OUTBOX_DEPTH_CAP} means at least that many`,
    labelNames: ['status'],
    registers,
    async collect() {
      const outbox = deps.storage().outbox;
      for (const status of ['pending', 'sending'] as const) {
        try {
          this.set({ status }, (await outbox.list({ status, limit: OUTBOX_DEPTH_CAP })).length);
        } catch {
          // the failure is counted by the storage wrapper; an unknown depth is left out
          this.remove({ status });
        }
      }
    },
  });

  const smsBound = Object.fromEntries(SMS_OUTCOMES.map((o) => [o, sms.labels(o)])) as Record<SmsOutcome, Counter.Internal>;
  for (const path of CALLBACK_PATHS) refused.labels(path);

  return {
    /** the time a hop started, for hop() */
    now: () => performance.now(),
    hop(channel: HopChannel, outcome: HopOutcome, startedMs: number) {
      figures.record(channel, outcome, (performance.now() - startedMs) / 1000);
    },
    callbackRefused(path: string) {
      refused.inc({ path: (CALLBACK_PATHS as readonly string[]).includes(path) ? path : 'other' });
    },
    sms(outcome: SmsOutcome) {
      smsBound[outcome].inc();
    },
    /** status is one of AT's statuses, already validated by the route */
    deliveryReport(status: string, firstSuccess: boolean) {
      deliveryReports.inc({ status });
      if (firstSuccess) delivered.inc();
    },
    storageError(operation: string) {
      storageErrors.inc({ operation });
    },
    contentType: registry.contentType,
    /** the exposition text: this instance's metrics and the process's */
    async text(): Promise<string> {
      return Registry.merge([registry, processMetrics()]).metrics();
    },
  };
}
export type ServiceMetrics = ReturnType<typeof createMetrics>;

/**
 * The storage, with every failed call counted (repository and method, e.g.
 * `sessions.update`). Each repository is wrapped once at start; a call costs one extra
 * promise reaction. Methods that return something other than a promise (a stream) pass
 * through unchanged.
 */
export function countStorageErrors(storage: Store, metrics: Pick<ServiceMetrics, 'storageError'>): Store {
  const wrapped: Record<string, unknown> = { ...storage };
  for (const [name, repo] of Object.entries(storage)) {
    if (typeof repo === 'function') wrapped[name] = wrapMethod(storage, name, name, metrics);
    else if (repo && typeof repo === 'object') {
      const r = Object.create(repo) as Record<string, unknown>;
      for (const key of methodNames(repo)) r[key] = wrapMethod(repo, key, `${name}.${key}`, metrics);
      wrapped[name] = r;
    }
  }
  return wrapped as unknown as Store;
}

function methodNames(obj: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = obj; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const key of Object.getOwnPropertyNames(o)) if (key !== 'constructor' && typeof (obj as Record<string, unknown>)[key] === 'function') names.add(key);
  }
  return [...names];
}

function wrapMethod(target: object, key: string, operation: string, metrics: Pick<ServiceMetrics, 'storageError'>) {
  const failed = (err: unknown) => {
    metrics.storageError(operation);
    throw err;
  };
  const methods = target as Record<string, (...a: unknown[]) => unknown>;
  return function (this: unknown, ...args: unknown[]) {
    let result: unknown;
    try {
      // looked up at each call: whoever holds the unwrapped storage may replace a method (tests do)
      result = methods[key]!.apply(target, args);
    } catch (err) {
      return failed(err);
    }
    return result instanceof Promise ? result.then(undefined, failed) : result;
  };
}
