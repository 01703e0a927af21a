// biome-ignore-all lint/suspicious/noTemplateCurlyInString: XLSForm writes references to questions as ${name}
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSystemTexts, loadShippedContent, textsFor } from '../../src/app/content.js';
import { bundleOf, type FormBundle } from '../../src/app/questionnaires/formats/form-bundle.js';
import { fromFloipContainer, toFloipContainer, VENDOR } from '../../src/app/questionnaires/formats/floip.js';
import { declaredUnzippedSize, describeRowError, MAX_SPREADSHEET_BYTES, MAX_UNZIPPED_BYTES, readWorkbook, writeWorkbook, type Workbook } from '../../src/app/questionnaires/formats/spreadsheet.js';
import { fromTranslationSheet, toTranslationSheet } from '../../src/app/questionnaires/formats/translation-sheet.js';
import { fromXlsForm, parseRelevant, toXlsForm } from '../../src/app/questionnaires/formats/xlsform.js';
import { validateQuestionnaire } from '../../src/app/questionnaires/validate-questionnaire.js';
import { QuestionnaireDefinition } from '../../src/engine/definition.js';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures');
const content = loadShippedContent(ROOT);
const languages = Object.keys(content.locales);
const systemTexts = createSystemTexts(content, 'en');
const validation = { languages, systemTexts, screenLimit: 182 };
const opts = { languages, defaultLanguage: 'en' };
const languageNames = Object.fromEntries(languages.map((l) => [l, content.locales[l]!.meta.name]));

const shipped: Array<[string, FormBundle]> = content.flows.map((f) => [f.id, { definition: f, texts: textsFor(content, f.id) }]);
const everyType: FormBundle = {
  definition: QuestionnaireDefinition.parse(JSON.parse(readFileSync(join(FIXTURES, 'every-type.json'), 'utf8'))),
  texts: JSON.parse(readFileSync(join(FIXTURES, 'every-type.texts.json'), 'utf8')),
};
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, 'floip', name), 'utf8')) as unknown;

async function throughXlsx(sheets: Parameters<typeof writeWorkbook>[0]): Promise<Workbook> {
  const read = await readWorkbook(await writeWorkbook(sheets));
  if (!read.ok) throw new Error(read.message);
  return read.workbook;
}

/** A workbook as a user would type it: sheets of rows, headings first. */
async function workbookOf(sheets: Record<string, string[][]>): Promise<Workbook> {
  return throughXlsx(Object.entries(sheets).map(([name, [columns, ...rows]]) => ({ name, columns: columns!, rows })));
}

