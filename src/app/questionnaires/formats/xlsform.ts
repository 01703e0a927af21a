import { QuestionRole } from '../../../engine/question-types/question-type.js';
import { RATING_RANGE_PARAMETERS } from '../../../engine/question-types/rating.js';
import { questionType } from '../../../engine/question-types/registry.js';
import { YES_NO_LIST } from '../../../engine/question-types/yes-no.js';
import { type AudioLookup, completeTexts, type FormBundle, ID_RULE, type ImportedForm, type ImportOptions, languageNamed, optionTextPath, questionTextPath, setText, textOf } from './form-bundle.js';
import type { RowError, Sheet, SheetOut, SheetRow, Workbook } from './spreadsheet.js';
import { IDENTIFIER } from '../../../engine/codes.js';

/**
 * XLSForm (https://xlsform.org) to and from a questionnaire. The survey sheet holds one row
 * per question, with a `note` row first for the introduction; the choices sheet holds the
 * options; the settings sheet the id, titles, default language and facility types. Each
 * question type says how it is written (xlsFormRow in src/engine/question-types/); the
 * import below reads those rows back.
 *
 * `required` is the opposite of optional; `relevant` holds a show-if as
 * `selected(${q}, 'code') or ...` (or `${q} = 3` for numbers). Two columns XLSForm leaves to
 * each tool keep what the engine needs besides: `role` (what the scorecards read) and
 * `spoken::<lang>` (how a text is said on a voice call; on both sheets), and the choices sheet's `positive`
 * and `none`. A type, name or condition the engine cannot keep is refused with its row and column.
 *
 * What USSD and voice have no place for is read and reported, never kept: `hint::<lang>` (a
 * USSD screen has no room beside the question, and a call says only the question and its
 * options), and an `audio::<lang>` file the server does not already play for that text
 * (recordings are files on the server, listed in locales/<lang>/audio.json; a spreadsheet
 * cannot bring one). The export writes each text's recording as the server has it, so an
 * export uploaded again is unchanged and reports nothing; it writes no hint column, having none.
 */

const METADATA_TYPES = new Set(['start', 'end', 'today', 'deviceid', 'subscriberid', 'simserial', 'phonenumber', 'username', 'email', 'audit', 'start-geopoint']);
export const SUPPORTED_XLSFORM_TYPES = ['note', 'select_one', 'integer', 'range', 'text'];

export function toXlsForm(bundle: FormBundle, opts: { languages: string[]; defaultLanguage: string; audio?: AudioLookup; languageNames?: Record<string, string> }): SheetOut[] {
  const { definition: def } = bundle;
  const langs = opts.languages;
  // "English (en)", as XLSForm writes a language, so ODK and Kobo tools know both its name and its code
  const languageLabel = (l: string) => (opts.languageNames?.[l] ? `${opts.languageNames[l]} (${l})` : l);
  const per = (prefix: string) => langs.map((l) => `${prefix}::${languageLabel(l)}`);
  const surveyColumns = ['type', 'name', ...per('label'), ...per('audio'), ...per('spoken'), 'required', 'relevant', 'constraint', 'appearance', 'parameters', 'role'];
  const audio = (lang: string, path: string) => opts.audio?.(lang, `${def.id}.${path}`) ?? '';
  const spoken = (lang: string, path: string) => textOf(bundle, lang, `spoken.${path}`);
  const survey: string[][] = [];
  const row = (cells: Record<string, string>) => survey.push(surveyColumns.map((c) => cells[c] ?? ''));
  const textCells = (path: string) => {
    const cells: Record<string, string> = {};
    for (const l of langs) {
      cells[`label::${languageLabel(l)}`] = textOf(bundle, l, path);
      cells[`audio::${languageLabel(l)}`] = audio(l, path);
      cells[`spoken::${languageLabel(l)}`] = spoken(l, path);
    }
    return cells;
  };
  row({ type: 'note', name: 'intro', ...textCells('intro') });
  const choices: string[][] = [];
  const choiceColumns = ['list_name', 'name', ...per('label'), ...per('audio'), ...per('spoken'), 'positive', 'none'];
  const listsWritten = new Set<string>();
  for (const q of def.questions) {
    const cells: Record<string, string> = { name: q.id, ...textCells(questionTextPath(q)), required: q.optional ? 'no' : 'yes', role: q.role ?? '' };
    if (q.showIf) cells.relevant = relevantOf(q.showIf.question, q.showIf.anyOf);
    const { type, list, ...columns } = questionType(q).xlsFormRow(q);
    Object.assign(cells, columns);
    cells.type = list ? `${type} ${list.name}` : type;
    // a shared list (yes_no) is written once, however many questions read it
    if (list && !(list.shared && listsWritten.has(list.name))) {
      for (const c of list.choices) {
        const path = c.text === null ? null : `questions.${q.id}.${c.text}`;
        const labels = langs.map((l) => (path === null ? c.code : textOf(bundle, l, path)));
        // a shared list's words are system texts (yes, no), recorded with the system prompts, not here
        const recordings = langs.map((l) => (path === null ? '' : audio(l, path)));
        const spokenLabels = langs.map((l) => (path === null ? '' : spoken(l, path)));
        choices.push([list.name, c.code, ...labels, ...recordings, ...spokenLabels, c.positive ? 'yes' : '', c.none ? 'yes' : '']);
      }
      listsWritten.add(list.name);
    }
    row(cells);
  }
  // follow_up: the questionnaire's follow-up rules (when a report is a concern, the managers' action codes) as JSON
  const settingsColumns = ['form_id', 'form_title', ...per('form_title'), 'default_language', 'facility_types', ...(def.followUp ? ['follow_up'] : [])];
  const settings = [
    [
      def.id,
      textOf(bundle, opts.defaultLanguage, 'title'),
      ...langs.map((l) => textOf(bundle, l, 'title')),
      // the same words as the columns' languages, as XLSForm tools match them
      languageLabel(opts.defaultLanguage),
      def.facilityTypes.join(' '),
      ...(def.followUp ? [JSON.stringify(def.followUp)] : []),
    ],
  ];
  return [
    { name: 'survey', columns: surveyColumns, rows: survey },
    { name: 'choices', columns: choiceColumns, rows: choices },
    { name: 'settings', columns: settingsColumns, rows: settings },
  ];
}

