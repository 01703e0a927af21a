import { createHash } from 'node:crypto';
import { z } from 'zod';
import { RATING_CODES, YES_NO_CODES } from '../../../engine/definition.js';
import { type FormText, QuestionRole, ShowIf } from '../../../engine/question-types/question-type.js';
import { questionType } from '../../../engine/question-types/registry.js';
import { type AudioLookup, completeTexts, type FormBundle, type ImportedForm, type ImportOptions, optionTextPath, questionTextPath, setText, textOf } from './form-bundle.js';
import { IDENTIFIER } from '../../../engine/codes.js';

/**
 * A questionnaire as a FLOIP Flow Spec container (https://github.com/FLOIP/flow-spec): one
 * flow supporting USSD and IVR, its languages, a resource per text holding each language's
 * text (and the recording, where one exists) per mode, kept as the spec's Containers table says:
 * in the container's `resources`, keyed by resource uuid; and one MobilePrimitives block per
 * screen: Message for the introduction, and for each question the block its type says
 * (floipBlock in src/engine/question-types/). Blocks run in
 * order through their default exit; a show-if on the question just before is a branch in
 * that question's exits. What the spec has no field for (the question type
 * behind a SelectOneResponse, roles, show-if conditions, facility types, titles) travels in
 * vendor_metadata under one namespace, so an export reads back as the same questionnaire.
 */

export const SPECIFICATION_VERSION = '1.0.0-rc3';
export const VENDOR = 'org_citizen-report-card';

/** ISO 639-1 (the service's language codes) to ISO 639-3 (FLOIP's). */
const ISO_639_3: Record<string, string> = {
  af: 'afr',
  am: 'amh',
  ar: 'ara',
  en: 'eng',
  fr: 'fra',
  ha: 'hau',
  ig: 'ibo',
  lg: 'lug',
  nr: 'nbl',
  ny: 'nya',
  pt: 'por',
  rw: 'kin',
  sn: 'sna',
  so: 'som',
  ss: 'ssw',
  st: 'sot',
  sw: 'swa',
  tn: 'tsn',
  ts: 'tso',
  ve: 'ven',
  xh: 'xho',
  yo: 'yor',
  zu: 'zul',
};
const FROM_639_3: Record<string, string> = { ...Object.fromEntries(Object.entries(ISO_639_3).map(([two, three]) => [three, two])), fre: 'fr' };
export const iso6393 = (lang: string) => ISO_639_3[lang] ?? lang;

