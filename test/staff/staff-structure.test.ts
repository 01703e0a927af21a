import { describe, expect, it } from 'vitest';
import { applyStructureEdit, readStructureEdit } from '../../src/app/questionnaires/edit-draft-structure.js';
import { QUESTION_TYPES } from '../../src/engine/question-types/registry.js';

const def = () => ({
  id: 'clinic',
  facilityTypes: ['clinic'],
  questions: [
    { id: 'wait', type: 'choice', options: [{ code: 'short' }, { code: 'long', positive: true }] },
    { id: 'sat', type: 'rating', role: 'satisfaction' },
    { id: 'why', type: 'text', optional: true, showIf: { question: 'wait', anyOf: ['long'] } },
  ],
});
const ids = (r: ReturnType<typeof applyStructureEdit>) => (r.ok ? (r.definition.questions as Array<{ id: string }>).map((q) => q.id) : r.message);

describe('structure edits made with buttons', () => {
  it('reads which button was pressed', () => {
    expect(readStructureEdit({ op: 'remove-option:wait/short' })).toEqual({ op: 'remove-option', question: 'wait', code: 'short' });
    expect(readStructureEdit({ op: 'add-option:wait', new_option_wait: ' mid ' })).toEqual({ op: 'add-option', question: 'wait', code: 'mid' });
    expect(readStructureEdit({ op: 'add', new_id: 'age', new_type: 'choice', new_options: 'young, old', new_optional: 'on' })).toEqual({
      op: 'add',
      id: 'age',
      type: 'choice',
      optional: true,
      options: ['young', 'old'],
    });
    expect(readStructureEdit({ op: 'explode' })).toEqual({ error: 'unknown change' });
  });

  it('adds, moves, removes and toggles questions and options, keeping every other field', () => {
    expect(ids(applyStructureEdit(def(), { op: 'add', id: 'age', type: 'choice', optional: true, options: ['young', 'old'] }))).toEqual(['wait', 'sat', 'why', 'age']);
    expect(ids(applyStructureEdit(def(), { op: 'up', question: 'sat' }))).toEqual(['sat', 'wait', 'why']);
    expect(ids(applyStructureEdit(def(), { op: 'up', question: 'wait' }))).toEqual(['wait', 'sat', 'why']);
    expect(ids(applyStructureEdit(def(), { op: 'down', question: 'sat' }))).toEqual(['wait', 'why', 'sat']);
    expect(ids(applyStructureEdit(def(), { op: 'remove', question: 'sat' }))).toEqual(['wait', 'why']);
    const toggled = applyStructureEdit(def(), { op: 'optional', question: 'sat' });
    expect(toggled.ok && toggled.definition.questions).toContainEqual({ id: 'sat', type: 'rating', role: 'satisfaction', optional: true });
    const added = applyStructureEdit(def(), { op: 'add-option', question: 'wait', code: 'mid' });
    expect(added.ok && (added.definition.questions as Array<{ options?: unknown }>)[0]!.options).toEqual([{ code: 'short' }, { code: 'long', positive: true }, { code: 'mid' }]);
    const removed = applyStructureEdit(def(), { op: 'remove-option', question: 'wait', code: 'short' });
    expect(removed.ok && (removed.definition.questions as Array<{ options?: unknown }>)[0]!.options).toEqual([{ code: 'long', positive: true }]);
  });

  it('moves an option up and down, and offers exactly the types the engine registers', () => {
    const opts = (r: ReturnType<typeof applyStructureEdit>) => (r.ok ? ((r.definition.questions as Array<{ options?: Array<{ code: string }> }>)[0]!.options ?? []).map((o) => o.code) : r.message);
    expect(opts(applyStructureEdit(def(), { op: 'option-down', question: 'wait', code: 'short' }))).toEqual(['long', 'short']);
    expect(opts(applyStructureEdit(def(), { op: 'option-up', question: 'wait', code: 'long' }))).toEqual(['long', 'short']);
    expect(opts(applyStructureEdit(def(), { op: 'option-up', question: 'wait', code: 'short' }))).toEqual(['short', 'long']);
    expect(opts(applyStructureEdit(def(), { op: 'option-up', question: 'wait', code: 'mid' }))).toBe('"wait" has no option "mid"');
    expect(readStructureEdit({ op: 'option-down:wait/short' })).toEqual({ op: 'option-down', question: 'wait', code: 'short' });
    for (const t of QUESTION_TYPES) expect(readStructureEdit({ op: 'add', new_id: 'x', new_type: t.type })).toMatchObject({ op: 'add', type: t.type });
    expect(readStructureEdit({ op: 'add', new_id: 'x', new_type: 'slider' })).toEqual({ error: 'choose the type of the new question' });
    // a new question starts with its type's own editor defaults
    const added = applyStructureEdit(def(), { op: 'add', id: 'count', type: 'number', optional: false, options: [] });
    expect(added.ok && (added.definition.questions as unknown[])[3]).toEqual({ id: 'count', type: 'number', optional: false, ...QUESTION_TYPES.find((t) => t.type === 'number')!.editorDefaults() });
  });

  it('says what is wrong instead of breaking the questionnaire', () => {
    expect(ids(applyStructureEdit(def(), { op: 'remove', question: 'wait' }))).toBe('"why" is shown depending on "wait"; change that first');
    expect(ids(applyStructureEdit(def(), { op: 'add', id: 'sat', type: 'rating', optional: false, options: [] }))).toBe('there is already a question "sat"');
    expect(ids(applyStructureEdit(def(), { op: 'add', id: 'Bad', type: 'rating', optional: false, options: [] }))).toMatch(/lower-case/);
    expect(ids(applyStructureEdit(def(), { op: 'add', id: 'pick', type: 'choice', optional: false, options: ['one'] }))).toBe('a choice question needs at least two option codes');
    expect(ids(applyStructureEdit(def(), { op: 'add-option', question: 'wait', code: 'short' }))).toBe('"wait" already has option "short"');
    expect(ids(applyStructureEdit(def(), { op: 'add-option', question: 'sat', code: 'x' }))).toBe('"sat" has no options');
    expect(ids(applyStructureEdit(def(), { op: 'up', question: 'nope' }))).toBe('there is no question "nope"');
    expect(ids(applyStructureEdit('not json', { op: 'up', question: 'wait' }))).toMatch(/fix it by hand/);
  });
});
