import type { AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';
import { adjacencyMapToArray, getAdjacencyMap } from 'xstate/graph';
import { CHECK_KEY, CHECKED_STATUSES, type ConversationEvent, type ConversationInput, type FacilityRef, type LoadedQuestionnaire, type ResumePoint } from './conversation.js';
import { promptFor, resumePointOf, screenIdOf, screenOf, type Prompt, type SystemTextSource } from './prompt.js';
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

/**
 * What a walk finds that is the same in every language: the graph depends on the
 * definition and the walk's options only (a language is carried in the context, and no
 * guard reads it), so it is explored once and rendered per language.
 */
type ExploredPaths = {
  /** the first state reached on each screen (by id and error line), in order */
  screens: ConversationState[];
  /** the first question's resume point, for the redial's offer */
  resumeAt: ResumePoint | null;
  paths: number;
  endings: Record<string, number>;
  stuck: string[];
};

/** Explorations kept by definition and options: publishing and the voice coverage walk the same graphs, once per language each. */
const explored = new Map<string, ExploredPaths>();
const MAX_EXPLORED = 32;
/** the language the graph is explored in; every rendering puts its own in the context */
const EXPLORING_LANGUAGE = 'und';

export function walkQuestionnaire(q: LoadedQuestionnaire, lang: string, options: WalkOptions): WalkResult {
  const found = explorePaths(q, options);
  const sources = { questionnaire: q, texts: options.texts, reference: SAMPLE_REFERENCE };
  const inLanguage = (s: ConversationState): ConversationState => ({ value: s.value, context: { ...s.context, lang, languages: [lang] } });
  const screens = found.screens.map((s) => promptFor(inLanguage(s), sources));
  if (found.resumeAt) {
    const offer = { responseId: 'R', lang, facility: sampleFacility(q), questionnaire: { id: q.id, version: q.version }, resumeAt: found.resumeAt };
    const resume = promptFor(startConversation(q.machine, { ...conversationInput(lang, options), resumeOffer: offer }).state, sources);
    if (!screens.some((p) => p.id === resume.id && p.error === null)) screens.push(resume);
  }
  return { lang, paths: found.paths, screens, endings: { ...found.endings }, stuck: [...found.stuck] };
}

function explorePaths(q: LoadedQuestionnaire, options: WalkOptions): ExploredPaths {
  const cacheKey = JSON.stringify([q.definition, options.maxFacilityAttempts ?? 3, options.voice?.maxRetries ?? null, options.offerCheck ?? true]);
  const known = explored.get(cacheKey);
  if (known) return known;
  const result = exploreGraph(q, options);
  if (explored.size >= MAX_EXPLORED) explored.delete(explored.keys().next().value!);
  explored.set(cacheKey, result);
  return result;
}

function sampleFacility(q: LoadedQuestionnaire): FacilityRef {
  return { code: KNOWN_CODE, name: LONGEST_FACILITY_NAME, type: q.definition.facilityTypes[0]!, district: 'district' };
}

function conversationInput(lang: string, options: WalkOptions): ConversationInput {
  return {
    languages: [lang],
    rememberedLanguage: lang,
    maxFacilityAttempts: options.maxFacilityAttempts ?? 3,
    maxRetries: options.voice?.maxRetries ?? null,
    offerCheck: options.offerCheck ?? true,
  };
}

function exploreGraph(q: LoadedQuestionnaire, options: WalkOptions): ExploredPaths {
  const facility = sampleFacility(q);
  const input = conversationInput(EXPLORING_LANGUAGE, options);
  // every answer a condition looks at, and every answer the concern rule looks at (so reports with and without a concern are both walked)
  const watched = new Set([...q.definition.questions.flatMap((x) => (x.showIf ? [x.showIf.question] : [])), ...q.concern.questions]);
  // a snapshot is serialized many times (as it is queued, reached and joined): once is enough
  const keys = new WeakMap<ConversationState, string>();
  const keyOf = (s: ConversationState) => {
    let key = keys.get(s);
    if (key === undefined) {
      const c = s.context;
      key = JSON.stringify([
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
      keys.set(s, key);
    }
    return key;
  };
  // xstate/graph hands back the very event objects given to it
  const kinds = new WeakMap<Event, EdgeKind>();
  const eventsAt = (s: Snapshot): Event[] => {
    const out: ConversationEvent[] = [];
    const add = (event: ConversationEvent, kind: EdgeKind) => {
      kinds.set(event, kind);
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

  const stuck: string[] = [];
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
    stuck.push(`the walk gave up: ${(e as Error).message} (more than ${MAX_STATES} states)`);
    return { screens: [], resumeAt: null, paths: 0, endings: {}, stuck };
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
    list.push({ to, kind: kinds.get(edge.event) ?? 'other' });
    next.set(from, list);
  }

  // the first state on each screen, in the order reached
  const screens: ConversationState[] = [];
  const seen = new Set<string>();
  for (const state of states.values()) {
    if (isTransient(state)) continue;
    // an ending shows no error line, whatever the context still holds
    const ending = state.status === 'done' || ['thanks', 'ended'].includes(screenOf(state).kind);
    const id = `${screenIdOf(state)}|${ending ? '' : (state.context.error?.key ?? '')}`;
    if (!seen.has(id)) {
      seen.add(id);
      screens.push({ value: state.value, context: state.context });
    }
  }
  const first = [...states.values()].find((s) => screenOf(s).kind === 'question' && s.context.path.length === 0 && s.context.error === null && !isTransient(s));

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
    if (!canEnd.has(key)) stuck.push(`${screenIdOf(state)} after ${state.context.path.join(' > ') || 'no answers'}: no ending can be reached`);
  }

  // forward paths from the first question to each ending
  let endings: Record<string, number> = {};
  if (first) {
    const memo = new Map<string, Record<string, number>>();
    const count = (key: string, trail: Set<string>): Record<string, number> => {
      const known = memo.get(key);
      if (known) return known;
      const state = states.get(key);
      if (!state) return {};
      if (state.status === 'done') return { [screenIdOf(state)]: 1 };
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
    endings = count(keyOf(first), new Set());
  }
  return { screens, resumeAt: first ? resumePointOf(first) : null, paths: Object.values(endings).reduce((a, b) => a + b, 0), endings, stuck };
}

function isTransient(s: Snapshot): boolean {
  const text = JSON.stringify(s.value);
  return text.includes('"checking"') || text.includes('"looking"') || s.value === 'starting' || s.value === 'resuming';
}
