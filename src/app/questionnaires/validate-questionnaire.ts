import { QuestionnaireDefinition } from '../../engine/definition.js';
import type { SystemTextSource } from '../../engine/prompt.js';
import { allowedPlaceholders, lookupPath, missingQuestionnaireKeys, QuestionnaireTexts, spokenPaths } from '../../engine/texts.js';
import { messageProblem } from '../../text/messages.js';
import { LONGEST_FACILITY_NAME, walkQuestionnaire } from '../../engine/walk.js';
import { walkManagerMenu } from '../../engine/manager-walk.js';
import type { LoadedQuestionnaire } from '../../engine/conversation.js';
import type { CaseTexts } from '../cases/case-texts.js';
import { managerMenuSample } from '../cases/manager-cases.js';
import { overflowsOf } from '../../channels/ussd/render.js';
import { questionLabel, textKeyLabel } from './text-labels.js';
import type { Prompt } from '../../engine/prompt.js';
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
  options: {
    languages: string[];
    systemTexts: SystemTextSource;
    screenLimit: number;
    channelChecks?: ChannelCheck[];
    /** with the cases' texts, the manager's menu is walked too, with this questionnaire's concerns and actions */
    caseTexts?: CaseTexts;
  },
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
  // a text is named by what it is ("Question 2 · Option 'Under 30 min'"), its option by the default language's wording
  const label = (key: string) => textKeyLabel(key, { definition: input.definition, texts: input.texts, lang: options.systemTexts.defaultLanguage });
  for (const lang of options.languages) {
    const parsed = QuestionnaireTexts.safeParse(textsInput[lang], { reportInput: true });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) issues.push({ where: textPath(issue.path, label), lang, message: textIssueMessage(issue) });
      continue;
    }
    texts[lang] = parsed.data;
    for (const key of missingQuestionnaireKeys(definition, parsed.data)) issues.push({ where: textPath(key.split('.'), label), lang, message: 'translation missing' });
    // a misspelt {placeholder} would reach citizens as written
    for (const [path, text] of textEntries(parsed.data)) {
      const problem = messageProblem(text, allowedPlaceholders(path));
      if (problem) issues.push({ where: textPath(path.split('.'), label), lang, message: `"${text}" ${problem}` });
    }
  }
  if (issues.length > 0) return { ok: false, issues, definition, texts, paths };

  const loaded = loadQuestionnaire({ id: definition.id, version: 0, definition, texts });
  for (const lang of options.languages) {
    const walk = walkQuestionnaire(loaded, lang, { texts: options.systemTexts });
    paths[lang] = walk.paths;
    for (const trail of walk.stuck) issues.push({ where: 'paths', lang, message: `a path does not end: ${trail}` });
    // each text that makes a screen too long is named once per language, with the most it is over (a screen with its error line included)
    const worst = new Map<string, { over: number; withError: boolean }>();
    for (const screen of walk.screens) {
      for (const o of overflowsOf(screen, options.screenLimit)) {
        const key = o.text.key.startsWith(`${definition.id}.`) ? o.text.key.slice(definition.id.length + 1) : o.text.key;
        const where = key.startsWith('system.') ? `System message "${key.slice('system.'.length)}" on ${screenName(screen, input.definition)}` : label(key);
        const seen = worst.get(where);
        if (!seen || o.over > seen.over) worst.set(where, { over: o.over, withError: screen.error !== null });
      }
    }
    for (const [where, { over, withError }] of worst)
      issues.push({ where, lang, message: `the screen is ${over} character${over === 1 ? '' : 's'} over ${options.screenLimit}${withError ? ' with its error line' : ''}` });
    if (options.caseTexts) issues.push(...managerMenuIssues(loaded, lang, options.caseTexts, options));
  }
  for (const check of options.channelChecks ?? []) issues.push(...check({ definition, texts }));
  return { ok: issues.length === 0, issues: dedupe(issues), definition, texts, paths };
}

/**
 * The manager's menu with this questionnaire's concerns and actions in `lang`: every path ends
 * and every screen fits. A concern or action too long for the menu is named with its screen.
 */
function managerMenuIssues(q: LoadedQuestionnaire, lang: string, caseTexts: CaseTexts, options: { systemTexts: SystemTextSource; screenLimit: number }): ValidationIssue[] {
  const walk = walkManagerMenu(lang, options.systemTexts, managerMenuSample(q, lang, caseTexts, options.systemTexts.defaultLanguage, LONGEST_FACILITY_NAME));
  const issues: ValidationIssue[] = walk.stuck.map((trail) => ({ where: "the manager's menu", lang, message: `a path does not end: ${trail}` }));
  for (const screen of walk.screens) {
    const over = Math.max(0, ...overflowsOf(screen, options.screenLimit).map((o) => o.over));
    if (over > 0)
      issues.push({
        where: `the manager's menu, ${screen.id.replace(/^manager:/, '')} screen`,
        lang,
        message: `the screen is ${over} character${over === 1 ? '' : 's'} over ${options.screenLimit} with this questionnaire's concerns or actions`,
      });
  }
  return issues;
}

/** "Question 2" for a question's screen, else the screen's name. */
function screenName(screen: Prompt, definition: unknown): string {
  return screen.question ? questionLabel(screen.question.id, definition) : `the ${screen.id} screen`;
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

function textPath(path: ReadonlyArray<PropertyKey>, label: (key: string) => string): string {
  const key = path.join('.');
  if (/^(title|intro|questions\.[a-z][a-z0-9_]*\.(text|options\.[a-z][a-z0-9_]*))$/.test(key)) return label(key);
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
