import { describe, expect, it } from 'vitest';
import { Conversation, fixture } from '../support/engine.js';

/** The machine's one voice addition to answers: a spoken answer to a free-text question, stored as its URL. */
describe('a recording as a free-text answer', () => {
  const q = fixture();
  // yes, 2 visits, service "other": the optional free-text question (maxLength 40)
  const atText = () => {
    const c = new Conversation(q);
    c.start({ languages: ['en'] });
    for (const input of ['1001', '1', '1', '2', '3']) c.send(input);
    return c;
  };

  it('stores the recording URL, even when it is longer than the typed-text limit', () => {
    const c = atText();
    expect(c.send({ type: 'REPEAT' }).prompt.question).toMatchObject({ id: 'other_detail', type: 'text' });
    const url = 'https://voice.africastalking.com/recordings/3f1c9a2e-8b7d-4c1e-9f0a-5d6b7c8e9f01.mp3';
    expect(url.length).toBeGreaterThan(40);
    const r = c.send({ type: 'RECORDING', url });
    expect(r.effects).toContainEqual({ type: 'answerRecorded', questionId: 'other_detail', value: url });
    expect(r.prompt.question?.id).toBe('referred_to');
  });

  it('refuses what is not an https URL, with the text error line', () => {
    for (const url of ['http://example.org/a.mp3', 'javascript:alert(1)', 'https://', 'https://user@example.org/a', '']) {
      const r = atText().send({ type: 'RECORDING', url });
      expect(r.effects, url).toEqual([]);
      expect(r.prompt.error?.key, url).toBe('system.error.text_empty');
    }
  });

  it('is ignored on a question that is not free text', () => {
    const c = new Conversation(q);
    c.start({ languages: ['en'] });
    for (const input of ['1001', '1', '1', '2']) c.send(input);
    const r = c.send({ type: 'RECORDING', url: 'https://example.org/a.mp3' });
    expect(r.effects).toEqual([]);
    expect(r.prompt.id).toBe('q:service');
  });
});