function relevantOf(question: string, anyOf: ReadonlyArray<string | number>): string {
  return anyOf.map((v) => (typeof v === 'number' ? `\${${question}} = ${v}` : `selected(\${${question}}, '${v}')`)).join(' or ');
}

/** Problems and notes are listed sheet by sheet, in the order a form is read. */
const SHEET_ORDER = ['survey', 'choices', 'settings'];

const languageName = (opts: ImportOptions, lang: string) => opts.languageNames?.[lang] ?? lang;

export type XlsFormImport = ({ ok: true } & ImportedForm) | { ok: false; errors: RowError[] };

/**
 * A language's column: `label::en`, `label::Kiswahili (sw)`, `label::Kiswahili` or, for the
 * form's default language, plain `label`. `media::audio::sw`, XLSForm's newer spelling, counts
 * as `audio::sw`.
 */
function languageColumns(sheet: Sheet, prefix: string, defaultLanguage: string, opts: ImportOptions, warnings: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const column of sheet.columns) {
    const bare = column.startsWith('media::') ? column.slice('media::'.length) : column;
    if (bare === prefix) {
      out.set(defaultLanguage, column);
      continue;
    }
    if (!bare.startsWith(`${prefix}::`)) continue;
    const named = bare.slice(prefix.length + 2);
    const code = languageNamed(named, opts);
    if (code) out.set(code, column);
    else warnings.push(`${sheet.name} column ${column}: "${named.trim()}" is not one of this service's languages (${opts.languages.join(', ')}), so it was not imported`);
  }
  return out;
}

/** Headings each sheet reads; a column of any other heading with something in it is reported as not imported. */
const KNOWN_COLUMNS: Record<string, { exact: string[]; perLanguage: string[] }> = {
  survey: { exact: ['type', 'name', 'required', 'relevant', 'constraint', 'appearance', 'parameters', 'role'], perLanguage: ['label', 'hint', 'audio', 'media::audio', 'spoken'] },
  choices: { exact: ['list_name', 'name', 'positive', 'none'], perLanguage: ['label', 'audio', 'media::audio', 'spoken'] },
  settings: { exact: ['form_id', 'default_language', 'facility_types', 'follow_up'], perLanguage: ['form_title'] },
};

function unreadColumns(sheet: Sheet): string | null {
  const known = KNOWN_COLUMNS[sheet.name];
  if (!known) return null;
  const read = (c: string) => known.exact.includes(c) || known.perLanguage.some((p) => c === p || c.startsWith(`${p}::`));
  const unread = sheet.columns.filter((c) => !read(c) && sheet.rows.some((r) => r.cells[c]));
  return unread.length
    ? `${sheet.name} ${unread.length === 1 ? 'column' : 'columns'} ${unread.join(', ')}: ${unread.length === 1 ? 'it is' : 'they are'} not used on USSD or voice calls, so ${unread.length === 1 ? 'it was' : 'they were'} not imported`
    : null;
}

