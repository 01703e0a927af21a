import { describe, expect, it } from 'vitest';
import { loadCaseTexts } from '../../src/app/cases/case-texts.js';
import { managerMenuSample } from '../../src/app/cases/manager-cases.js';
import { validateQuestionnaire } from '../../src/app/questionnaires/validate-questionnaire.js';
import { layout } from '../../src/channels/ussd/render.js';
import { startManagerMenu, stepManagerMenu, type ManagedCase, type ManagerMenuEvent, type ManagerMenuState, type ManagerMenuStep } from '../../src/engine/manager-menu.js';
import { managerPromptFor } from '../../src/engine/manager-prompt.js';
import { walkManagerMenu } from '../../src/engine/manager-walk.js';
import { LONGEST_FACILITY_NAME } from '../../src/engine/walk.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { content, LANGUAGES, shipped, systemTexts } from '../support/engine.js';

/**
 * The facility manager's menu as a machine: its state is reloaded from JSON before every step,
 * as a USSD hop does; what the manager decides leaves as one effect; and its path walk covers
 * every screen, in every language, with every shipped questionnaire's concerns and actions.
 */

const caseTexts = loadCaseTexts(PROJECT_ROOT);
const INPUT = { lang: 'en', actor: 'Peter Mokoena (manager)', facilities: ['1002'] };
const actions = [
  { code: 'spoke_to_staff', label: 'Spoke to the staff concerned' },
  { code: 'other', label: 'Other action' },
];
const CASES: ManagedCase[] = [
  { reference: 'K7M3-P9QX-AB', facility: 'Market Street Clinic', problem: 'Long wait', status: 'open', actions },
  { reference: 'AB12-CD34-EF', facility: 'Market Street Clinic', problem: 'No medicine', status: 'acknowledged', actions },
];

/** One step from the stored JSON, as the next hop would take it. */
function step(from: ManagerMenuStep, event: ManagerMenuEvent): ManagerMenuStep {
  const stored = JSON.parse(JSON.stringify(from.state)) as ManagerMenuState;
  return stepManagerMenu(stored, event);
}
const screen = (s: ManagerMenuStep) => managerPromptFor(s.state, systemTexts);

describe("the manager's menu machine", () => {
  it('asks for the cases first, and ends at once when there are none', () => {
    const started = startManagerMenu(INPUT);
    expect(started.effects).toEqual([{ type: 'lookupManagerCases' }]);
    const none = step(started, { type: 'MANAGER_CASES', cases: [], more: 0 });
    expect(none.done).toBe(true);
    expect(screen(none)).toMatchObject({ id: 'end:manager.end.no_cases', kind: 'end' });
  });

  it('records action taken with what was done and a note as one effect, only at the end', () => {
    let s = step(startManagerMenu(INPUT), { type: 'MANAGER_CASES', cases: CASES, more: 0 });
    expect(screen(s).options.map((o) => o.label.text)).toEqual(['K7M3-P9QX-AB Long wait', 'AB12-CD34-EF No medicine']);
    s = step(s, { type: 'ANSWER', text: '2' });
    // an acknowledged case offers what is left
    expect(screen(s).options.map((o) => o.value)).toEqual(['action_taken', 'refer']);
    s = step(s, { type: 'ANSWER', text: '1' });
    expect(s.effects).toEqual([]);
    s = step(s, { type: 'ANSWER', text: '2' });
    expect(screen(s).id).toBe('manager:note');
    s = step(s, { type: 'ANSWER', text: '  Ordered from the depot  ' });
    expect(s.done).toBe(true);
    expect(s.effects).toEqual([{ type: 'caseActed', reference: 'AB12-CD34-EF', event: 'action_taken', actionCode: 'other', note: 'Ordered from the depot' }]);
  });

  it('refuses a note with a phone number, or one too long, and stays on the note', () => {
    let s = step(startManagerMenu(INPUT), { type: 'MANAGER_CASES', cases: CASES, more: 0 });
    s = step(step(s, { type: 'ANSWER', text: '1' }), { type: 'ANSWER', text: '3' });
    expect(screen(s).body[0]!.key).toBe('system.manager.note.refer');
    const withNumber = step(s, { type: 'ANSWER', text: 'ring +27 82 000 0102' });
    expect(withNumber.effects).toEqual([]);
    expect(screen(withNumber).error?.key).toBe('system.manager.error.note_number');
    const tooLong = step(s, { type: 'ANSWER', text: 'x'.repeat(141) });
    expect(screen(tooLong).error?.text).toBe('Too long: use at most 140 characters.');
    const skipped = step(withNumber, { type: 'SKIP' });
    expect(skipped.effects).toEqual([{ type: 'caseActed', reference: 'K7M3-P9QX-AB', event: 'refer', actionCode: null, note: null }]);
  });

  it('goes back from the note to what was done, to the case, to the list', () => {
    let s = step(startManagerMenu(INPUT), { type: 'MANAGER_CASES', cases: CASES, more: 0 });
    for (const text of ['1', '2', '1']) s = step(s, { type: 'ANSWER', text });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      s = step(s, { type: 'BACK' });
      ids.push(screen(s).id);
    }
    expect(ids).toEqual(['manager:action', 'manager:case', 'manager:cases']);
    expect(s.state.context.selected).toBeNull();
  });
});

