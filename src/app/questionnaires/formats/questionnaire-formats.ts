import { randomBytes } from 'node:crypto';
import type { Draft } from '../../../storage/staff-ports.js';
import { recordAudit } from '../../staff/audit.js';
import { type LifecycleDeps, validateDraft } from '../questionnaire-lifecycle.js';
import type { ValidationReport } from '../validate-questionnaire.js';
import { type AudioLookup, bundleOf, type FormBundle, type ImportedForm } from './form-bundle.js';
import { describeFlowError, fromFloipContainer, toFloipContainer } from './floip.js';
import { describeRowError, readWorkbook, type RowError, writeWorkbook } from './spreadsheet.js';
import { fromTranslationSheet, toTranslationSheet } from './translation-sheet.js';
import { fromXlsForm, toXlsForm } from './xlsform.js';

/**
 * The formats story: staff download a questionnaire as XLSForm, a translation sheet or a
 * FLOIP flow, and upload one back. An uploaded form becomes a new draft (validated like
 * any other); a translation sheet fills texts into an existing draft with compare-and-set.
 * Nothing is written unless the whole file maps; each download and upload is audited.
 */

export type FormatsDeps = LifecycleDeps & {
  languages: string[];
  defaultLanguage: string;
  languageNames: Record<string, string>;
  /** the recording file of a text key, for XLSForm */
  audioFile: AudioLookup;
  /** the public URL of a recording, for FLOIP */
  audioUrl: AudioLookup;
  systemText: (lang: string, key: string) => string;
  /** the most one text may hold (the USSD screen) */
  screenLimit: number;
};

export type Source = { draft?: string; version?: number };
export type Exportable = { ok: true; bundle: FormBundle; label: string } | { ok: false; status: 404 | 409; message: string };

/** What is exported: a draft, a version, or (by default) the current published version. */
export async function exportSource(deps: Pick<LifecycleDeps, 'storage'>, questionnaireId: string, source: Source, opts: { publishedOnly?: boolean } = {}): Promise<Exportable> {
  let found: { definition: unknown; texts: unknown } | null = null;
  let label = '';
  if (source.draft) {
    if (opts.publishedOnly) return { ok: false, status: 409, message: 'a FLOIP flow is exported from a published version; publish the draft first' };
    const draft = await deps.storage.drafts.get(source.draft);
    if (draft?.questionnaireId === questionnaireId) found = draft;
    label = `draft ${source.draft}`;
  } else if (source.version !== undefined) {
    const v = await deps.storage.questionnaires.getVersion(questionnaireId, source.version);
    if (v && !(opts.publishedOnly && v.status === 'draft')) found = v;
    label = `version ${source.version}`;
  } else {
    const current = await deps.storage.questionnaires.latestPublished(questionnaireId);
    found = current;
    label = current ? `version ${current.version}` : 'published version';
  }
  if (!found) return { ok: false, status: 404, message: `${questionnaireId} has no ${label}` };
  const bundle = bundleOf(found);
  if (!bundle) return { ok: false, status: 409, message: `the ${label} of ${questionnaireId} does not validate yet; fix its questions first, then export it` };
  return { ok: true, bundle, label };
}

export type Download = { body: Buffer; fileName: string; contentType: string };
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export type FormatName = 'xlsform' | 'translations' | 'floip';

export async function downloadFormat(
  deps: FormatsDeps,
  questionnaireId: string,
  format: FormatName,
  source: Source,
  by: string,
): Promise<({ ok: true } & Download) | Exclude<Exportable, { ok: true }>> {
  const found = await exportSource(deps, questionnaireId, source, { publishedOnly: format === 'floip' });
  if (!found.ok) return found;
  const opts = { languages: deps.languages, defaultLanguage: deps.defaultLanguage };
  const stem = `${questionnaireId}-${found.label.replace(/\s+/g, '-')}`;
  let out: Download;
  if (format === 'xlsform')
    out = { body: await writeWorkbook(toXlsForm(found.bundle, { ...opts, audio: deps.audioFile, languageNames: deps.languageNames })), fileName: `${stem}.xlsform.xlsx`, contentType: XLSX_TYPE };
  else if (format === 'translations') out = { body: await writeWorkbook([toTranslationSheet(found.bundle, opts)]), fileName: `${stem}.translations.xlsx`, contentType: XLSX_TYPE };
  else {
    const container = toFloipContainer(found.bundle, { ...opts, languageNames: deps.languageNames, audio: deps.audioUrl, systemText: deps.systemText, now: deps.clock.now() });
    out = { body: Buffer.from(`${JSON.stringify(container, null, 2)}\n`), fileName: `${stem}.floip.json`, contentType: 'application/json' };
  }
  await recordAudit(deps, { actor: by, action: 'questionnaire.exported', target: `questionnaire ${questionnaireId}`, details: { format, from: found.label } });
  return { ok: true, ...out };
}