describe('XLSForm', () => {
  it.each(shipped)('%s: export then import gives the same draft, which validates and walks', async (id, bundle) => {
    const recordings: Record<string, string> = { [`en:${id}.intro`]: 'intro.wav' };
    const audio = (lang: string, key: string) => recordings[`${lang}:${key}`] ?? null;
    const wb = await throughXlsx(toXlsForm(bundle, { ...opts, audio }));
    expect(wb.get('survey')!.rows[0]!.cells['audio::en']).toBe('intro.wav');
    const back = fromXlsForm(wb, { questionnaireId: id, ...opts, audio });
    if (!back.ok) throw new Error(back.errors.map(describeRowError).join('\n'));
    expect(back.warnings).toEqual([]);
    expect(back.definition).toEqual(bundle.definition);
    expect(back.texts).toEqual(bundle.texts);
    expect(validateQuestionnaire({ definition: back.definition, texts: back.texts }, validation).ok).toBe(true);
  });

  it('keeps every question type, show-if conditions, roles and option flags', async () => {
    const wb = await throughXlsx(toXlsForm(everyType, { languages: ['en'], defaultLanguage: 'en' }));
    const types = wb.get('survey')!.rows.map((r) => `${r.cells.type}|${r.cells.relevant}`);
    expect(types).toEqual(['note|', 'select_one yes_no|', "integer|selected(${visited}, 'yes')", 'select_one service|', "text|selected(${service}, 'other')", 'text|', 'range|']);
    const back = fromXlsForm(wb, { questionnaireId: 'every_type', languages: ['en'], defaultLanguage: 'en' });
    expect(back.ok && back.definition).toEqual(everyType.definition);
    expect(back.ok && back.texts).toEqual(everyType.texts);
  });

  it('refuses a type the engine cannot ask, naming the row and column, and creates nothing', async () => {
    const wb = await workbookOf({
      survey: [
        ['type', 'name', 'label::en', 'required'],
        ['start', 'start', '', ''],
        ['select_one wait', 'wait', 'How long did you wait?', 'yes'],
        ['geopoint', 'where', 'Where are you?', 'yes'],
        ['select_multiple problems', 'problems', 'Problems?', ''],
        ['integer', 'Age', 'Your age', 'maybe'],
      ],
      choices: [
        ['list_name', 'name', 'label::en'],
        ['wait', 'short', 'Short'],
        ['wait', 'Long wait', 'Long'],
      ],
      settings: [['form_id'], ['clinic']],
    });
    const result = fromXlsForm(wb, { questionnaireId: 'clinic', ...opts, facilityTypes: ['clinic'] });
    expect(result.ok).toBe(false);
    const messages = result.ok ? [] : result.errors.map(describeRowError);
    expect(messages).toEqual([
      "survey row 4, column type: 'geopoint' is not supported; use one of note, select_one, integer, range, text",
      "survey row 5, column type: 'select_multiple problems' is not supported; use one of note, select_one, integer, range, text",
      "survey row 6, column name: 'Age' cannot be a question id: use lower-case letters, digits and _ (at most 32), starting with a letter",
      "choices row 3, column name: 'Long wait' cannot be an option code: use lower-case letters, digits and _ (at most 32), starting with a letter",
    ]);
  });

  it('reads a hand-made form: plain label for the default language, named language columns, hints reported', async () => {
    const wb = await workbookOf({
      survey: [
        ['type', 'name', 'label', 'label::Kiswahili (sw)', 'label::French (fr)', 'hint', 'required', 'relevant', 'constraint'],
        ['select_one yes_no', 'came_before', 'Been here before?', 'Umewahi kuja?', 'Déjà venu ?', '', 'yes', '', ''],
        ['integer', 'times', 'How many times?', 'Mara ngapi?', '', 'a number', '', "${came_before} = 'yes'", '. >= 1 and . <= 20'],
      ],
      choices: [
        ['list_name', 'name', 'label'],
        ['yes_no', 'yes', 'Yes'],
        ['yes_no', 'no', 'No'],
      ],
      settings: [
        ['form_id', 'form_title', 'facility_types'],
        ['water', 'Water point', 'water_point'],
      ],
    });
    const result = fromXlsForm(wb, { questionnaireId: 'water', ...opts });
    if (!result.ok) throw new Error(result.errors.map(describeRowError).join('\n'));
    expect(result.definition).toEqual({
      id: 'water',
      facilityTypes: ['water_point'],
      questions: [
        { id: 'came_before', type: 'yesno', optional: false },
        { id: 'times', type: 'number', optional: true, min: 1, max: 20, showIf: { question: 'came_before', anyOf: ['yes'] } },
      ],
    });
    expect(result.texts.sw).toEqual({ questions: { came_before: { text: 'Umewahi kuja?' }, times: { text: 'Mara ngapi?' } } });
    expect(result.warnings).toEqual([
      `survey column label::french (fr): "french (fr)" is not one of this service's languages (en, sw, zu), so it was not imported`,
      'hints were not imported (survey row 3 (en)): a USSD screen has no room for a hint and a call says only the question and its options, so put what the respondent must know in the label',
    ]);
    // the draft is validated like any other: the missing intro and Zulu are named
    const report = validateQuestionnaire({ definition: result.definition, texts: result.texts }, validation);
    expect(report.issues).toContainEqual({ where: 'Introduction', lang: 'en', message: 'translation missing' });
  });

  it("reads plain columns in the form's default_language and columns headed by a language's name", async () => {
    const wb = await workbookOf({
      survey: [
        ['type', 'name', 'label', 'label::English', 'label::isiZulu (zu)', 'required'],
        ['select_one wait', 'wait', 'Ulisubiri kwa muda gani?', 'How long did you wait?', 'Ulinde isikhathi esingakanani?', 'yes'],
      ],
      choices: [
        ['list_name', 'name', 'label', 'label::english', 'label::isizulu (zu)'],
        ['wait', 'short', 'Muda mfupi', 'Short', 'Kancane'],
        ['wait', 'long', 'Muda mrefu', 'Long', 'Isikhathi eside'],
      ],
      settings: [
        ['form_id', 'form_title', 'default_language', 'facility_types'],
        ['water', 'Kituo cha maji', 'Kiswahili (sw)', 'water_point'],
      ],
    });
    const result = fromXlsForm(wb, { questionnaireId: 'water', ...opts, languageNames });
    if (!result.ok) throw new Error(result.errors.map(describeRowError).join('\n'));
    expect(result.warnings).toEqual([]);
    expect(result.texts.sw).toEqual({ title: 'Kituo cha maji', questions: { wait: { text: 'Ulisubiri kwa muda gani?', options: { short: 'Muda mfupi', long: 'Muda mrefu' } } } });
    expect(result.texts.en).toEqual({ questions: { wait: { text: 'How long did you wait?', options: { short: 'Short', long: 'Long' } } } });
    expect(result.texts.zu).toMatchObject({ questions: { wait: { text: 'Ulinde isikhathi esingakanani?', options: { long: 'Isikhathi eside' } } } });

    // a default_language the service does not offer is said, and plain columns stay the service's default
    const french = await workbookOf({
      survey: [
        ['type', 'name', 'label'],
        ['integer', 'visits', 'How many visits?'],
      ],
      settings: [
        ['form_id', 'default_language', 'facility_types'],
        ['water', 'French (fr)', 'water_point'],
      ],
    });
    const read = fromXlsForm(french, { questionnaireId: 'water', ...opts, languageNames });
    expect(read.ok && read.warnings).toEqual([
      `settings column default_language: "French (fr)" is not one of this service's languages (en, sw, zu), so columns without a language were read as English`,
    ]);
    expect(read.ok && read.texts.en).toEqual({ questions: { visits: { text: 'How many visits?' } } });
  });

  it('reports what USSD and voice cannot keep, by row and language: hints, recordings the server does not have, other columns', async () => {
    const recordings: Record<string, string> = { 'sw:water.questions.wait.text': 'water/wait.mp3' };
    const audio = (lang: string, key: string) => recordings[`${lang}:${key}`] ?? null;
    const wb = await workbookOf({
      survey: [
        ['type', 'name', 'label::English (en)', 'hint::English (en)', 'hint::Kiswahili (sw)', 'audio::Kiswahili (sw)', 'media::audio::isiZulu (zu)', 'constraint_message', 'required'],
        ['select_one wait', 'wait', 'How long did you wait?', 'Count the queue only', '', 'water/wait.mp3', 'wait-zu.mp3', '', 'yes'],
        ['integer', 'visits', 'How many visits?', '', 'Hesabu ziara zote', 'visits-sw.mp3', '', 'Type a number', 'no'],
      ],
      choices: [
        ['list_name', 'name', 'label::English (en)', 'audio::English (en)', 'image::English (en)'],
        ['wait', 'short', 'Short', 'short.wav', 'clock.png'],
        ['wait', 'long', 'Long', '', ''],
      ],
      settings: [
        ['form_id', 'version', 'facility_types'],
        ['water', '2026100501', 'water_point'],
      ],
    });
    const result = fromXlsForm(wb, { questionnaireId: 'water', ...opts, languageNames, audio });
    if (!result.ok) throw new Error(result.errors.map(describeRowError).join('\n'));
    expect(result.warnings).toEqual([
      'survey column constraint_message: it is not used on USSD or voice calls, so it was not imported',
      'choices column image::english (en): it is not used on USSD or voice calls, so it was not imported',
      'settings column version: it is not used on USSD or voice calls, so it was not imported',
      'hints were not imported (survey row 2 (English), survey row 3 (Kiswahili)): a USSD screen has no room for a hint and a call says only the question and its options, so put what the respondent must know in the label',
      // the Kiswahili recording of "wait" is the one the server plays: kept as it is, not reported
      `recordings were not imported (survey row 2 (isiZulu): wait-zu.mp3, survey row 3 (Kiswahili): visits-sw.mp3, choices row 2 (English): short.wav): a call plays only recordings the server has, added to locales/<lang>/audio.json as the README's "Languages and recordings" says; the file names were not kept`,
    ]);
    expect(JSON.stringify(result.texts)).not.toMatch(/Count the queue|Hesabu|\.mp3|\.wav/);
  });

  it("writes languages by name and code, each option's recording in the choices sheet, and reads an export back without a word of warning", async () => {
    const id = 'clinic';
    const bundle = shipped.find(([q]) => q === id)![1];
    const recordings: Record<string, string> = { [`sw:${id}.questions.wait.options.lt30m`]: 'clinic/wait-lt30m.mp3', [`sw:${id}.questions.wait.text`]: 'clinic/wait.mp3' };
    const audio = (lang: string, key: string) => recordings[`${lang}:${key}`] ?? null;
    const wb = await throughXlsx(toXlsForm(bundle, { ...opts, audio, languageNames }));
    // languages as XLSForm tools write them, name and code (headings read back lower-cased)
    expect(wb.get('survey')!.columns).toEqual(expect.arrayContaining(['label::english (en)', 'label::kiswahili (sw)', 'audio::isizulu (zu)']));
    expect(wb.get('settings')!.rows[0]!.cells.default_language).toBe('English (en)');
    expect(wb.get('choices')!.rows.find((r) => r.cells.list_name === 'wait' && r.cells.name === 'lt30m')!.cells['audio::kiswahili (sw)']).toBe('clinic/wait-lt30m.mp3');
    expect(wb.get('survey')!.columns.filter((c) => c.startsWith('hint'))).toEqual([]);
    const back = fromXlsForm(wb, { questionnaireId: id, ...opts, languageNames, audio });
    expect(back.ok && back.warnings).toEqual([]);
    expect(back.ok && back.definition).toEqual(bundle.definition);
  });

  describe('a form made by another spreadsheet program (test/fixtures/xlsform)', () => {
    const fromFile = async (name: string) => {
      const read = await readWorkbook(readFileSync(join(FIXTURES, 'xlsform', name)));
      if (!read.ok) throw new Error(read.message);
      return read.workbook;
    };

    it('becomes a draft that validates, and that draft exported and imported again is the same', async () => {
      const imported = fromXlsForm(await fromFile('water-point.xlsx'), { questionnaireId: 'water', ...opts, languageNames });
      if (!imported.ok) throw new Error(imported.errors.map(describeRowError).join('\n'));
      expect(imported.definition).toEqual({
        id: 'water',
        facilityTypes: ['water_point'],
        questions: [
          { id: 'water_today', type: 'yesno', optional: false },
          { id: 'wait_minutes', type: 'number', optional: false, min: 1, max: 600, showIf: { question: 'water_today', anyOf: ['yes'] } },
          { id: 'problem', type: 'choice', optional: false, options: [{ code: 'none' }, { code: 'broken' }, { code: 'dirty' }] },
          { id: 'satisfaction', type: 'rating', optional: false },
        ],
      });
      // plain `label` is the form's default_language (Kiswahili); `label::isiZulu` is named without its code
      expect(imported.texts.sw).toMatchObject({ title: 'Kadi ya ripoti ya kituo cha maji', questions: { problem: { options: { broken: 'Bomba limeharibika' } } } });
      expect(imported.texts.zu).toMatchObject({ intro: 'Linganisa indawo yamanzi {facility}. Mahhala.', questions: { water_today: { text: 'Uthole amanzi namuhla?' } } });
      expect(imported.warnings).toEqual([
        'survey row 2: "start" is filled in by phone apps; USSD and voice have no such field, so the row was skipped',
        'hints were not imported (survey row 5 (English)): a USSD screen has no room for a hint and a call says only the question and its options, so put what the respondent must know in the label',
      ]);
      const report = validateQuestionnaire({ definition: imported.definition, texts: imported.texts }, validation);
      expect(report.issues).toEqual([]);

      const bundle = bundleOf(imported)!;
      const again = fromXlsForm(await throughXlsx(toXlsForm(bundle, opts)), { questionnaireId: 'water', ...opts, languageNames });
      expect(again.ok && again.warnings).toEqual([]);
      expect(again.ok && again.definition).toEqual(imported.definition);
      expect(again.ok && again.texts).toEqual(imported.texts);
    });

    it('with types USSD and voice cannot ask, is refused row by row, column by column', async () => {
      const result = fromXlsForm(await fromFile('water-point-errors.xlsx'), { questionnaireId: 'water', ...opts, languageNames });
      expect(result.ok ? [] : result.errors.map(describeRowError)).toEqual([
        "survey row 5, column type: 'select_multiple problem' is not supported; use one of note, select_one, integer, range, text",
        "survey row 6, column type: 'geopoint' is not supported; use one of note, select_one, integer, range, text",
      ]);
    });
  });

  it('parses only the show-if conditions it can keep', () => {
    expect(parseRelevant("selected(${wait}, 'gt4h') or selected(${wait}, 'h2_4')")).toEqual({ question: 'wait', anyOf: ['gt4h', 'h2_4'] });
    expect(parseRelevant('${staff} = 1 or ${staff} = 2')).toEqual({ question: 'staff', anyOf: [1, 2] });
    expect(parseRelevant("${a} = 'x' or ${b} = 'y'")).toBeNull();
    expect(parseRelevant('${age} > 18')).toBeNull();
  });

  it('refuses what is not an .xlsx, and anything over the size cap, before unzipping', async () => {
    expect(await readWorkbook(Buffer.from('type,name\ntext,x\n'))).toEqual({ ok: false, message: expect.stringContaining('not an Excel workbook') });
    expect(await readWorkbook(Buffer.alloc(MAX_SPREADSHEET_BYTES + 1))).toEqual({ ok: false, message: 'the file is larger than 2 MB' });
  });

  it('reads what a workbook unpacks to from its zip directory, and refuses one that claims too much before unpacking it', async () => {
    const file = await writeWorkbook(toXlsForm(everyType, { languages: ['en'], defaultLanguage: 'en' }));
    const size = declaredUnzippedSize(file)!;
    expect(size).toBeGreaterThan(file.length);
    expect(size).toBeLessThan(MAX_UNZIPPED_BYTES);
    // the same archive, with its first entry claiming 4 GB - 2 bytes unpacked
    const bomb = Buffer.from(file);
    const end = bomb.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    bomb.writeUInt32LE(0xfffffffe, bomb.readUInt32LE(end + 16) + 24);
    expect(await readWorkbook(bomb)).toEqual({ ok: false, message: 'the file unpacks to more than 40 MB, far more than a questionnaire needs' });
  });
});