/** Stable ids: the same questionnaire exports the same uuids, so two exports diff cleanly. */
function uuidFor(...parts: string[]): string {
  const h = createHash('sha1').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

type ResourceValue = { language_id: string; content_type: string; mime_type: string; modes: string[]; value: string };
type Resource = { uuid: string; values: ResourceValue[] };
type Exit = { uuid: string; name: string; default?: boolean; test?: string; destination_block: string | null };
type Block = { uuid: string; name: string; label?: string; type: string; config: Record<string, unknown>; exits: Exit[]; vendor_metadata?: Record<string, unknown> };

export type FloipOptions = { languages: string[]; defaultLanguage: string; languageNames: Record<string, string>; audio?: AudioLookup; systemText: (lang: string, key: string) => string; now: Date };

export function toFloipContainer(bundle: FormBundle, opts: FloipOptions) {
  const def = bundle.definition;
  const resources: Record<string, Resource> = {};
  const mimeOf = (file: string) => (file.endsWith('.mp3') ? 'audio/mpeg' : 'audio/wav');
  /** A resource for a text: per language its USSD text, its IVR text (the spoken form where there is one), its recording. */
  const resource = (path: string, read: (lang: string) => { text: string; spoken?: string; audioKey?: string }) => {
    const uuid = uuidFor(def.id, 'resource', path);
    const values: ResourceValue[] = [];
    for (const lang of opts.languages) {
      const language_id = iso6393(lang);
      const { text, spoken, audioKey } = read(lang);
      if (!text) continue;
      const text_ = (modes: string[], value: string) => values.push({ language_id, content_type: 'TEXT', mime_type: 'text/plain', modes, value });
      if (spoken && spoken !== text) {
        text_(['USSD'], text);
        text_(['IVR'], spoken);
      } else text_(['USSD', 'IVR'], text);
      const file = audioKey ? opts.audio?.(lang, audioKey) : null;
      if (file) values.push({ language_id, content_type: 'AUDIO', mime_type: mimeOf(file), modes: ['IVR'], value: file });
    }
    resources[uuid] = { uuid, values };
    return uuid;
  };
  const own = (p: string) => resource(p, (lang) => ({ text: textOf(bundle, lang, p), spoken: textOf(bundle, lang, `spoken.${p}`), audioKey: `${def.id}.${p}` }));
  const system = (key: string) => resource(`system.${key}`, (lang) => ({ text: opts.systemText(lang, key), audioKey: `system.${key}` }));

  const blocks: Block[] = [];
  const introUuid = uuidFor(def.id, 'block', 'intro');
  blocks.push({ uuid: introUuid, name: 'intro', label: 'Introduction', type: 'MobilePrimitives.Message', config: { prompt: own('intro') }, exits: [] });
  for (const q of def.questions) {
    const meta: Record<string, unknown> = { question_type: q.type, optional: q.optional };
    if (q.role) meta.role = q.role;
    if (q.showIf) meta.show_if = q.showIf;
    const part = questionType(q).floipBlock(q);
    const block: Block = {
      uuid: uuidFor(def.id, 'block', q.id),
      name: q.id,
      label: textOf(bundle, opts.defaultLanguage, questionTextPath(q)) || q.id,
      type: part.type,
      config: { prompt: own(questionTextPath(q)) },
      exits: [],
    };
    const prompt = (text: FormText) => ('system' in text ? system(text.system) : own(`questions.${q.id}.${text.question}`));
    if (part.choices)
      block.config.choices = part.choices.map((c, i) => ({
        name: c.name,
        prompt: prompt(c.prompt),
        ivr_test: { test_expression: `block.response = ${i + 1}` },
        text_tests: [{ test_expression: `block.response = ${i + 1}` }],
      }));
    Object.assign(block.config, part.config);
    Object.assign(meta, part.metadata);
    block.vendor_metadata = { [VENDOR]: meta };
    blocks.push(block);
  }
  blocks.forEach((b, i) => {
    b.exits = [{ uuid: uuidFor(b.uuid, 'exit'), name: 'Default', default: true, destination_block: blocks[i + 1]?.uuid ?? null }];
  });
  // a question shown only after some answers to the question just before it is a branch any
  // FLOIP runner follows: those answers lead to it, the default exit skips it
  def.questions.forEach((q, i) => {
    const watched = def.questions[i - 1];
    const after = def.questions[i + 1];
    if (!q.showIf || q.showIf.question !== watched?.id || after?.showIf?.question === q.id) return;
    // blocks[0] is the introduction, so question i is blocks[i + 1] and the one it watches blocks[i]
    const from = blocks[i]!;
    const tests = q.showIf.anyOf.map((v) => ({ uuid: uuidFor(from.uuid, 'exit', String(v)), name: String(v), test: `block.value = '${v}'`, destination_block: blocks[i + 1]!.uuid }));
    from.exits = [...tests, { ...from.exits[0]!, destination_block: blocks[i + 2]?.uuid ?? null }];
  });
  const title = textOf(bundle, opts.defaultLanguage, 'title') || def.id;
  return {
    specification_version: SPECIFICATION_VERSION,
    uuid: uuidFor(def.id, 'container'),
    name: title,
    description: `${title}: citizen report card questionnaire ${def.id}`,
    vendor_metadata: {},
    flows: [
      {
        uuid: uuidFor(def.id, 'flow'),
        name: def.id,
        label: title,
        last_modified: opts.now.toISOString().replace('T', ' ').replace('Z', ''),
        interaction_timeout: 180,
        vendor_metadata: {
          [VENDOR]: {
            facility_types: def.facilityTypes,
            titles: Object.fromEntries(opts.languages.map((l) => [l, textOf(bundle, l, 'title')])),
            ...(def.followUp ? { follow_up: def.followUp } : {}),
          },
        },
        supported_modes: ['USSD', 'IVR'],
        first_block_id: introUuid,
        languages: opts.languages.map((l) => ({ id: iso6393(l), label: opts.languageNames[l] ?? l, iso_639_3: iso6393(l), variant: null, bcp_47: l })),
        blocks,
      },
    ],
    resources,
  };
}

// ------------------------------------------------------------------ import

const Loose = z.looseObject({});
const ResourceValueIn = z.looseObject({ language_id: z.string(), content_type: z.string().optional(), modes: z.array(z.string()).optional(), value: z.string() });
const ResourceIn = z.looseObject({ uuid: z.string(), values: z.array(ResourceValueIn) });
const ExitIn = z.looseObject({ name: z.string().optional(), default: z.boolean().optional(), test: z.string().nullish(), destination_block: z.string().nullish() });
const BlockIn = z.looseObject({ uuid: z.string(), name: z.string(), type: z.string(), config: Loose.optional(), exits: z.array(ExitIn).default([]), vendor_metadata: Loose.nullish() });
const Resources = z.union([z.array(ResourceIn), z.record(z.string(), ResourceIn)]).default([]);
const LanguageIn = z.looseObject({ id: z.string(), label: z.string().nullish(), iso_639_3: z.string().nullish(), bcp_47: z.string().nullish() });
const FlowIn = z.looseObject({
  name: z.string(),
  label: z.string().nullish(),
  first_block_id: z.string().nullish(),
  languages: z.array(LanguageIn),
  blocks: z.array(BlockIn).min(1),
  resources: Resources,
  vendor_metadata: Loose.nullish(),
});
// the spec keeps resources in the container, keyed by uuid; its examples (and older files) show a list, or put them in the flow
const ContainerIn = z.looseObject({ specification_version: z.string().optional(), flows: z.array(Loose).min(1), resources: Resources });

const BlockMeta = z.object({
  question_type: z.enum(['choice', 'yesno', 'rating', 'number', 'facility', 'text']).optional(),
  optional: z.boolean().optional(),
  role: QuestionRole.optional(),
  show_if: ShowIf.optional(),
  max_length: z.number().int().optional(),
  choices: z.record(z.string(), z.object({ positive: z.boolean().optional(), none: z.boolean().optional() })).optional(),
});
const FlowMeta = z.object({ facility_types: z.array(z.string()).optional(), titles: z.record(z.string(), z.string()).optional(), follow_up: z.unknown().optional() });

/** A problem with one block, or the container as a whole (block 0). */
export type FlowError = { block: number; name: string; message: string };
export type FloipImport = ({ ok: true } & ImportedForm) | { ok: false; errors: FlowError[] };

export const SUPPORTED_BLOCKS = ['MobilePrimitives.Message', 'MobilePrimitives.SelectOneResponse', 'MobilePrimitives.NumericResponse', 'MobilePrimitives.OpenResponse'];

const zodMessage = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');

/** A block or choice name as an id the engine accepts: "OpenResponseFeedback" becomes "open_response_feedback". */
export function toIdentifier(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return (/^[a-z]/.test(snake) ? snake : `q_${snake}`).slice(0, 32);
}

export function fromFloipContainer(input: unknown, opts: ImportOptions): FloipImport {
  const container = ContainerIn.safeParse(input);
  if (!container.success) return { ok: false, errors: [{ block: 0, name: '', message: `this is not a FLOIP container: ${zodMessage(container.error)}` }] };
  if (container.data.flows.length > 1)
    return { ok: false, errors: [{ block: 0, name: '', message: `the container holds ${container.data.flows.length} flows; export one flow per file and import them one at a time` }] };
  const parsed = FlowIn.safeParse(container.data.flows[0]);
  if (!parsed.success) return { ok: false, errors: [{ block: 0, name: '', message: `the flow is not in the FLOIP shape: ${zodMessage(parsed.error)}` }] };
  const flow = parsed.data;
  const errors: FlowError[] = [];
  const warnings: string[] = [];

  // languages: the flow's ids to the service's codes
  const langOf = new Map<string, string>();
  for (const l of flow.languages) {
    const bcp = (l.bcp_47 ?? '').toLowerCase().split('-')[0] ?? '';
    const code = [bcp, FROM_639_3[l.iso_639_3 ?? ''] ?? '', FROM_639_3[l.id] ?? '', l.id].find((c) => opts.languages.includes(c));
    if (code) langOf.set(l.id, code);
    else warnings.push(`the flow's language "${l.id}"${l.label ? ` (${l.label})` : ''} is not one of this service's languages (${opts.languages.join(', ')}), so its texts were not imported`);
  }
  const listed = (r: z.infer<typeof Resources>) => (Array.isArray(r) ? r : Object.values(r));
  const resources = new Map([...listed(container.data.resources), ...listed(flow.resources)].map((r) => [r.uuid, r]));
  const texts: Record<string, Record<string, unknown>> = {};
  let audioSkipped = 0;
  const readResource = (uuid: unknown, path: string, where: { block: number; name: string }) => {
    if (typeof uuid !== 'string') return;
    const r = resources.get(uuid);
    if (!r) {
      errors.push({ ...where, message: `its prompt names resource ${uuid}, which is not in the flow's resources` });
      return;
    }
    for (const v of r.values) {
      const lang = langOf.get(v.language_id);
      if (!lang) continue;
      const type = (v.content_type ?? 'text').toUpperCase();
      const modes = (v.modes ?? []).map((m) => m.toUpperCase());
      if (type === 'AUDIO') {
        if (v.value !== opts.audio?.(lang, `${opts.questionnaireId}.${path}`)) audioSkipped++;
        continue;
      }
      if (type !== 'TEXT') continue;
      const screen = modes.length === 0 || modes.some((m) => m === 'USSD' || m === 'TEXT' || m === 'SMS');
      if (screen) setText(texts, lang, path, v.value);
      else if (modes.includes('IVR')) setText(texts, lang, `spoken.${path}`, v.value);
    }
  };

  // the blocks in the order they run: from the first block along the exits, which must agree
  const byUuid = new Map(flow.blocks.map((b, i) => [b.uuid, { block: b, index: i + 1 }]));
  const order: Array<{ block: z.infer<typeof BlockIn>; index: number }> = [];
  const shownAfter = new Map<string, { question: string; anyOf: Array<string | number> }>();
  const visited = new Set<string>();
  let next: string | null = flow.first_block_id ?? flow.blocks[0]!.uuid;
  while (next) {
    const at = byUuid.get(next);
    if (!at) {
      errors.push({ block: 0, name: '', message: `an exit leads to block ${next}, which is not in the flow` });
      break;
    }
    if (visited.has(next)) {
      errors.push({ block: at.index, name: at.block.name, message: 'the flow comes back to this block; a questionnaire asks each question once, in order' });
      break;
    }
    visited.add(next);
    order.push(at);
    const destinations = [...new Set(at.block.exits.map((e) => e.destination_block ?? null))];
    const branch = destinations.length === 2 ? skippedBlock(at.block, byUuid) : null;
    if (branch) {
      shownAfter.set(branch.to, { question: toIdentifier(at.block.name), anyOf: branch.values });
      next = branch.to;
      continue;
    }
    if (destinations.length > 1) {
      errors.push({ block: at.index, name: at.block.name, message: 'its exits lead to different blocks; this service asks every question in one order (use show-if conditions instead of branches)' });
      break;
    }
    next = destinations[0] ?? null;
  }
  const unreached = flow.blocks.filter((b) => !visited.has(b.uuid)).map((b) => `'${b.name}'`);
  if (unreached.length && !errors.length) warnings.push(`blocks ${unreached.join(', ')} are not reached from the first block, so they were not imported`);

  const questions: Array<Record<string, unknown>> = [];
  const ids = new Set<string>();
  for (const { block, index } of order) {
    const where = { block: index, name: block.name };
    const config = (block.config ?? {}) as Record<string, unknown>;
    const metaRaw = (block.vendor_metadata as Record<string, unknown> | null | undefined)?.[VENDOR] ?? {};
    const meta = BlockMeta.safeParse(metaRaw);
    if (!meta.success) {
      errors.push({ ...where, message: `its vendor_metadata.${VENDOR} is not understood: ${zodMessage(meta.error)}` });
      continue;
    }
    const m = meta.data;
    if (!SUPPORTED_BLOCKS.includes(block.type)) {
      errors.push({ ...where, message: `${block.type} is not supported; use one of ${SUPPORTED_BLOCKS.join(', ')}` });
      continue;
    }
    // the spec's own Message example names its resource `message`, its table `prompt`
    const prompt = config.prompt ?? config.question_prompt ?? config.message;
    if (block.type === 'MobilePrimitives.Message') {
      if (questions.length > 0 || index !== order[0]!.index)
        errors.push({ ...where, message: 'a Message block can only be the first block (it becomes the introduction); this service shows no screens between questions' });
      else readResource(prompt, 'intro', where);
      continue;
    }
    const id = toIdentifier(block.name);
    if (id !== block.name) warnings.push(`block '${block.name}' became question '${id}'`);
    if (!IDENTIFIER.test(id) || ids.has(id)) {
      errors.push({ ...where, message: `its name gives the question id '${id}', which ${ids.has(id) ? 'another block already has' : 'is not a valid id'}` });
      continue;
    }
    ids.add(id);
    const q: Record<string, unknown> = { id, optional: m.optional ?? false };
    if (m.role) q.role = m.role;
    const derived = shownAfter.get(block.uuid);
    if (m.show_if ?? derived) q.showIf = m.show_if ?? derived;
    readResource(prompt, questionTextPath({ id }), where);
    if (block.type === 'MobilePrimitives.SelectOneResponse') {
      const choices = z.array(z.looseObject({ name: z.string(), prompt: z.string().optional() })).safeParse(config.choices ?? []);
      if (!choices.success || choices.data.length === 0) {
        errors.push({ ...where, message: 'a SelectOneResponse block needs config.choices, each with a name' });
        continue;
      }
      const names = choices.data.map((c) => c.name);
      if (m.question_type === 'yesno' && names.join(',') === YES_NO_CODES.join(',')) q.type = 'yesno';
      else if (m.question_type === 'rating' && names.join(',') === RATING_CODES.join(',')) q.type = 'rating';
      else {
        q.type = 'choice';
        const options: Array<Record<string, unknown>> = [];
        for (const c of choices.data) {
          const code = toIdentifier(c.name);
          if (options.some((o) => o.code === code)) {
            errors.push({ ...where, message: `choices '${c.name}' and another give the same option code '${code}'` });
            continue;
          }
          if (code !== c.name) warnings.push(`choice '${c.name}' of block '${block.name}' became option '${code}'`);
          options.push({ code, ...(m.choices?.[code] ?? {}) });
          readResource(c.prompt, optionTextPath({ id }, code), where);
        }
        q.options = options;
      }
    } else if (block.type === 'MobilePrimitives.NumericResponse') {
      if (m.question_type === 'facility') q.type = 'facility';
      else {
        q.type = 'number';
        q.min = typeof config.validation_minimum === 'number' ? config.validation_minimum : 1;
        q.max = typeof config.validation_maximum === 'number' ? config.validation_maximum : 99_999_999;
      }
    } else {
      q.type = 'text';
      q.maxLength = m.max_length ?? 140;
    }
    questions.push(q);
  }

  const flowMeta = FlowMeta.safeParse((flow.vendor_metadata as Record<string, unknown> | null | undefined)?.[VENDOR] ?? {});
  const fm = flowMeta.success ? flowMeta.data : {};
  for (const [lang, title] of Object.entries(fm.titles ?? {})) if (opts.languages.includes(lang)) setText(texts, lang, 'title', title);
  if (!fm.titles) setText(texts, opts.defaultLanguage, 'title', flow.label ?? flow.name);
  const facilityTypes = fm.facility_types ?? opts.facilityTypes;
  if (!facilityTypes?.length)
    errors.push({ block: 0, name: '', message: 'the flow does not say which kinds of facility it serves; import it into an existing questionnaire, whose facility types it keeps' });
  if (audioSkipped)
    warnings.push(`${audioSkipped} audio value(s) were not imported: a call plays only recordings the server has, added to locales/<lang>/audio.json as the README's "Languages and recordings" says`);
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    definition: { id: opts.questionnaireId, facilityTypes, questions, ...(fm.follow_up === undefined ? {} : { followUp: fm.follow_up }) },
    texts: completeTexts(texts, opts.languages),
    warnings,
  };
}