/** A refused upload: one line per problem, in the words the page shows. */
export type UploadRefused = { ok: false; status: 400 | 404 | 409 | 413; error: string; problems: string[]; rows?: RowError[] };
export type DraftImported = { ok: true; draft: Draft; report: ValidationReport; warnings: string[] };

const refused = (status: UploadRefused['status'], error: string, problems: string[] = [], rows?: RowError[]): UploadRefused => ({ ok: false, status, error, problems, ...(rows ? { rows } : {}) });

/** The facility types a file that does not name them keeps: those of the questionnaire's newest version. */
async function currentFacilityTypes(deps: LifecycleDeps, questionnaireId: string): Promise<string[] | undefined> {
  const versions = await deps.storage.questionnaires.listVersions(questionnaireId);
  const newest = versions.sort((a, b) => b.version - a.version)[0];
  return (newest?.definition as { facilityTypes?: string[] } | undefined)?.facilityTypes;
}

export async function importForm(deps: FormatsDeps, questionnaireId: string, format: 'xlsform' | 'floip', data: unknown, by: string): Promise<DraftImported | UploadRefused> {
  const opts = {
    questionnaireId,
    languages: deps.languages,
    defaultLanguage: deps.defaultLanguage,
    facilityTypes: await currentFacilityTypes(deps, questionnaireId),
    audio: format === 'xlsform' ? deps.audioFile : deps.audioUrl,
    languageNames: deps.languageNames,
  };
  let mapped: ImportedForm;
  if (format === 'xlsform') {
    if (!Buffer.isBuffer(data)) return refused(400, 'send the .xlsx file as the body');
    const read = await readWorkbook(data);
    if (!read.ok) return refused(400, `Nothing was imported: ${read.message}.`);
    const result = fromXlsForm(read.workbook, opts);
    if (!result.ok) return refused(400, `Nothing was imported. Fix these ${result.errors.length} problem(s) in the form and upload it again.`, result.errors.map(describeRowError), result.errors);
    mapped = result;
  } else {
    const result = fromFloipContainer(data, opts);
    if (!result.ok) return refused(400, `Nothing was imported. ${result.errors.length} part(s) of the flow do not map onto this service's questions.`, result.errors.map(describeFlowError));
    mapped = result;
  }
  const versions = await deps.storage.questionnaires.listVersions(questionnaireId);
  const basedOn = versions.filter((v) => v.status === 'published').sort((a, b) => b.version - a.version)[0]?.version ?? null;
  const now = deps.clock.now();
  const draft: Draft = {
    id: `d_${randomBytes(6).toString('hex')}`,
    questionnaireId,
    basedOn,
    definition: mapped.definition,
    texts: mapped.texts,
    createdAt: now,
    createdBy: by,
    updatedAt: now,
    updatedBy: by,
    revision: 0,
  };
  if (!(await deps.storage.drafts.create(draft))) return refused(409, 'draft id collision; upload the file again');
  const report = validateDraft(deps, draft);
  await recordAudit(deps, {
    actor: by,
    action: 'draft.imported',
    target: `questionnaire ${questionnaireId} draft ${draft.id}`,
    details: { format, basedOn, valid: report.ok, warnings: mapped.warnings.length },
  });
  return { ok: true, draft, report, warnings: mapped.warnings };
}

export type TranslationsImported = { ok: true; draft: Draft; report: ValidationReport; changed: number; warnings: string[] };

export async function importTranslations(deps: FormatsDeps, draftId: string, data: unknown, by: string): Promise<TranslationsImported | UploadRefused> {
  if (!Buffer.isBuffer(data)) return refused(400, 'send the .xlsx file as the body');
  const draft = await deps.storage.drafts.get(draftId);
  if (!draft) return refused(404, `draft ${draftId} does not exist (it may have been published or deleted)`);
  const bundle = bundleOf(draft);
  if (!bundle) return refused(409, "this draft's questions do not validate yet, so its texts cannot be matched; fix the questions first");
  const read = await readWorkbook(data);
  if (!read.ok) return refused(400, `Nothing was changed: ${read.message}.`);
  const result = fromTranslationSheet(read.workbook, bundle, { languages: deps.languages, languageNames: deps.languageNames, maxLength: deps.screenLimit });
  if (!result.ok) return refused(400, `Nothing was changed. Fix these ${result.errors.length} problem(s) in the sheet and upload it again.`, [...result.errors.map(describeRowError)], result.errors);
  const next: Draft = { ...draft, texts: result.texts, updatedAt: deps.clock.now(), updatedBy: by };
  if (!(await deps.storage.drafts.update(next, draft.revision))) return refused(409, 'someone saved this draft at the same moment; upload the sheet again');
  await recordAudit(deps, {
    actor: by,
    action: 'draft.translations_imported',
    target: `questionnaire ${draft.questionnaireId} draft ${draftId}`,
    details: { changed: result.changed, revision: draft.revision + 1 },
  });
  const saved = { ...next, revision: draft.revision + 1 };
  return { ok: true, draft: saved, report: validateDraft(deps, saved), changed: result.changed, warnings: result.warnings };
}
