import { describe, expect, it } from 'vitest';
import { content, shipped } from '../support/engine.js';

/**
 * A question that applies only to some visitors ("If you reported a case, …") must let the
 * others say so, as the clinic's medicines question has "Needed none": a required Yes/No makes
 * them guess and distorts the figure.
 */
describe.each(content.flows.map((f) => f.id))('shipped questionnaire "%s"', (id) => {
  it('has no conditional question that only Yes or No can answer', () => {
    const q = shipped(id);
    for (const question of q.definition.questions) {
      const text = q.texts.en?.questions[question.id]?.text ?? '';
      if (/^if\b/i.test(text)) expect(question.type, `${question.id}: "${text}"`).not.toBe('yesno');
    }
  });
});

describe('the police case-number question', () => {
  it('offers "I did not report a case", which is not a favourable answer', () => {
    const question = shipped('police').definition.questions.find((x) => x.id === 'case_number');
    expect(question?.type).toBe('choice');
    if (question?.type !== 'choice') return;
    expect(question.options.map((o) => [o.code, o.positive ?? false])).toEqual([
      ['yes', true],
      ['no', false],
      ['not_reported', false],
    ]);
    expect(shipped('police').texts.en?.questions.case_number?.options?.not_reported).toBe('I did not report a case');
  });
});