type BlockAt = { block: z.infer<typeof BlockIn>; index: number };

/**
 * A block whose answers either lead to the next block or skip it: tests to block Q, the
 * default exit to R, and Q leading on to R. Q is then a question shown after those answers.
 */
function skippedBlock(from: z.infer<typeof BlockIn>, byUuid: Map<string, BlockAt>): { to: string; values: Array<string | number> } | null {
  const fallback = from.exits.find((e) => e.default);
  const tests = from.exits.filter((e) => !e.default);
  const to = tests[0]?.destination_block;
  if (!fallback || !to || tests.some((e) => e.destination_block !== to) || to === (fallback.destination_block ?? null)) return null;
  const skipped = byUuid.get(to);
  if (!skipped || skipped.block.exits.some((e) => (e.destination_block ?? null) !== (fallback.destination_block ?? null))) return null;
  const values: Array<string | number> = [];
  for (const e of tests) {
    const m = /^block\.value\s*=\s*'?([^']+?)'?$/.exec((e.test ?? '').trim());
    if (!m) return null;
    values.push(/^\d+$/.test(m[1]!) ? Number(m[1]) : toIdentifier(m[1]!));
  }
  return { to, values };
}

/** "block 3 'ice_cream_order': ..." */
export function describeFlowError(e: FlowError): string {
  return e.block ? `block ${e.block} '${e.name}': ${e.message}` : e.message;
}
