import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Question, QuestionnaireDefinition } from '../../src/engine/definition.js';
import type { FormText } from '../../src/engine/question-types/question-type.js';
import { QUESTION_TYPES, questionType } from '../../src/engine/question-types/registry.js';
import { prepareQuestionnaire } from '../../src/engine/conversation.js';
import { promptFor } from '../../src/engine/prompt.js';
import { exportLabelFor } from '../../src/engine/labels.js';
import { content, run, systemTexts } from '../support/engine.js';

/**
 * Every registered question type has its case table (question-types/<type>.json, as goflow
 * keeps testdata beside each action), and every table holds: a valid question, parse cases,
 * export labels, invalid definitions. A registered type without one fails here, as does one
 * that lacks a part (parsing, prompt, listening, export label, the exchange formats, editor
 * defaults, texts, walk inputs) or whose formats disagree with its answers.
 */

const Case = z.object({
  question: z.record(z.string(), z.unknown()),
  texts: z.object({ text: z.string(), options: z.record(z.string(), z.string()).optional() }),
  parse: z.array(z.union([z.object({ input: z.string(), value: z.union([z.string(), z.number()]) }), z.object({ input: z.string(), error: z.string() })])).min(2),
  labels: z.array(z.object({ value: z.union([z.string(), z.number()]), label: z.string() })).min(1),
  invalid: z.array(z.record(z.string(), z.unknown())).min(1),
});

/** What each registered type must hold: its behaviour, */
const PARTS = ['check', 'answerCodes', 'parse', 'options', 'exportLabel', 'flowResults', 'floipBlock', 'xlsFormRow', 'editorDefaults', 'textKeys', 'walkInputs'] as const;
/** and its facts. */
const PROPERTIES = ['type', 'label', 'schema', 'takesRecording', 'lookup', 'listening', 'systemKeys'] as const;

const tableOf = (type: string) => join(import.meta.dirname, 'question-types', `${type}.json`);

describe.each(QUESTION_TYPES.map((t) => t.type))('question type "%s"', (name) => {
  const type = QUESTION_TYPES.find((t) => t.type === name)!;
  it('has a case table', () => {
    expect(existsSync(tableOf(name)), `test/engine/question-types/${name}.json`).toBe(true);
  });
  if (!existsSync(tableOf(name))) return;
  const table = Case.parse(JSON.parse(readFileSync(tableOf(name), 'utf8')));
  const question = Question.parse(table.question);

  it('reads answers as its table says', () => {
    for (const c of table.parse) {
      const r = questionType(question).parse(question, c.input);
      if ('value' in c) expect(r, JSON.stringify(c.input)).toEqual({ ok: true, value: c.value });
      else expect(r.ok ? null : r.error.key, JSON.stringify(c.input)).toBe(c.error);
    }
  });

  it('labels stored answers for exports', () => {
    const texts = { en: { title: 't', intro: 'i', questions: { [question.id]: table.texts } } };
    for (const l of table.labels) expect(exportLabelFor(question, l.value, texts, 'en', systemTexts)).toBe(l.label);
  });

  it('refuses the definitions its table calls invalid', () => {
    for (const bad of table.invalid) {
      const r = QuestionnaireDefinition.safeParse({ id: 'x', facilityTypes: ['clinic'], questions: [bad] });
      expect(r.success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('has every part a question type holds', () => {
    for (const part of PARTS) expect(typeof type[part], `${name}.${part}`).toBe('function');
    for (const property of PROPERTIES) expect(type[property], `${name}.${property}`).toBeDefined();
  });

  it('describes the same answers and texts in every exchange format (Flow Results, FLOIP, XLSForm)', () => {
    const own = questionType(question);
    const codes = own.answerCodes(question)?.map(String);
    const textKeys = own.textKeys(question);
    const named = (text: FormText) => ('system' in text ? own.systemKeys.includes(text.system) : textKeys.includes(text.question));

    const results = own.flowResults(question);
    if (results.type === 'select_one') expect(results.type_options.choices).toEqual(codes);
    if (results.type === 'numeric' && codes) expect(results.type_options.range).toEqual([codes[0], codes.at(-1)].map(Number));

    const block = own.floipBlock(question);
    expect(block.type).toMatch(/^MobilePrimitives\.\w+Response$/);
    // a menu offers its choices, and every choice shows a text the type names
    expect(block.choices !== undefined, 'FLOIP choices for a menu').toBe(own.listening.ussd === 'menu');
    if (block.choices) {
      expect(block.choices.map((c) => c.name)).toEqual(codes);
      for (const c of block.choices) expect(named(c.prompt), JSON.stringify(c.prompt)).toBe(true);
    }

    const row = own.xlsFormRow(question);
    expect(row.type).toMatch(/^[a-z_]+$/);
    if (row.list) {
      expect(row.list.choices.map((c) => c.code)).toEqual(codes);
      for (const c of row.list.choices) if (c.text !== null) expect(textKeys, c.text).toContain(c.text);
    }
  });

  it('starts a new question in the editor with a valid definition', () => {
    const fresh = { id: 'fresh', type: name, ...type.editorDefaults() };
    expect(Question.safeParse(fresh).success, JSON.stringify(fresh)).toBe(true);
    expect(type.label.length).toBeGreaterThan(3);
  });

  it('names texts that every shipped language has, and the walk inputs it offers work', () => {
    for (const [lang, locale] of Object.entries(content.locales)) for (const key of type.systemKeys) expect(locale.system[key], `${lang}: ${key}`).toBeTruthy();
    const own = questionType(question);
    for (const key of own.textKeys(question)) expect(key === 'text' || key.startsWith('options.'), key).toBe(true);
    const inputs = own.walkInputs(question, true);
    for (const input of inputs.route) expect(own.parse(question, input).ok, input).toBe(true);
    // a wrong input is refused by the type, or (for a code looked up) is not one the walk treats as known
    if (own.lookup === null) expect(own.parse(question, inputs.wrong).ok, inputs.wrong).toBe(false);
    else expect(inputs.route).not.toContain(inputs.wrong);
  });

  it('runs in a conversation: its screen listens as it says and an answer from its table is recorded', () => {
    const definition = QuestionnaireDefinition.parse({ id: 'one', facilityTypes: ['clinic'], questions: [question] });
    const q = prepareQuestionnaire({ id: 'one', version: 1, definition, texts: { en: { title: 't', intro: 'For {facility}', questions: { [question.id]: table.texts } } } });
    const good = table.parse.find((c) => 'value' in c)!;
    const turns = run(q, ['1001', '1', good.input], { input: { languages: ['en'] } });
    expect(turns[2]!.prompt.listen).toEqual(type.listening);
    expect(promptFor(turns[2]!.state, { questionnaire: q, texts: systemTexts }).id).toBe(`q:${question.id}`);
    expect(turns[3]!.effects).toContainEqual({ type: 'answerRecorded', questionId: question.id, value: 'value' in good ? good.value : null });
  });
});

it('the registry lists each type once, and the definition schema accepts exactly those', () => {
  const names = QUESTION_TYPES.map((t) => t.type);
  expect(new Set(names).size).toBe(names.length);
  for (const name of names) expect(Question.safeParse({ id: 'a', type: name, ...QUESTION_TYPES.find((t) => t.type === name)!.editorDefaults() }).success).toBe(true);
});