const YES = new Set(['yes', 'true', 'true()', '1', 'y']);
const NO = new Set(['', 'no', 'false', 'false()', '0', 'n']);

export function fromXlsForm(workbook: Workbook, opts: ImportOptions): XlsFormImport {
  const errors: RowError[] = [];
  const warnings: string[] = [];
  const survey = workbook.get('survey');
  if (!survey) return { ok: false, errors: [{ sheet: 'survey', row: 1, column: '', message: 'the workbook has no sheet named "survey"' }] };
  for (const needed of ['type', 'name']) if (!survey.columns.includes(needed)) errors.push({ sheet: 'survey', row: 1, column: needed, message: `the survey sheet needs a "${needed}" column` });
  if (errors.length) return { ok: false, errors };
  const err = (sheet: string, row: number, column: string, message: string) => errors.push({ sheet, row, column, message });

  // choices, by list
  const choicesSheet = workbook.get('choices');
  const lists = new Map<string, SheetRow[]>();
  for (const r of choicesSheet?.rows ?? []) {
    const list = r.cells.list_name ?? '';
    if (!list) {
      err('choices', r.row, 'list_name', 'is empty: say which list this option belongs to');
      continue;
    }
    const rows = lists.get(list) ?? [];
    rows.push(r);
    lists.set(list, rows);
  }
  // the language of columns without one (plain `label`) is the form's default_language, as XLSForm has it
  const settingsSheet = workbook.get('settings');
  const settings = settingsSheet?.rows[0];
  let formLanguage = opts.defaultLanguage;
  const namedDefault = settings?.cells.default_language ?? '';
  if (namedDefault) {
    const code = languageNamed(namedDefault, opts);
    if (code) formLanguage = code;
    else
      warnings.push(
        `settings column default_language: "${namedDefault}" is not one of this service's languages (${opts.languages.join(', ')}), so columns without a language were read as ${languageName(opts, opts.defaultLanguage)}`,
      );
  }
  const columnsOf = (sheet: Sheet, prefix: string) => languageColumns(sheet, prefix, formLanguage, opts, warnings);
  const audioOf = (sheet: Sheet) => new Map([...columnsOf(sheet, 'audio'), ...columnsOf(sheet, 'media::audio')]);
  const choiceLabels = choicesSheet ? columnsOf(choicesSheet, 'label') : new Map<string, string>();
  const choiceSpoken = choicesSheet ? columnsOf(choicesSheet, 'spoken') : new Map<string, string>();
  const choiceAudio = choicesSheet ? audioOf(choicesSheet) : new Map<string, string>();
  const labels = columnsOf(survey, 'label');
  const spokenColumns = columnsOf(survey, 'spoken');
  const audioColumns = audioOf(survey);
  const hintColumns = columnsOf(survey, 'hint');
  for (const sheet of [survey, choicesSheet, settingsSheet]) {
    const unread = sheet && unreadColumns(sheet);
    if (unread) warnings.push(unread);
  }

  const texts: Record<string, Record<string, unknown>> = {};
  const questions: Array<Record<string, unknown>> = [];
  const seen = new Map<string, { type: string; codes?: string[] }>();
  // "survey row 3 (isiZulu)": where a hint, or a recording the server does not have, was left out
  const hintsLeft: string[] = [];
  const recordingsLeft: Array<{ sheet: string; row: number; text: string }> = [];
  let introSeen = false;

  /** A recording named in the file is kept only as the one the server already plays for that text. */
  const checkAudio = (sheet: string, r: SheetRow, columns: Map<string, string>, path: string) => {
    for (const [lang, column] of columns) {
      const file = r.cells[column] ?? '';
      if (file && file !== opts.audio?.(lang, `${opts.questionnaireId}.${path}`)) recordingsLeft.push({ sheet, row: r.row, text: `${sheet} row ${r.row} (${languageName(opts, lang)}): ${file}` });
    }
  };
  const readTexts = (r: SheetRow, path: string) => {
    for (const [lang, column] of labels) setText(texts, lang, path, r.cells[column] ?? '');
    for (const [lang, column] of spokenColumns) setText(texts, lang, `spoken.${path}`, r.cells[column] ?? '');
    checkAudio('survey', r, audioColumns, path);
    for (const [lang, column] of hintColumns) if (r.cells[column]) hintsLeft.push(`survey row ${r.row} (${languageName(opts, lang)})`);
  };

  for (const r of survey.rows) {
    const c = r.cells;
    const [type = '', list = ''] = (c.type ?? '').split(/\s+/);
    const name = c.name ?? '';
    if (!type) {
      err('survey', r.row, 'type', 'is empty: every row needs a type');
      continue;
    }
    if (METADATA_TYPES.has(type)) {
      warnings.push(`survey row ${r.row}: "${type}" is filled in by phone apps; USSD and voice have no such field, so the row was skipped`);
      continue;
    }
    if (type === 'note') {
      if (introSeen || questions.length > 0) {
        err('survey', r.row, 'type', "'note' is supported only once, before the first question: it becomes the introduction");
        continue;
      }
      introSeen = true;
      readTexts(r, 'intro');
      continue;
    }
    if (!SUPPORTED_XLSFORM_TYPES.includes(type)) {
      err('survey', r.row, 'type', `'${c.type}' is not supported; use one of ${SUPPORTED_XLSFORM_TYPES.join(', ')}`);
      continue;
    }
    if (!IDENTIFIER.test(name)) {
      err('survey', r.row, 'name', name ? `'${name}' cannot be a question id: ${ID_RULE}` : 'is empty: every question needs a name');
      continue;
    }
    if (seen.has(name)) {
      err('survey', r.row, 'name', `'${name}' is used by an earlier row`);
      continue;
    }
    const q: Record<string, unknown> = { id: name };
    const required = (c.required ?? '').toLowerCase();
    // XLSForm questions are optional unless marked required
    if (YES.has(required) || NO.has(required)) q.optional = !YES.has(required);
    else err('survey', r.row, 'required', `'${c.required}' is not understood; write yes or no`);
    if (c.role) {
      if (QuestionRole.safeParse(c.role).success) q.role = c.role;
      else err('survey', r.row, 'role', `'${c.role}' is not a role; use one of ${QuestionRole.options.join(', ')}`);
    }
    const constraint = (c.constraint ?? '').replace(/\s+/g, ' ').trim();
    let codes: string[] | undefined;
    if (type === 'select_one') {
      const options = lists.get(list);
      if (!list) err('survey', r.row, 'type', "select_one needs a list name, as in 'select_one wait'");
      else if (!options) err('survey', r.row, 'type', `the list '${list}' is not in the choices sheet`);
      else if (list === YES_NO_LIST && options.map((o) => o.cells.name).join(',') === 'yes,no') {
        q.type = 'yesno';
        codes = ['yes', 'no'];
      } else {
        q.type = 'choice';
        codes = [];
        const opts2: Array<Record<string, unknown>> = [];
        for (const o of options) {
          const code = o.cells.name ?? '';
          if (!IDENTIFIER.test(code)) {
            err('choices', o.row, 'name', code ? `'${code}' cannot be an option code: ${ID_RULE}` : 'is empty: every option needs a name');
            continue;
          }
          const option: Record<string, unknown> = { code };
          for (const flag of ['positive', 'none'] as const) {
            const v = (o.cells[flag] ?? '').toLowerCase();
            if (YES.has(v)) option[flag] = true;
            else if (!NO.has(v)) err('choices', o.row, flag, `'${o.cells[flag]}' is not understood; write yes or leave it empty`);
          }
          opts2.push(option);
          codes.push(code);
          for (const [lang, column] of choiceLabels) setText(texts, lang, optionTextPath({ id: name }, code), o.cells[column] ?? '');
          for (const [lang, column] of choiceSpoken) setText(texts, lang, `spoken.${optionTextPath({ id: name }, code)}`, o.cells[column] ?? '');
          checkAudio('choices', o, choiceAudio, optionTextPath({ id: name }, code));
        }
        q.options = opts2;
      }
    } else if (type === 'range') {
      const params = (c.parameters ?? '').replace(/\s+/g, ' ').trim();
      if (params !== RATING_RANGE_PARAMETERS && params !== '')
        err('survey', r.row, 'parameters', `'${c.parameters}' is not supported: a range is a rating from 1 to 5, so write ${RATING_RANGE_PARAMETERS}`);
      q.type = 'rating';
    } else if (type === 'integer') {
      q.type = 'number';
      const m = /^\. ?>=? ?(\d+) and \. ?<=? ?(\d+)$/.exec(constraint);
      if (m) Object.assign(q, { min: Number(m[1]), max: Number(m[2]) });
      else if (!constraint) Object.assign(q, { min: 1, max: 99_999_999 });
      else err('survey', r.row, 'constraint', `'${c.constraint}' is not supported for integer; write it as . >= 1 and . <= 100`);
    } else if (type === 'text') {
      if ((c.appearance ?? '') === 'facility') q.type = 'facility';
      else {
        q.type = 'text';
        const m = /^string-length\(\.\) ?<=? ?(\d+)$/.exec(constraint);
        if (m) q.maxLength = Number(m[1]);
        else if (!constraint) q.maxLength = 140;
        else err('survey', r.row, 'constraint', `'${c.constraint}' is not supported for text; write it as string-length(.) <= 140`);
      }
    }
    if (c.relevant) {
      const showIf = parseRelevant(c.relevant);
      if (!showIf) err('survey', r.row, 'relevant', `'${c.relevant}' is not supported; write conditions on one earlier question, such as selected(\${wait}, 'gt4h') or \${staff} = 1, joined by "or"`);
      else if (!seen.has(showIf.question)) err('survey', r.row, 'relevant', `'${showIf.question}' is not an earlier question`);
      else q.showIf = showIf;
    }
    questions.push(q);
    seen.set(name, { type: String(q.type), codes });
    readTexts(r, questionTextPath({ id: name }));
  }

  // settings
  const formId = settings?.cells.form_id ?? '';
  if (formId && formId !== opts.questionnaireId)
    err('settings', settings!.row, 'form_id', `'${formId}' is not this questionnaire ('${opts.questionnaireId}'); change form_id or import it into '${formId}'`);
  let facilityTypes = opts.facilityTypes;
  const typesCell = settings?.cells.facility_types ?? '';
  if (typesCell) facilityTypes = typesCell.split(/[\s,]+/).filter(Boolean);
  if (!facilityTypes?.length) err('settings', settings?.row ?? 2, 'facility_types', 'say which kinds of facility this questionnaire serves, such as clinic');
  let followUp: unknown;
  const followUpCell = settings?.cells.follow_up ?? '';
  if (followUpCell) {
    try {
      followUp = JSON.parse(followUpCell);
    } catch {
      err('settings', settings!.row, 'follow_up', 'write the follow-up rules as JSON, as an export writes them, or leave the cell empty for the defaults');
    }
  }
  if (settingsSheet && settings) {
    const titles = columnsOf(settingsSheet, 'form_title');
    for (const [lang, column] of titles) setText(texts, lang, 'title', settings.cells[column] ?? '');
  }
  if (hintsLeft.length)
    warnings.push(
      `hints were not imported (${hintsLeft.join(', ')}): a USSD screen has no room for a hint and a call says only the question and its options, so put what the respondent must know in the label`,
    );
  if (recordingsLeft.length)
    warnings.push(
      `recordings were not imported (${recordingsLeft
        .sort((a, b) => SHEET_ORDER.indexOf(a.sheet) - SHEET_ORDER.indexOf(b.sheet) || a.row - b.row)
        .map((r) => r.text)
        .join(', ')}): a call plays only recordings the server has, added to locales/<lang>/audio.json as the README's "Languages and recordings" says; the file names were not kept`,
    );
  errors.sort((a, b) => SHEET_ORDER.indexOf(a.sheet) - SHEET_ORDER.indexOf(b.sheet) || a.row - b.row);
  if (errors.length) return { ok: false, errors };
  return { ok: true, definition: { id: opts.questionnaireId, facilityTypes, questions, ...(followUp === undefined ? {} : { followUp }) }, texts: completeTexts(texts, opts.languages), warnings };
}

/** `selected(${q}, 'a') or ${q} = 'b' or ${q} = 3`, all on one question, as a show-if. */
export function parseRelevant(expression: string): { question: string; anyOf: Array<string | number> } | null {
  const parts = expression.trim().split(/\s+or\s+/);
  let question: string | null = null;
  const anyOf: Array<string | number> = [];
  for (const part of parts) {
    const m = /^selected\(\s*\$\{(\w+)\}\s*,\s*'([^']*)'\s*\)$/.exec(part.trim()) ?? /^\$\{(\w+)\}\s*=\s*'?([\w]+)'?$/.exec(part.trim());
    if (!m) return null;
    if (question !== null && question !== m[1]) return null;
    question = m[1]!;
    anyOf.push(/^\d+$/.test(m[2]!) ? Number(m[2]) : m[2]!);
  }
  return question ? { question, anyOf } : null;
}
