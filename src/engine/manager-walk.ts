import type { AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';
import { adjacencyMapToArray, getAdjacencyMap } from 'xstate/graph';
import { MANAGER_MENU, managerEventsFor, managerScreenOf, type ManagedCase, type ManagerMenuEvent, type ManagerMenuInput, type ManagerMenuState } from './manager-menu.js';
import { managerPromptFor } from './manager-prompt.js';
import type { Prompt, SystemTextSource } from './prompt.js';
import type { CaseStatus } from './cases/case-machine.js';

/**
 * Walks the manager's menu over its own graph (xstate/graph), as walk.ts walks the citizen's
 * conversation: with a PIN required (no PIN set, locked out, a right PIN, wrong ones up to the
 * last try), with the cases the registry could answer (none; one in each status a manager
 * acts on, the first carrying the longest texts), every key that moves it, a wrong key, a
 * refused note, skipping and going back. Returns every distinct screen and any state from
 * which no ending can be reached, so a check can see that every screen fits in every language.
 */

export type ManagerWalkSample = {
  /** the longest facility name a registry may hold */
  facility: string;
  /** the longest concern in words, in the language walked */
  problem: string;
  /** what a manager can say was done, in the language walked */
  actions: Array<{ code: string; label: string }>;
};

export type ManagerWalkResult = { lang: string; screens: Prompt[]; stuck: string[] };

const STATUSES: CaseStatus[] = ['open', 'acknowledged', 'reopened', 'escalated'];
const REFERENCE = 'XXXX-XXXX-X';

type Snapshot = SnapshotFrom<typeof MANAGER_MENU>;
type Event = EventFromLogic<typeof MANAGER_MENU>;

export function walkManagerMenu(lang: string, texts: SystemTextSource, sample: ManagerWalkSample): ManagerWalkResult {
  const cases: ManagedCase[] = STATUSES.map((status, i) => ({ reference: `${REFERENCE}${i}`, facility: sample.facility, problem: sample.problem, status, actions: sample.actions }));
  // with a PIN required every screen is reachable: the PIN's own, then the menu's as without one
  const input: ManagerMenuInput = { lang, actor: 'manager', facilities: ['99999999'], pinRequired: true };
  const keyOf = (s: Snapshot) =>
    JSON.stringify([s.value, s.context.pinTries, s.context.cases?.length ?? null, s.context.selected, s.context.event, s.context.actionCode, s.context.error, s.context.end]);
  const eventsAt = (s: Snapshot): Event[] => {
    const state = asState(s);
    const out: ManagerMenuEvent[] = [];
    switch (managerScreenOf(state)) {
      case 'pinLookup':
        out.push({ type: 'MANAGER_PIN', status: 'unset' }, { type: 'MANAGER_PIN', status: 'locked' }, { type: 'MANAGER_PIN', status: 'set' });
        break;
      case 'pin':
        out.push({ type: 'ANSWER', text: '0000' });
        break;
      case 'pinCheck':
        out.push({ type: 'PIN_CHECKED', outcome: 'wrong' }, { type: 'PIN_CHECKED', outcome: 'locked' }, { type: 'PIN_CHECKED', outcome: 'right' });
        break;
      case 'loading':
        out.push({ type: 'MANAGER_CASES', cases: [], more: 0 }, { type: 'MANAGER_CASES', cases, more: 1 });
        break;
      case 'cases':
        for (let n = 1; n <= cases.length; n++) out.push({ type: 'ANSWER', text: String(n) });
        out.push({ type: 'ANSWER', text: '99' });
        break;
      case 'case': {
        const selected = cases.find((c) => c.reference === s.context.selected);
        const offered = selected ? managerEventsFor(selected.status).length : 0;
        for (let n = 1; n <= offered; n++) out.push({ type: 'ANSWER', text: String(n) });
        out.push({ type: 'ANSWER', text: '99' }, { type: 'BACK' });
        break;
      }
      case 'action':
        for (let n = 1; n <= sample.actions.length; n++) out.push({ type: 'ANSWER', text: String(n) });
        out.push({ type: 'ANSWER', text: '99' }, { type: 'BACK' });
        break;
      case 'note':
        out.push({ type: 'ANSWER', text: 'Spoke to the team' }, { type: 'ANSWER', text: '0821234567' }, { type: 'SKIP' }, { type: 'BACK' });
        break;
      case 'ended':
        break;
    }
    return out;
  };
  // xstate/graph types its logic without emitted events; the machine is widened, not cast
  const logic: AnyStateMachine = MANAGER_MENU;
  const edges = adjacencyMapToArray<Snapshot, Event>(getAdjacencyMap(logic, { input, events: eventsAt, serializeState: (s: Snapshot) => keyOf(s), serializeEvent: (e: Event) => JSON.stringify(e) }));

  const states = new Map<string, Snapshot>();
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const from = keyOf(edge.state);
    const to = keyOf(edge.nextState);
    states.set(from, edge.state);
    states.set(to, edge.nextState);
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const result: ManagerWalkResult = { lang, screens: [], stuck: [] };
  const seen = new Set<string>();
  for (const s of states.values()) {
    // the lookups and the PIN's check answer within the hop: no screen is shown there
    if (['pinLookup', 'pinCheck', 'loading'].includes(managerScreenOf(asState(s)))) continue;
    const prompt = managerPromptFor(asState(s), texts);
    const id = `${prompt.id}|${prompt.error?.key ?? ''}|${prompt.error?.text ?? ''}|${s.context.selected ?? ''}`;
    if (!seen.has(id)) {
      seen.add(id);
      result.screens.push(prompt);
    }
  }
  const canEnd = new Set([...states].filter(([, s]) => s.status === 'done').map(([k]) => k));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [key, out] of next) {
      if (!canEnd.has(key) && out.some((to) => canEnd.has(to))) {
        canEnd.add(key);
        changed = true;
      }
    }
  }
  for (const [key, s] of states) if (!canEnd.has(key)) result.stuck.push(`the manager's ${managerScreenOf(asState(s))} screen: no ending can be reached`);
  return result;
}

function asState(s: Snapshot): ManagerMenuState {
  return { machine: 'manager', value: s.value, context: s.context };
}