describe('translation sheet', () => {
  const clinic = shipped.find(([id]) => id === 'clinic')![1];

  it('lists every text with what it is, one column per language, and reads back unchanged', async () => {
    const sheet = toTranslationSheet(clinic, opts);
    expect(sheet.columns).toEqual(['key', 'context', 'en', 'sw', 'zu']);
    const wait = sheet.rows.find((r) => r[0] === 'questions.wait.options.lt30m')!;
    expect(wait.slice(0, 3)).toEqual(['questions.wait.options.lt30m', "Question 1 (wait), option 'Under 30 min'", 'Under 30 min']);
    const back = fromTranslationSheet(await throughXlsx([sheet]), clinic, { languages, maxLength: 182 });
    expect(back.ok && back.texts).toEqual(clinic.texts);
    expect(back.ok && back.changed).toBe(0);
  });

  it('changes filled cells only: an empty cell keeps the text', async () => {
    const wb = await workbookOf({
      translations: [
        ['key', 'context', 'en', 'sw'],
        ['questions.wait.text', '', 'How long was your wait?', ''],
        ['questions.wait.options.lt30m', '', '', 'Chini ya dakika 30'],
      ],
    });
    const back = fromTranslationSheet(wb, clinic, { languages, maxLength: 182 });
    if (!back.ok) throw new Error(back.errors.map(describeRowError).join('\n'));
    expect(back.changed).toBe(2);
    const en = back.texts.en as { questions: Record<string, { text: string; options: Record<string, string> }> };
    expect(en.questions.wait!.text).toBe('How long was your wait?');
    expect(en.questions.wait!.options.lt30m).toBe('Under 30 min');
    expect((back.texts.sw as typeof en).questions.wait!.text).toBe((clinic.texts.sw!.questions.wait as { text: string }).text);
    expect((back.texts.sw as typeof en).questions.wait!.options.lt30m).toBe('Chini ya dakika 30');
    expect(clinic.texts.en!.questions.wait!.text).toBe('How long did you wait before you were helped?');
  });

  it("reads a column a translator headed with the language's name", async () => {
    const wb = await workbookOf({
      translations: [
        ['key', 'isiZulu'],
        ['questions.wait.options.lt30m', 'Ngaphansi kwemizuzu engu-30'],
      ],
    });
    const back = fromTranslationSheet(wb, clinic, { languages, languageNames, maxLength: 182 });
    expect(back.ok && back.warnings).toEqual([]);
    expect(back.ok && (back.texts.zu as { questions: Record<string, { options: Record<string, string> }> }).questions.wait!.options.lt30m).toBe('Ngaphansi kwemizuzu engu-30');
  });

  it('reports unknown keys and too-long texts by row, and changes nothing', async () => {
    const wb = await workbookOf({
      translations: [
        ['key', 'context', 'en', 'zu'],
        ['questions.wait.text', '', 'Fine', ''],
        ['questions.queue.text', '', 'Was there a queue?', ''],
        ['questions.wait.options.gt4h', '', '', 'x'.repeat(190)],
      ],
    });
    const back = fromTranslationSheet(wb, clinic, { languages, maxLength: 182 });
    expect(back.ok).toBe(false);
    expect(back.ok ? [] : back.errors.map(describeRowError)).toEqual([
      "translations row 3, column key: 'questions.queue.text' is not a text of this questionnaire",
      'translations row 4, column zu: the text is 190 characters long; a USSD screen holds 182, so shorten it by 8',
    ]);
  });
});

