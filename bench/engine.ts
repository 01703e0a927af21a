import { createSystemTexts, loadShippedContent, textsFor } from '../src/app/content.js';
import { FRONT_DOOR, prepareQuestionnaire, versionForStep, type ConversationEvent, type ConversationInput, type FacilityRef } from '../src/engine/conversation.js';
import { promptFor } from '../src/engine/prompt.js';
import { cached, type ConversationState, reference, type Step, type Stepper } from '../src/engine/stepping.js';
import { PROJECT_ROOT } from '../src/entry/service.js';
import { fmt, median } from './load.js';

/**
 * `npm run bench:engine`: what stepping the conversation machines costs per hop, with
 * XState's public pure functions (`transition`, `initialTransition`: each call builds a
 * throwaway actor, and with it the machine's initial state) against the cached inert scope
 * of src/engine/stepping.ts. It walks whole clinic reports as the USSD bench's phones do
 * (language, facility found, consent, six answers, two skips: 12 hops, 13 steps), the state
 * read back from JSON before every hop as a stored session is, and the prompt read from each.
 * CPU (this process's user + system) per hop, less that of the same loop replaying recorded
 * steps, is what stepping costs. The order turns each round; every round is printed, then
 * the medians.
 * `--reports N` (2000) per round, `--rounds N` (5).
 *
 * In the service the same switch is `npm run bench -- --stepping public` (or `cached`): the
 * whole hop's CPU over HTTP, beside bare Express.
 */

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const REPORTS = arg('reports', 2000);
const ROUNDS = arg('rounds', 5);

const content = loadShippedContent(PROJECT_ROOT);
const texts = createSystemTexts(content, 'en', { helpline: '0800 000 000' });
const clinic = prepareQuestionnaire({ id: 'clinic', version: 1, definition: content.flows.find((f) => f.id === 'clinic')!, texts: textsFor(content, 'clinic') });
const facility: FacilityRef = { code: '1001', name: 'Riverside Clinic', type: 'clinic', district: 'Riverside' };
const input: ConversationInput = { languages: ['en', 'sw', 'zu'], maxFacilityAttempts: 3, maxRetries: null };
const ANSWERS: ConversationEvent[] = [
  { type: 'ANSWER', text: '1' },
  { type: 'ANSWER', text: '1001' },
  { type: 'ANSWER', text: '1' },
  ...['2', '4', '1', '4', '1', '2'].map((text): ConversationEvent => ({ type: 'ANSWER', text })),
  { type: 'SKIP' },
  { type: 'SKIP' },
];
const machineFor = (state: ConversationState, event: ConversationEvent) => (versionForStep(state.context, event) ? clinic.machine : FRONT_DOOR);

/** One whole report through a stepper. */
function report(stepper: Stepper): { hops: number } {
  let step = stepper.start(FRONT_DOOR, input);
  let hops = 1;
  for (const event of ANSWERS) {
    const state = JSON.parse(JSON.stringify(step.state)) as ConversationState;
    step = stepper.step(machineFor(state, event), state, event);
    if (step.effects.some((e) => e.type === 'lookupFacility')) {
      const found: ConversationEvent = { type: 'FACILITY_FOUND', facility, questionnaire: { id: clinic.id, version: clinic.version } };
      step = stepper.step(machineFor(step.state, found), step.state, found);
    }
    hops++;
    // the screen is read from every state, as the app does
    promptFor(step.state, { questionnaire: versionForStep(step.state.context, null) ? clinic : null, texts });
  }
  if (!step.done) throw new Error(`the report did not end: ${JSON.stringify(step.state.value)}`);
  return { hops };
}

/** The same loop with the steps replayed from a recording: what the loop costs besides stepping. */
function replaying(): Stepper {
  const steps: Step[] = [];
  const recorder: Stepper = {
    start: (m, i) => steps[steps.push(cached.start(m, i)) - 1]!,
    step: (m, st, e) => steps[steps.push(cached.step(m, st, e)) - 1]!,
  };
  report(recorder);
  let at = 0;
  const next = () => steps[at++ % steps.length]!;
  return { start: next, step: next };
}
const replay = replaying();

/** CPU microseconds per hop of REPORTS whole reports (user + system, this process). */
function round(stepper: Stepper): number {
  let hops = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < REPORTS; i++) hops += report(stepper).hops;
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / hops;
}

// the two must agree before they are compared (test/engine/stepping.test.ts checks every path)
if (JSON.stringify(cached.start(FRONT_DOOR, input)) !== JSON.stringify(reference.start(FRONT_DOOR, input))) throw new Error('cached and public stepping disagree');
for (let i = 0; i < 300; i++) {
  report(cached);
  report(reference);
  report(replay);
}

console.log(`engine bench: ${REPORTS} whole clinic reports per round (12 hops, 13 steps each), ${ROUNDS} rounds; node ${process.version}`);
const rows: Array<{ publicApi: number; cachedScope: number }> = [];
for (let r = 1; r <= ROUNDS; r++) {
  // the order turns each round, so a change in the machine's load does not favour one
  const order: Array<[string, Stepper]> = [
    ['public', reference],
    ['cached', cached],
    ['replay', replay],
  ];
  for (let k = 0; k < r % 3; k++) order.push(order.shift()!);
  const cpu: Record<string, number> = {};
  for (const [name, stepper] of order) cpu[name] = round(stepper);
  const row = { publicApi: cpu.public! - cpu.replay!, cachedScope: cpu.cached! - cpu.replay! };
  rows.push(row);
  console.log(
    `round ${r}: CPU per hop for stepping: public transition() ${fmt(row.publicApi, 1)} us, cached scope ${fmt(row.cachedScope, 1)} us (x${fmt(row.publicApi / row.cachedScope, 2)}); whole loop ${fmt(cpu.public!, 1)} / ${fmt(cpu.cached!, 1)} us, of which ${fmt(cpu.replay!, 1)} us JSON and prompts`,
  );
}
const pub = median(rows.map((x) => x.publicApi));
const cache = median(rows.map((x) => x.cachedScope));
console.log(
  `median: stepping costs ${fmt(pub, 1)} us of CPU per hop with the public API, ${fmt(cache, 1)} us with the cached scope: ${fmt(pub - cache, 1)} us (${fmt((pub - cache) / 1000, 3)} ms) more per hop`,
);
