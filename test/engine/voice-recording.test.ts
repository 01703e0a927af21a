import { describe, expect, it } from 'vitest';
import { step } from '../../src/engine/session.js';
import { factsFor, fixture, run } from '../support/engine.js';

/** The engine's one voice addition: a spoken answer to a free-text question, stored as its URL. */
describe('a recording as a free-text answer', () => {
  const q = fixture();
  const facts = factsFor(q, { languages: ['en'] });
  // yes, 2 visits, service "other": the optional free-text question (maxLength 40)
  const atText = run(['1001', '1', '1', '2', '3'], facts).at(-1)!;

  it('stores the recording URL, even when it is longer than the typed-text limit', () => {
    expect(atText.prompt.question).toMatchObject({ id: 'other_detail', type: 'text' });
    const url = 'https://voice.africastalking.com/recordings/3f1c9a2e-8b7d-4c1e-9f0a-5d6b7c8e9f01.mp3';
    expect(url.length).toBeGreaterThan(40);
    const r = step(atText.state, { type: 'recording', url }, facts);
    expect(r.effects).toContainEqual({ type: 'answerRecorded', questionId: 'other_detail', value: url, at: facts.now });
    expect(r.prompt.question?.id).toBe('referred_to');
  });

  it('refuses what is not an https URL, with the text error line', () => {
    for (const url of ['http://example.org/a.mp3', 'javascript:alert(1)', 'https://', 'https://user@example.org/a', '']) {
      const r = step(atText.state, { type: 'recording', url }, facts);
      expect(r.effects, url).toEqual([]);
      expect(r.prompt.error?.key, url).toBe('system.error.text_empty');
    }
  });

  it('is ignored on a question that is not free text', () => {
    const atChoice = run(['1001', '1', '1', '2'], facts).at(-1)!;
    const r = step(atChoice.state, { type: 'recording', url: 'https://example.org/a.mp3' }, facts);
    expect(r.effects).toEqual([]);
    expect(r.prompt.id).toBe(atChoice.prompt.id);
  });
});