describe('FLOIP flow spec', () => {
  const floipOpts = (audio?: (l: string, k: string) => string | null) => ({
    ...opts,
    languageNames: { en: 'English', sw: 'Kiswahili', zu: 'isiZulu' },
    systemText: (lang: string, key: string) => systemTexts.system(lang, key).text,
    now: new Date('2026-12-02T10:00:00Z'),
    audio,
  });

  it.each(shipped)('%s: a container with languages, resources per mode, MobilePrimitives blocks and exits, read back the same', (id, bundle) => {
    const audio = (lang: string, key: string) => (lang === 'en' && key === `${id}.questions.satisfaction.text` ? 'https://example.org/audio/en/satisfaction.wav' : null);
    const container = toFloipContainer(bundle, floipOpts(audio));
    const flow = container.flows[0]!;
    expect(flow.supported_modes).toEqual(['USSD', 'IVR']);
    expect(flow.languages.map((l) => l.iso_639_3)).toEqual(['eng', 'swa', 'zul']);
    expect(flow.blocks[0]!.type).toBe('MobilePrimitives.Message');
    for (const b of flow.blocks) expect(['MobilePrimitives.Message', 'MobilePrimitives.SelectOneResponse', 'MobilePrimitives.NumericResponse', 'MobilePrimitives.OpenResponse']).toContain(b.type);
    // blocks run in order; the last exit ends the flow
    flow.blocks.forEach((b, i) => {
      expect(b.exits).toEqual([expect.objectContaining({ default: true, destination_block: flow.blocks[i + 1]?.uuid ?? null })]);
    });
    const satisfaction = flow.blocks.find((b) => b.name === 'satisfaction')!;
    // where the spec's Containers table puts them: in the container, keyed by resource uuid
    expect(flow).not.toHaveProperty('resources');
    const values = container.resources[satisfaction.config.prompt as string]!.values;
    expect(values).toContainEqual({ language_id: 'eng', content_type: 'AUDIO', mime_type: 'audio/wav', modes: ['IVR'], value: 'https://example.org/audio/en/satisfaction.wav' });
    expect(values.filter((v) => v.content_type === 'TEXT').map((v) => v.language_id)).toEqual(['eng', 'swa', 'zul']);

    const back = fromFloipContainer(JSON.parse(JSON.stringify(container)), { questionnaireId: id, ...opts, audio });
    if (!back.ok) throw new Error(JSON.stringify(back.errors));
    expect(back.warnings).toEqual([]);
    expect(back.definition).toEqual(bundle.definition);
    expect(back.texts).toEqual(bundle.texts);
  });

  it('every question type reads back the same (rating and yes/no through vendor metadata)', () => {
    const container = toFloipContainer(everyType, { ...floipOpts(), languages: ['en'] });
    const types = container.flows[0]!.blocks.map((b) => b.type.replace('MobilePrimitives.', ''));
    expect(types).toEqual(['Message', 'SelectOneResponse', 'NumericResponse', 'SelectOneResponse', 'OpenResponse', 'NumericResponse', 'SelectOneResponse']);
    const back = fromFloipContainer(container, { questionnaireId: 'every_type', languages: ['en'], defaultLanguage: 'en' });
    expect(back.ok && back.definition).toEqual(everyType.definition);
    expect(back.ok && back.texts).toEqual(everyType.texts);
  });

  it('a show-if on the question just before is a branch in the exits, which an import without vendor metadata follows', () => {
    const container = toFloipContainer(everyType, { ...floipOpts(), languages: ['en'] });
    const blocks = container.flows[0]!.blocks;
    const uuid = (name: string) => blocks.find((b) => b.name === name)!.uuid;
    expect(blocks.find((b) => b.name === 'visited')!.exits.map((e) => [e.name, e.destination_block])).toEqual([
      ['yes', uuid('times')],
      ['Default', uuid('service')],
    ]);
    expect(blocks.find((b) => b.name === 'service')!.exits.map((e) => [e.name, e.destination_block])).toEqual([
      ['other', uuid('other_detail')],
      ['Default', uuid('referred_to')],
    ]);
    for (const b of blocks) delete (b.vendor_metadata?.[VENDOR] as Record<string, unknown> | undefined)?.show_if;
    const back = fromFloipContainer(JSON.parse(JSON.stringify(container)), { questionnaireId: 'every_type', languages: ['en'], defaultLanguage: 'en' });
    expect(back.ok && back.definition).toEqual(everyType.definition);
  });

  it("imports the spec's own Mobile Primitives example flow as a draft that validation then checks", () => {
    const result = fromFloipContainer(fixture('spec-mobile-primitives.json'), { questionnaireId: 'clinic', ...opts, facilityTypes: ['clinic'] });
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.definition).toEqual({
      id: 'clinic',
      facilityTypes: ['clinic'],
      questions: [
        { id: 'favorite_ice_cream', type: 'choice', optional: false, options: [{ code: 'chocolate' }, { code: 'vanilla' }, { code: 'strawberry' }] },
        { id: 'patient_age', type: 'number', optional: false, min: 0, max: 120 },
        { id: 'patient_id', type: 'text', optional: false, maxLength: 140 },
        { id: 'open_response_feedback', type: 'text', optional: false, maxLength: 140 },
      ],
    });
    expect(result.texts.en).toMatchObject({
      title: 'Summary Case Report Test for mHero Applications',
      intro: "Howdy! You've reached the Museum of Interoperability!",
      questions: { favorite_ice_cream: { options: { chocolate: 'Chocolate', vanilla: 'Vanilla', strawberry: 'Strawberry' } } },
    });
    expect(result.warnings).toEqual([
      `the flow's language "fre" (Francais) is not one of this service's languages (en, sw, zu), so its texts were not imported`,
      "block 'OpenResponseFeedback' became question 'open_response_feedback'",
      `1 audio value(s) were not imported: a call plays only recordings the server has, added to locales/<lang>/audio.json as the README's "Languages and recordings" says`,
    ]);
    const report = validateQuestionnaire({ definition: result.definition, texts: result.texts }, validation);
    expect(report.issues).toContainEqual({ where: 'question "patient_age" min', message: 'number questions start at 1: "0" is the back key' });
  });

  it("refuses the spec's SelectManyResponses example with the block and what to use instead", () => {
    const result = fromFloipContainer(fixture('spec-select-many.json'), { questionnaireId: 'clinic', ...opts, facilityTypes: ['clinic'] });
    expect(result).toEqual({
      ok: false,
      errors: [
        {
          block: 2,
          name: 'ice_cream_order',
          message:
            'MobilePrimitives.SelectManyResponses is not supported; use one of MobilePrimitives.Message, MobilePrimitives.SelectOneResponse, MobilePrimitives.NumericResponse, MobilePrimitives.OpenResponse',
        },
      ],
    });
  });

  it('refuses a flow that branches to different blocks, and one that is not a container', () => {
    const container = fixture('spec-mobile-primitives.json') as { flows: Array<{ blocks: Array<{ exits: Array<{ destination_block: string | null }> }> }> };
    container.flows[0]!.blocks[1]!.exits[0]!.destination_block = null;
    const branching = fromFloipContainer(container, { questionnaireId: 'clinic', ...opts, facilityTypes: ['clinic'] });
    expect(branching.ok ? [] : branching.errors.map((e) => e.name)).toEqual(['favorite_ice_cream']);
    expect(fromFloipContainer({ hello: 1 }, { questionnaireId: 'clinic', ...opts }).ok).toBe(false);
  });

  it('an export of a draft that is not valid yet is refused up front', () => {
    expect(bundleOf({ definition: { id: 'x', questions: [] }, texts: {} })).toBeNull();
  });
});
