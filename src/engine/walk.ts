import type { AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';
import { adjacencyMapToArray, getAdjacencyMap } from 'xstate/graph';
import { CHECK_KEY, CHECKED_STATUSES, type ConversationEvent, type ConversationInput, type FacilityRef, type LoadedQuestionnaire } from './conversation.js';
import { promptFor, resumePointOf, screenOf, type Prompt, type SystemTextSource } from './prompt.js';
import { questionType } from './question-types/registry.js';
import { startConversation, type ConversationState } from './stepping.js';

/**
 * Walks the conversation machine's own graph (xstate/graph), as a respondent would move
 * through it: at each screen the inputs that can change the route (every answer a later
 * condition looks at, else one; skipping an optional question), a wrong input, going
 * back, and the registry's answers to each lookup (a facility; a report's case in each
 * status, or none). It returns every distinct screen, how
 * many forward paths reach each ending, and any state from which no ending can be reached,
 * so publishing can check that every path ends and every screen fits, in every language.
 */

export type WalkResult = {
  lang: string;
  /** forward paths from the first question to an ending */
  paths: number;
  /** distinct screens (by id and error line), in the order first reached */
  screens: Prompt[];
  /** ending screen ids, with how many forward paths reach each */
  endings: Record<string, number>;
  /** states from which no ending can be reached (each named by its screen and path) */
  stuck: string[];
};

export const LONGEST_FACILITY_NAME = 'X'.repeat(40);
export const SAMPLE_REFERENCE = 'XXXX-XXXX-XX';
const KNOWN_CODE = '99999999';
const UNKNOWN_CODE = '12345678';
const KNOWN_REFERENCE = 'XXXX-XXXX-XX';
const UNKNOWN_REFERENCE = 'ZZZZZZZZZZ';
const MAX_STATES = 200_000;

type Machine = LoadedQuestionnaire['machine'];
type Snapshot = SnapshotFrom<Machine>;
type Event = EventFromLogic<Machine>;
type EdgeKind = 'route' | 'other';

export type WalkOptions = {
  texts: SystemTextSource;
  maxFacilityAttempts?: number;
  /** voice: walk the give-up paths too (silence, a spoken answer where keys were expected) */
  voice?: { maxRetries: number };
  /** walk "check a report" from the facility screen too (default: yes, as USSD offers it) */
  offerCheck?: boolean;
};

export function walkQuestionnaire(q: LoadedQuestionnaire, lang: string, options: WalkOptions): WalkResult {
  const facility: FacilityRef = { code: KNOWN_CODE, name: LONGEST_FACILITY_NAME, type: q.definition.facilityTypes[0]!, district: 'district' };
  const input: ConversationInput = {
    languages: [lang],
    rememberedLanguage: lang,
    maxFacilityAttempts: options.maxFacilityAttempts ?? 3,
    maxRetries: options.voice?.maxRetries ?? null,
    offerCheck: options.offerCheck ?? true,
  };
  // every answer a condition looks at, and every answer the concern rule looks at (so reports with and without a concern are both walked)
  const watched = new Set([...q.definition.questions.flatMap((x) => (x.showIf ? [x.showIf.question] : [])), ...q.concern.questions]);
  const keyOf = (s: ConversationState) => {
    const c = s.context;
    return JSON.stringify([
      s.value,
      c.answers,
      c.path,
      c.error,
      c.facilityAttempts,
      c.retries,
      c.pendingCode,
      c.end?.key ?? null,
      c.checkAttempts ?? 0,
      c.pendingReference ?? null,
      c.checked?.status ?? null,
    ]);
  };
  const kinds = new Map<string, EdgeKind>();
  const eventsAt = (s: Snapshot): Event[] => {
    const here = keyOf(s);
    const out: ConversationEvent[] = [];
    const add = (event: ConversationEvent, kind: EdgeKind) => {
      kinds.set(`${here}|${JSON.stringify(event)}`, kind);
      out.push(event);
    };
    const screen = screenOf(s);
    if (JSON.stringify(s.value).includes('"looking"')) {
      // the case store's answer: the case in each status it can be in, or none
      if (s.context.pendingReference === KNOWN_REFERENCE) {
        for (const status of CHECKED_STATUSES) add({ type: 'CASE_FOUND', found: { reference: KNOWN_REFERENCE, status, facility: LONGEST_FACILITY_NAME } }, 'other');
      } else add({ type: 'CASE_UNKNOWN', reference: s.context.pendingReference ?? '' }, 'other');
      return out;
    }
    const checking = JSON.stringify(s.value).includes('"checking"');
    if (checking) {
      // the registry's answer to the lookup the machine asked for
      if (s.context.pendingCode === KNOWN_CODE) add({ type: 'FACILITY_FOUND', facility, questionnaire: { id: q.id, version: q.version } }, 'route');
      else add({ type: 'FACILITY_UNKNOWN', code: s.context.pendingCode ?? '' }, 'other');
      return out;
    }
    if (options.voice && screen.kind !== 'thanks' && screen.kind !== 'ended') {
      add({ type: 'SILENCE' }, 'other');
      add({ type: 'REPEAT' }, 'other');
    }
    switch (screen.kind) {
      case 'facility':
        add({ type: 'ANSWER', text: 'abc' }, 'other');
        add({ type: 'ANSWER', text: UNKNOWN_CODE }, 'other');
        add({ type: 'ANSWER', text: KNOWN_CODE }, 'route');
        add({ type: 'ANSWER', text: CHECK_KEY }, 'other');
        break;
      case 'check':
        add({ type: 'ANSWER', text: 'abc' }, 'other');
        add({ type: 'ANSWER', text: UNKNOWN_REFERENCE }, 'other');
        add({ type: 'ANSWER', text: KNOWN_REFERENCE }, 'other');
        add({ type: 'BACK' }, 'other');
        break;
      case 'case_status':
        add({ type: 'ANSWER', text: '9' }, 'other');
        add({ type: 'ANSWER', text: '1' }, 'other');
        add({ type: 'ANSWER', text: '2' }, 'other');
        add({ type: 'BACK' }, 'other');
        break;
      case 'follow_up':
        add({ type: 'ANSWER', text: '9' }, 'other');
        add({ type: 'ANSWER', text: '1' }, 'route');
        add({ type: 'ANSWER', text: '2' }, 'route');
        break;
      case 'consent':
        add({ type: 'ANSWER', text: '9' }, 'other');
        add({ type: 'ANSWER', text: '2' }, 'other');
        add({ type: 'ANSWER', text: '1' }, 'route');
        break;
      case 'resume':
        add({ type: 'ANSWER', text: '9' }, 'other');
        add({ type: 'ANSWER', text: '1' }, 'route');
        add({ type: 'ANSWER', text: '2' }, 'other');
        break;
      case 'question': {
        const question = q.definition.questions.find((x) => x.id === screen.questionId)!;
        const type = questionType(question);
        const inputs = type.walkInputs(question, watched.has(question.id));
        add({ type: 'ANSWER', text: inputs.wrong }, 'other');
        if (s.context.path.length > 0) add({ type: 'BACK' }, 'other');
        for (const text of inputs.route) add({ type: 'ANSWER', text }, 'route');
        if (question.optional) add({ type: 'SKIP' }, 'route');
        if (options.voice && type.takesRecording) add({ type: 'RECORDING', url: 'https://media.example.org/recording.mp3' }, 'other');
        if (options.voice) add({ type: 'NOT_A_RECORDING' }, 'other');
        break;
      }
      default:
        break;
    }
    return out;
  };

  const result: WalkResult = { lang, paths: 0, screens: [], endings: {}, stuck: [] };
  let edges: Array<{ state: Snapshot; event: Event; nextState: Snapshot }>;
  try {
    // xstate/graph types its logic without emitted events; the machine is widened, not cast
    const logic: AnyStateMachine = q.machine;
    const adjacency = getAdjacencyMap(logic, {
      input,
      events: eventsAt,
      serializeState: (s: Snapshot) => keyOf(s),
      serializeEvent: (e: Event) => JSON.stringify(e),
      limit: MAX_STATES,
    });
    edges = adjacencyMapToArray<Snapshot, Event>(adjacency);
  } catch (e) {
    result.stuck.push(`the walk gave up: ${(e as Error).message} (more than ${MAX_STATES} states)`);
    return result;
  }

  // the graph as plain maps, states in the order first reached
  const states = new Map<string, Snapshot>();
  const next = new Map<string, Array<{ to: string; kind: EdgeKind }>>();
  for (const edge of edges) {
    const from = keyOf(edge.state);
    const to = keyOf(edge.nextState);
    if (!states.has(from)) states.set(from, edge.state);
    if (!states.has(to)) states.set(to, edge.nextState);
    const list = next.get(from) ?? [];
    list.push({ to, kind: kinds.get(`${from}|${JSON.stringify(edge.event)}`) ?? 'other' });
    next.set(from, list);
  }

  // screens, in the order reached
  const seen = new Set<string>();
  const note = (p: Prompt) => {
    const id = `${p.id}|${p.error?.key ?? ''}`;
    if (!seen.has(id)) {
      seen.add(id);
      result.screens.push(p);
    }
  };
  const render = (s: ConversationState) => promptFor({ value: s.value, context: s.context }, { questionnaire: q, texts: options.texts, reference: SAMPLE_REFERENCE });
  for (const state of states.values()) if (!isTransient(state)) note(render(state));
  // the resume offer, as a redial shows it
  const first = [...states.values()].find((s) => screenOf(s).kind === 'question' && s.context.path.length === 0 && s.context.error === null && !isTransient(s));
  const point = first ? resumePointOf(first) : null;
  if (point) note(render(startConversation(q.machine, { ...input, resumeOffer: { responseId: 'R', lang, facility, questionnaire: { id: q.id, version: q.version }, resumeAt: point } }).state));

  // every state must be able to reach an ending
  const canEnd = new Set<string>();
  for (const [key, state] of states) if (state.status === 'done') canEnd.add(key);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [key, out] of next) {
      if (!canEnd.has(key) && out.some((e) => canEnd.has(e.to))) {
        canEnd.add(key);
        changed = true;
      }
    }
  }
  for (const [key, state] of states) {
    if (!canEnd.has(key)) result.stuck.push(`${render(state).id} after ${state.context.path.join(' > ') || 'no answers'}: no ending can be reached`);
  }

  // forward paths from the first question to each ending
  if (first) {
    const memo = new Map<string, Record<string, number>>();
    const count = (key: string, trail: Set<string>): Record<string, number> => {
      const known = memo.get(key);
      if (known) return known;
      const state = states.get(key);
      if (!state) return {};
      if (state.status === 'done') return { [render(state).id]: 1 };
      const out: Record<string, number> = {};
      if (trail.has(key)) return out; // forward edges never loop; guard anyway
      trail.add(key);
      for (const edge of next.get(key) ?? []) {
        if (edge.kind !== 'route') continue;
        for (const [ending, n] of Object.entries(count(edge.to, trail))) out[ending] = (out[ending] ?? 0) + n;
      }
      trail.delete(key);
      memo.set(key, out);
      return out;
    };
    result.endings = count(keyOf(first), new Set());
    result.paths = Object.values(result.endings).reduce((a, b) => a + b, 0);
  }
  return result;
}

function isTransient(s: Snapshot): boolean {
  const text = JSON.stringify(s.value);
  return text.includes('"checking"') || text.includes('"looking"') || s.value === 'starting' || s.value === 'resuming';
}