describe("the manager's PIN", () => {
  const WITH_PIN = { ...INPUT, pinRequired: true };

  it('asks whether the number has a PIN first, never for the cases, and ends without one or when locked out', () => {
    const started = startManagerMenu(WITH_PIN);
    expect(started.effects).toEqual([{ type: 'lookupManagerPin' }]);
    expect(step(started, { type: 'MANAGER_CASES', cases: CASES, more: 0 }).state.value, 'cases do not jump the PIN').toBe('pinLookup');
    const unset = step(started, { type: 'MANAGER_PIN', status: 'unset' });
    expect(unset.done).toBe(true);
    expect(screen(unset)).toMatchObject({ id: 'end:manager.end.pin_unset', kind: 'end' });
    expect(screen(step(started, { type: 'MANAGER_PIN', status: 'locked' })).id).toBe('end:manager.end.pin_locked');
  });

  it('asks for the PIN, keeps nothing of what was typed, and opens the menu on the right one', () => {
    const asked = step(startManagerMenu(WITH_PIN), { type: 'MANAGER_PIN', status: 'set' });
    expect(screen(asked)).toMatchObject({ id: 'manager:pin', kind: 'input', body: [{ text: 'Enter your PIN:' }] });
    const typed = step(asked, { type: 'ANSWER', text: '482913' });
    expect(typed.effects).toEqual([{ type: 'checkManagerPin' }]);
    expect(JSON.stringify(typed.state)).not.toContain('482913');
    const right = step(typed, { type: 'PIN_CHECKED', outcome: 'right' });
    expect(right.effects).toEqual([{ type: 'lookupManagerCases' }]);
    expect(screen(step(right, { type: 'MANAGER_CASES', cases: CASES, more: 0 })).id).toBe('manager:cases');
  });

  it('says how many tries are left, ends on the third wrong PIN, and at once when the number is locked out', () => {
    let s = step(startManagerMenu(WITH_PIN), { type: 'MANAGER_PIN', status: 'set' });
    const wrong = (from: ManagerMenuStep) => step(step(from, { type: 'ANSWER', text: '1111' }), { type: 'PIN_CHECKED', outcome: 'wrong' });
    s = wrong(s);
    expect(screen(s).error?.text).toBe('Wrong PIN. 2 tries left.');
    expect(screen(step(step(s, { type: 'ANSWER', text: '1111' }), { type: 'PIN_CHECKED', outcome: 'wrong', lockIn: 1 })).error?.text, 'the lock-out comes first').toBe('Wrong PIN. 1 try left.');
    s = wrong(s);
    expect(screen(s).error?.text).toBe('Wrong PIN. 1 try left.');
    const locked = step(step(s, { type: 'ANSWER', text: '1111' }), { type: 'PIN_CHECKED', outcome: 'locked' });
    expect(screen(locked).id).toBe('end:manager.end.pin_locked');
    s = wrong(s);
    expect(s.done).toBe(true);
    expect(s.effects).toEqual([]);
    expect(screen(s).id).toBe('end:manager.end.pin_wrong');
  });

  it('starts on the cases, as before, when no PIN is required', () => {
    expect(startManagerMenu({ ...INPUT, pinRequired: false })).toStrictEqual(startManagerMenu(INPUT));
    expect(startManagerMenu(INPUT).state.value).toBe('loading');
  });
});

describe("the manager's menu walk", () => {
  it.each(LANGUAGES)('reaches every screen and ending in %s, and every screen fits a USSD screen', (lang) => {
    for (const flow of content.flows) {
      const q = shipped(flow.id);
      const walk = walkManagerMenu(lang, systemTexts, managerMenuSample(q, lang, caseTexts, 'en', LONGEST_FACILITY_NAME));
      expect(walk.stuck).toEqual([]);
      const ids = new Set(walk.screens.map((p) => p.id));
      for (const id of [
        'manager:pin',
        'end:manager.end.pin_unset',
        'end:manager.end.pin_wrong',
        'end:manager.end.pin_locked',
        'manager:cases',
        'manager:case',
        'manager:action',
        'manager:note',
        'end:manager.end.recorded',
        'end:manager.end.no_cases',
      ])
        expect(ids, `${flow.id} ${lang}`).toContain(id);
      for (const p of walk.screens) expect(layout(p, 182).fits, `${flow.id} ${lang} ${p.id}`).toBe(true);
      // every screen is in the language walked, none falls back to a key
      for (const p of walk.screens) for (const line of [...p.body, ...(p.error ? [p.error] : [])]) expect(line.text).not.toMatch(/^manager\./);
      // the PIN screen with each number of tries left
      expect(walk.screens.filter((p) => p.id === 'manager:pin').map((p) => p.error?.key ?? null)).toEqual([null, 'system.manager.pin.wrong', 'system.manager.pin.wrong']);
    }
  });

  it('makes publishing refuse a questionnaire whose action would not fit the menu, naming the menu and the language', () => {
    const q = shipped('clinic');
    const long = 'An action described at such length that no phone screen could ever show it with its number in front of it and the rest';
    const texts = { ...caseTexts, sw: { ...caseTexts.sw!, texts: { ...caseTexts.sw!.texts, 'action.spoke_to_staff': long } } };
    const report = validateQuestionnaire({ definition: q.definition, texts: q.texts }, { languages: LANGUAGES, systemTexts, screenLimit: 182, caseTexts: texts });
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([expect.objectContaining({ where: "the manager's menu, action screen", lang: 'sw' })]);
    expect(validateQuestionnaire({ definition: q.definition, texts: q.texts }, { languages: LANGUAGES, systemTexts, screenLimit: 182, caseTexts }).ok).toBe(true);
  });
});
