/**
 * What a questionnaire text is, in words a programme officer reads: the key
 * `questions.wait.options.lt30m` is "Question 1 · Option 'Under 30 minutes'". Works on
 * drafts being edited (any shape): it only reads what is there, and falls back to the
 * question id or option code when a position or a wording is missing.
 */

type Source = {
  definition: unknown;
  texts: unknown;
  /** the language whose wording names an option (then any other language that has one) */
  lang: string;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function questionIds(definition: unknown): string[] {
  const qs = isObject(definition) && Array.isArray(definition.questions) ? definition.questions : [];
  return qs.map((q) => (isObject(q) && typeof q.id === 'string' ? q.id : ''));
}

/** The text at a dotted path in one language, if it is a string that is not empty. */
export function textIn(texts: unknown, lang: string, path: string): string | undefined {
  let node: unknown = isObject(texts) ? texts[lang] : undefined;
  for (const part of path.split('.')) node = isObject(node) ? node[part] : undefined;
  return typeof node === 'string' && node.trim() ? node : undefined;
}

/** The wording in the chosen language, else in the first language that has one. */
function wording(source: Source, path: string): string | undefined {
  const own = textIn(source.texts, source.lang, path);
  if (own) return own;
  if (!isObject(source.texts)) return undefined;
  for (const lang of Object.keys(source.texts)) {
    const other = textIn(source.texts, lang, path);
    if (other) return other;
  }
  return undefined;
}

const quoted = (text: string, max = 40) => `'${text.length > max ? `${text.slice(0, max - 1)}…` : text}'`;

/** "Question 2" by its place in the list; a question not in the list keeps its id. */
export function questionLabel(id: string, definition: unknown): string {
  const at = questionIds(definition).indexOf(id);
  return at >= 0 ? `Question ${at + 1}` : `Question '${id}' (not in the list)`;
}

/** "Option 'Under 30 minutes'" (its wording), or "Option 'lt30m'" while it has none. */
export function optionLabel(questionId: string, code: string, source: Source): string {
  return `Option ${quoted(wording(source, `questions.${questionId}.options.${code}`) ?? code)}`;
}

/** The label of a text key, e.g. "Question 2 · Option 'Under 30 minutes'". */
export function textKeyLabel(key: string, source: Source): string {
  if (key === 'title') return 'Title';
  if (key === 'intro') return 'Introduction';
  const option = /^questions\.([a-z][a-z0-9_]*)\.options\.([a-z][a-z0-9_]*)$/.exec(key);
  if (option) return `${questionLabel(option[1]!, source.definition)} · ${optionLabel(option[1]!, option[2]!, source)}`;
  const question = /^questions\.([a-z][a-z0-9_]*)\.text$/.exec(key);
  if (question) return `${questionLabel(question[1]!, source.definition)} · Wording`;
  const spoken = /^spoken\.(.+)$/.exec(key);
  if (spoken) return `Spoken on voice · ${textKeyLabel(spoken[1]!, source)}`;
  return key;
}
