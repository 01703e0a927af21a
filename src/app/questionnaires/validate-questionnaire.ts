import { QuestionnaireDefinition } from '../../engine/definition.js';
import type { SystemTextSource } from '../../engine/prompt.js';
import { allowedPlaceholders, lookupPath, missingQuestionnaireKeys, QuestionnaireTexts, spokenPaths } from '../../engine/texts.js';
import { messageProblem } from '../../text/messages.js';
import { walkQuestionnaire } from '../../engine/walk.js';
import { layout } from '../../channels/ussd/render.js';
import { ussdLength } from '../../text/gsm.js';
import { loadQuestionnaire } from './questionnaire-catalog.js';

/**
 * Everything that must hold before a questionnaire version is published: the schema, a
 * complete translation in every language, every path ending, and every screen fitting the
 * USSD limit in every language. Each problem names the question and the language.
 */

export type ValidationIssue = { where: string; lang?: string; message: string };
export type ValidationReport = {
  ok: boolean;
  issues: ValidationIssue[];
  definition?: QuestionnaireDefinition;
  texts?: Record<string, QuestionnaireTexts>;
  /** paths walked per language, for the record */
  paths: Record<string, number>;
};

/** Extra checks a channel adds (voice adds recordings); returns issues. */
export type ChannelCheck = (report: Required<Pick<ValidationReport, 'definition' | 'texts'>>) => ValidationIssue[];

export function validateQuestionnaire(
  input: { definition: unknown; texts: unknown },
  options: { languages: string[]; systemTexts: SystemTextSource; screenLimit: number; channelChecks?: ChannelCheck[] },
): ValidationReport {
  const issues: ValidationIssue[] = [];
  const paths: Record<string, number> = {};
  const def = QuestionnaireDefinition.safeParse(input.definition);
  if (!def.success) {
    for (const issue of def.error.issues) issues.push({ where: describePath(input.definition, issue.path), message: issue.message });
    return { ok: false, issues, paths };
  }
  const definition = def.data;
  const textsInput = (input.texts ?? {}) as Record<string, unknown>;
  const texts: Record<string, QuestionnaireTexts> = {};
  for (const lang of options.languages) {
    const parsed = QuestionnaireTexts.safeParse(textsInput[lang], { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ where: textPath(issue.path), lang, message: textIssueMessage(issue) });
      continue;
    }
    texts[lang] = parsed.data;
    for (const key of missingQuestionnaireKeys(definition, parsed.data)) issues.push({ where: textPath(key.split('.')), lang, message: 'translation missing' });
    // a misspelt {placeholder} would reach citizens as written
    for (const [path, text] of textEntries(parsed.data)) {
      const problem = messageProblem(text, allowedPlaceholders(path));
      if (problem) issues.push({ where: textPath(path.split('.')), lang, message: `"${text}" ${problem}` });
    }
  }
  if (issues.length > 0) return { ok: false, issues, definition, texts, paths };

  const loaded = loadQuestionnaire({ id: definition.id, version: 0, definition, texts });
  for (const lang of options.languages) {
    const walk = walkQuestionnaire(loaded, lang, { texts: options.systemTexts });
    paths[lang] = walk.paths;
    for (const trail of walk.stuck) issues.push({ where: 'paths', lang, message: `a path does not end: ${trail}` });
    for (const screen of walk.screens) {
      const fit = layout(screen, options.screenLimit);
      if (!fit.fits) {
        const longest = Math.max(...screen.body.map((b) => ussdLength(b.text)));
        issues.push({
          where: screen.question ? `question "${screen.question.id}"` : `screen "${screen.id}"`,
          lang,
          message: `does not fit a ${options.screenLimit}-character USSD screen${screen.error ? ' with its error line' : ''} (its text alone is ${longest})`,
        });
      }
    }
  }
  for (const check of options.channelChecks ?? []) issues.push(...check({ definition, texts }));
  return { ok: issues.length === 0, issues: dedupe(issues), definition, texts, paths };
}

/** A text that is absent or empty is a missing translation, whatever the schema calls it. */
function textIssueMessage(issue: { code: string; message: string; input?: unknown }): string {
  if ((issue.code === 'invalid_type' && issue.input === undefined) || (issue.code === 'too_small' && issue.input === '')) return 'translation missing';
  return issue.message;
}

function describePath(definition: unknown, path: ReadonlyArray<PropertyKey>): string {
  if (path[0] === 'questions' && typeof path[1] === 'number') {
    const q = (definition as { questions?: Array<{ id?: unknown }> })?.questions?.[path[1]];
    const name = typeof q?.id === 'string' ? `question "${q.id}"` : `question ${path[1] + 1}`;
    const rest = path.slice(2).join('.');
    return rest ? `${name} ${rest}` : name;
  }
  return path.length ? path.join('.') : 'questionnaire';
}

function textPath(path: ReadonlyArray<PropertyKey>): string {
  if (path[0] === 'questions' && typeof path[1] === 'string') {
    const rest = path.slice(2).join('.');
    return `question "${path[1]}"${rest ? ` ${rest}` : ''}`;
  }
  return path.length ? path.join('.') : 'texts';
}

/** Every text of a questionnaire in one language, by its dotted path. */
function textEntries(texts: QuestionnaireTexts): Array<[string, string]> {
  const out: Array<[string, string]> = [
    ['title', texts.title],
    ['intro', texts.intro],
  ];
  for (const [id, q] of Object.entries(texts.questions)) {
    out.push([`questions.${id}.text`, q.text]);
    for (const [code, label] of Object.entries(q.options ?? {})) out.push([`questions.${id}.options.${code}`, label]);
  }
  for (const path of spokenPaths(texts)) out.push([`spoken.${path}`, lookupPath(texts.spoken, path) ?? '']);
  return out;
}

function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.where}|${i.lang}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
