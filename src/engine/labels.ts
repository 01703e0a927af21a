import { inLanguageOrDefault } from '../text/messages.js';
import type { AnswerValue, Question } from './definition.js';
import type { SystemTextSource } from './prompt.js';
import { questionType } from './question-types/registry.js';
import { lookupPath, type QuestionnaireTexts } from './texts.js';

/** How an export or a staff page names a stored answer: its type decides, in `lang` or the default language. */
export function exportLabelFor(q: Question, value: AnswerValue, texts: Record<string, QuestionnaireTexts>, lang: string, system: SystemTextSource): string {
  return questionType(q).exportLabel(q, value, {
    question: (path) => inLanguageOrDefault(lang, system.defaultLanguage, (l) => lookupPath(texts[l], `questions.${q.id}.${path}`))?.text,
    system: (key) => system.system(lang, key).text,
  });
}
