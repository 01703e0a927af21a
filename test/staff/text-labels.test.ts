import { describe, expect, it } from 'vitest';
import { textKeyLabel } from '../../src/app/questionnaires/text-labels.js';

const definition = { id: 'clinic', questions: [{ id: 'staff' }, { id: 'wait', options: [{ code: 'lt30m' }, { code: 'gt4h' }] }] };
const texts = { en: { questions: { wait: { text: 'How long?', options: { lt30m: 'Under 30 minutes' } } } }, zu: { questions: { wait: { options: { gt4h: 'Ngaphezu kwamahora 4' } } } } };

describe('what a text key is, in words', () => {
  it('names a text by its question and option wording', () => {
    const label = (key: string, lang = 'en') => textKeyLabel(key, { definition, texts, lang });
    expect(label('questions.wait.options.lt30m')).toBe("Question 2 · Option 'Under 30 minutes'");
    expect(label('questions.wait.text')).toBe('Question 2 · Wording');
    expect(label('questions.staff.text')).toBe('Question 1 · Wording');
    // no English wording yet: another language's, then the code
    expect(label('questions.wait.options.gt4h')).toBe("Question 2 · Option 'Ngaphezu kwamahora 4'");
    expect(textKeyLabel('questions.wait.options.gt4h', { definition, texts: {}, lang: 'en' })).toBe("Question 2 · Option 'gt4h'");
    expect(label('questions.gone.text')).toBe("Question 'gone' (not in the list) · Wording");
    expect(label('title')).toBe('Title');
    expect(label('spoken.questions.wait.text')).toBe('Spoken on voice · Question 2 · Wording');
  });
});
