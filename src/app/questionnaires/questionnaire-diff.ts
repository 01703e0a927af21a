import { optionLabel, questionLabel, textIn, textKeyLabel } from './text-labels.js';

/**
 * What changed between two versions of a questionnaire (or a version and a draft): the
 * definition, keyed by question id and option code rather than position, and every text
 * in every language. Works on unvalidated drafts too: it only reads what is there.
 */
export type DiffEntry = {
  area: 'definition' | 'text';
  /** e.g. `question "wait" optional`, `questions.wait.options.lt30m` */
  path: string;
  lang?: string;
  change: 'added' | 'removed' | 'changed';
  before: string | null;
  after: string | null;
};

type Side = { definition: unknown; texts: unknown };
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

export function flattenDefinition(definition: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (!isObject(definition)) return out;
  for (const [k, v] of Object.entries(definition)) if (k !== 'questions') out.set(k, show(v));
  const questions = Array.isArray(definition.questions) ? definition.questions : [];
  out.set('question order', questions.map((q) => (isObject(q) ? String(q.id) : '?')).join(', '));
  questions.forEach((q, i) => {
    if (!isObject(q)) return;
    const name = typeof q.id === 'string' ? `question "${q.id}"` : `question ${i + 1}`;
    for (const [k, v] of Object.entries(q)) {
      if (k === 'id') continue;
      if (k === 'options' && Array.isArray(v)) {
        out.set(`${name} option order`, v.map((o) => (isObject(o) ? String(o.code) : '?')).join(', '));
        for (const o of v) if (isObject(o)) out.set(`${name} option "${String(o.code)}"`, show(Object.fromEntries(Object.entries(o).filter(([key]) => key !== 'code'))));
      } else out.set(`${name} ${k}`, show(v));
    }
  });
  return out;
}

export function flattenTexts(texts: unknown): Map<string, { lang: string; path: string; text: string }> {
  const out = new Map<string, { lang: string; path: string; text: string }>();
  if (!isObject(texts)) return out;
  const walk = (lang: string, node: unknown, path: string) => {
    if (isObject(node)) for (const [k, v] of Object.entries(node)) walk(lang, v, path ? `${path}.${k}` : k);
    else if (node !== undefined) out.set(`${lang}|${path}`, { lang, path, text: show(node) });
  };
  for (const [lang, t] of Object.entries(texts)) walk(lang, t, '');
  return out;
}

export function diffQuestionnaires(before: Side, after: Side): DiffEntry[] {
  const entries: DiffEntry[] = [];
  const d1 = flattenDefinition(before.definition);
  const d2 = flattenDefinition(after.definition);
  for (const path of union(d1.keys(), d2.keys())) {
    const a = d1.get(path) ?? null;
    const b = d2.get(path) ?? null;
    if (a !== b) entries.push({ area: 'definition', path, change: a === null ? 'added' : b === null ? 'removed' : 'changed', before: a, after: b });
  }
  const t1 = flattenTexts(before.texts);
  const t2 = flattenTexts(after.texts);
  for (const key of union(t1.keys(), t2.keys())) {
    const a = t1.get(key);
    const b = t2.get(key);
    if (a?.text === b?.text) continue;
    const { lang, path } = (a ?? b)!;
    entries.push({ area: 'text', path, lang, change: !a ? 'added' : !b ? 'removed' : 'changed', before: a?.text ?? null, after: b?.text ?? null });
  }
  return entries;
}

function union(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])];
}

/** A change as the publish page shows it: what it is in words, and an option by its wording (never `{}`). */
export type ReadableChange = { area: DiffEntry['area']; what: string; lang?: string; before: string | null; after: string | null };

const FLAG_WORDS: Record<string, string> = { positive: 'counts as good', none: 'means no problem' };

/** An option's stored fields in words: "'Under 30 min'", "'All of them' (counts as good)". */
function optionInWords(json: string | null, wording: string | undefined, code: string): string | null {
  if (json === null) return null;
  let fields: Record<string, unknown> = {};
  try {
    fields = JSON.parse(json) as Record<string, unknown>;
  } catch {
    // shown as stored
  }
  const flags = Object.entries(fields)
    .filter(([, v]) => v === true)
    .map(([k]) => FLAG_WORDS[k] ?? k);
  const others = Object.entries(fields).filter(([, v]) => v !== true && v !== false && v !== undefined);
  return `'${wording ?? code}'${flags.length ? ` (${flags.join(', ')})` : ''}${others.length ? ` ${others.map(([k, v]) => `${k}: ${String(v)}`).join(', ')}` : ''}`;
}

export function readableDiff(changes: DiffEntry[], before: Side, after: Side, lang: string): ReadableChange[] {
  const source = (side: Side) => ({ definition: side.definition, texts: side.texts, lang });
  return changes.map((c) => {
    if (c.area === 'text') {
      const side = c.after === null ? before : after;
      return { area: c.area, what: textKeyLabel(c.path, source(side)), lang: c.lang, before: c.before, after: c.after };
    }
    const option = /^question "([^"]+)" option "([^"]+)"$/.exec(c.path);
    if (option) {
      const [, id, code] = option as unknown as [string, string, string];
      const key = `questions.${id}.options.${code}`;
      const side = c.after === null ? before : after;
      return {
        area: c.area,
        what: `${questionLabel(id, side.definition)} · ${optionLabel(id, code, source(side))}`,
        before: optionInWords(c.before, textIn(before.texts, lang, key), code),
        after: optionInWords(c.after, textIn(after.texts, lang, key), code),
      };
    }
    const field = /^question "([^"]+)" (.+)$/.exec(c.path);
    if (field) {
      const side = c.after === null ? before : after;
      return { area: c.area, what: `${questionLabel(field[1]!, side.definition)} (${field[1]}) · ${field[2]}`, before: c.before, after: c.after };
    }
    return { area: c.area, what: c.path, before: c.before, after: c.after };
  });
}
