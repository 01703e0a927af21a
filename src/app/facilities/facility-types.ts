import { z } from 'zod';
import type { Clock } from '../../gateways/clock.js';
import type { FacilityType, FacilityTypeName, QuestionnaireVersion, Store } from '../../storage/ports.js';
import { recordAudit } from '../staff/audit.js';
import { IDENTIFIER } from '../../engine/codes.js';

/**
 * The kinds of service staff manage (facility types): add one with its name in every language
 * the programme offers, rename it, list them with what uses them. A facility may have any
 * stored type, even one no live questionnaire serves yet (it cannot be dialled until one is
 * published); a questionnaire may serve only stored types. The three shipped types are
 * stored on first start with the names the locales give them (seedFacilityTypes).
 */

/** a name is a page's subtitle and a list's label */
export const TYPE_NAME_MAX = 40;
/** "several of them" goes into a scorecard SMS of at most two segments */
export const TYPE_PLURAL_MAX = 30;

export type FacilityTypeDeps = {
  storage: Store;
  clock: Clock;
  /** the languages the programme offers */
  languages: string[];
  defaultLanguage: string;
  /** a language's name as staff read it ("Kiswahili"); the code when absent */
  languageName?: (lang: string) => string;
};

export const FacilityTypeCode = z.string().trim().regex(IDENTIFIER, 'use lower-case letters, digits and _, starting with a letter, such as water_point');

const NamesInput = z.record(
  z.string().regex(/^[a-z]{2,3}$/, 'must be a language code such as en'),
  z.object({
    name: z.string().trim().max(TYPE_NAME_MAX, `must be at most ${TYPE_NAME_MAX} characters`).default(''),
    plural: z.string().trim().max(TYPE_PLURAL_MAX, `must be at most ${TYPE_PLURAL_MAX} characters`).default(''),
  }),
  { error: 'give the names as { "<language>": { "name": "...", "plural": "..." } }' },
);

/** A new kind of service as staff send it: its code and, per language, its name for one and for several. */
export const FacilityTypeInput = z.object({ code: FacilityTypeCode, names: NamesInput });
export type FacilityTypeInput = z.input<typeof FacilityTypeInput>;

/** New names for a kind of service; `revision` is the one the editor loaded (a later save by someone else is refused). */
export const FacilityTypeRename = z.object({ names: NamesInput, revision: z.number({ error: 'must be the revision you loaded (a number)' }).int().min(0) });
export type FacilityTypeRename = z.input<typeof FacilityTypeRename>;

export type FieldError = { field: string; message: string };
export type FacilityTypeWrite = { ok: true; type: FacilityType } | { ok: false; errors: FieldError[]; status: 400 | 404 | 409 };

const issuesOf = (error: z.ZodError): FieldError[] => error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));

/** Every offered language needs both names; a language the programme does not offer is refused by name. */
async function checkNames(deps: FacilityTypeDeps, code: string, names: Record<string, FacilityTypeName>): Promise<FieldError[]> {
  const languageName = deps.languageName ?? ((l: string) => l);
  const errors: FieldError[] = [];
  for (const lang of Object.keys(names)) {
    if (!deps.languages.includes(lang)) errors.push({ field: `names.${lang}`, message: `${lang} is not a language the programme offers (${deps.languages.join(', ')})` });
  }
  for (const lang of deps.languages) {
    const given = names[lang];
    const inLanguage = `${languageName(lang)} (${lang})`;
    if (!given?.name) errors.push({ field: `names.${lang}.name`, message: `the name in ${inLanguage} is missing: write what one of them is called, such as "Water point"` });
    if (!given?.plural) errors.push({ field: `names.${lang}.plural`, message: `the name for several in ${inLanguage} is missing: write it as a sentence says it, such as "water points"` });
  }
  // two kinds of service with one name could not be told apart on a page or in an SMS
  const others = (await deps.storage.facilityTypes.list()).filter((t) => t.code !== code);
  for (const lang of deps.languages) {
    const name = names[lang]?.name?.toLocaleLowerCase();
    const same = name ? others.find((t) => t.names[lang]?.name.toLocaleLowerCase() === name) : undefined;
    if (same) errors.push({ field: `names.${lang}.name`, message: `"${names[lang]!.name}" is already the name of ${same.code} in ${languageName(lang)}` });
  }
  return errors;
}

const onlyOffered = (deps: FacilityTypeDeps, names: Record<string, FacilityTypeName>) => Object.fromEntries(deps.languages.map((l) => [l, names[l]!]));

export async function addFacilityType(deps: FacilityTypeDeps, input: unknown, by: string): Promise<FacilityTypeWrite> {
  const parsed = FacilityTypeInput.safeParse(input);
  if (!parsed.success) return { ok: false, errors: issuesOf(parsed.error), status: 400 };
  const { code, names } = parsed.data;
  const errors = await checkNames(deps, code, names);
  if (errors.length) return { ok: false, errors, status: 400 };
  const now = deps.clock.now();
  const type: FacilityType = { code, names: onlyOffered(deps, names), createdAt: now, createdBy: by, updatedAt: now, updatedBy: by, revision: 0 };
  // the storage's unique code decides, so two people adding the same code at once cannot overwrite each other
  if (!(await deps.storage.facilityTypes.create(type))) {
    return { ok: false, errors: [{ field: 'code', message: `${code} already exists: change its names instead of adding it again` }], status: 409 };
  }
  await recordAudit(deps, { actor: by, action: 'facility_type.added', target: `facility type ${code}`, details: { name: type.names[deps.defaultLanguage]?.name ?? code } });
  return { ok: true, type };
}

export async function renameFacilityType(deps: FacilityTypeDeps, code: string, input: unknown, by: string): Promise<FacilityTypeWrite> {
  const current = await deps.storage.facilityTypes.get(code);
  if (!current) return { ok: false, errors: [{ field: 'code', message: `there is no facility type ${code}` }], status: 404 };
  const parsed = FacilityTypeRename.safeParse(input);
  if (!parsed.success) return { ok: false, errors: issuesOf(parsed.error), status: 400 };
  const errors = await checkNames(deps, code, parsed.data.names);
  if (errors.length) return { ok: false, errors, status: 400 };
  const conflict = { ok: false as const, errors: [{ field: 'revision', message: `${current.updatedBy} changed ${code} after you opened it; reload to see their names` }], status: 409 as const };
  if (parsed.data.revision !== current.revision) return conflict;
  // names of a language the programme no longer offers are kept, for the day it is offered again
  const names = { ...current.names, ...onlyOffered(deps, parsed.data.names) };
  const next: FacilityType = { ...current, names, updatedAt: deps.clock.now(), updatedBy: by };
  if (!(await deps.storage.facilityTypes.update(next, current.revision))) return conflict;
  const changed = deps.languages.filter((l) => JSON.stringify(current.names[l] ?? null) !== JSON.stringify(names[l]));
  await recordAudit(deps, { actor: by, action: 'facility_type.renamed', target: `facility type ${code}`, details: { name: names[deps.defaultLanguage]?.name ?? code, languages: changed.join(', ') } });
  return { ok: true, type: { ...next, revision: current.revision + 1 } };
}

/** The codes staff may give a facility or a questionnaire: the stored types. */
export async function knownFacilityTypeCodes(storage: Store): Promise<string[]> {
  return (await storage.facilityTypes.list()).map((t) => t.code);
}

/** A type's name for one, in a language, else the default language, else its code (a type no one has named yet). */
export function typeName(type: FacilityType | undefined, code: string, lang: string, defaultLanguage: string): string {
  return type?.names[lang]?.name || type?.names[defaultLanguage]?.name || code;
}

/** A type's name for several, in a language, else the default language; null when it has none (the caller says "facilities"). */
export function typePlural(type: FacilityType | undefined, lang: string, defaultLanguage: string): string | null {
  return type?.names[lang]?.plural || type?.names[defaultLanguage]?.plural || null;
}

/** Names by code, for pages that show many facilities. */
export async function facilityTypeNames(storage: Store, lang: string, defaultLanguage: string): Promise<(code: string) => string> {
  const byCode = new Map((await storage.facilityTypes.list()).map((t) => [t.code, t]));
  return (code) => typeName(byCode.get(code), code, lang, defaultLanguage);
}

export type FacilityTypeUse = {
  code: string;
  /** null: in use (by a facility or a published questionnaire) but never added, so it has no names */
  type: FacilityType | null;
  facilities: { active: number; inactive: number };
  /** the newest published version of the questionnaire that serves it, if one does */
  live: Pick<QuestionnaireVersion, 'id' | 'version'> | null;
};

/**
 * Each stored type with how many facilities have it and which live questionnaire serves it;
 * then the types in use that were never added (facilities imported, or questionnaires
 * published, before types were kept), so staff can name them.
 */
export async function facilityTypeUses(storage: Store): Promise<FacilityTypeUse[]> {
  const [types, facilities, versions] = await Promise.all([storage.facilityTypes.list(), storage.facilities.list(), storage.questionnaires.listVersions()]);
  const live = new Map<string, QuestionnaireVersion>();
  for (const v of versions) if (v.status === 'published' && (live.get(v.id)?.version ?? 0) < v.version) live.set(v.id, v);
  const servedBy = (code: string) => [...live.values()].find((v) => v.definition.facilityTypes.includes(code)) ?? null;
  const stored = new Set(types.map((t) => t.code));
  const unnamed = [...new Set([...facilities.map((f) => f.type), ...[...live.values()].flatMap((v) => v.definition.facilityTypes)])].filter((c) => !stored.has(c)).sort();
  const use = (code: string, type: FacilityType | null): FacilityTypeUse => {
    const own = facilities.filter((f) => f.type === code);
    const q = servedBy(code);
    return { code, type, facilities: { active: own.filter((f) => f.active).length, inactive: own.filter((f) => !f.active).length }, live: q ? { id: q.id, version: q.version } : null };
  };
  return [...types.map((t) => use(t.code, t)), ...unnamed.map((c) => use(c, null))];
}

/** A shipped type and its names, read from the locales (see shippedFacilityTypes in entry). */
export type ShippedFacilityType = { code: string; names: Record<string, FacilityTypeName> };

/**
 * First start (and every start after, on any instance): stores each shipped type that is not
 * stored yet. A type staff renamed keeps their names; a concurrent start adding the same
 * type loses quietly to the unique code.
 */
export async function seedFacilityTypes(deps: { storage: Store; clock: Clock }, shipped: ShippedFacilityType[]): Promise<string[]> {
  const added: string[] = [];
  for (const s of shipped) {
    if (await deps.storage.facilityTypes.get(s.code)) continue;
    const now = deps.clock.now();
    if (await deps.storage.facilityTypes.create({ code: s.code, names: s.names, createdAt: now, createdBy: 'seed', updatedAt: now, updatedBy: 'seed', revision: 0 })) added.push(s.code);
  }
  return added;
}

/**
 * The shipped types' names from the locales: the public pages' `public.type.<code>` for one,
 * the scorecard's `types.<code>` for several. A language without them takes the default
 * language's. A shipped questionnaire whose type the locales do not name at all (a deployment
 * that added a flow and not its names) still starts: the type is called by its code for one
 * and by the scorecard's word for facilities (`type.other`) for several, as pages and SMS did
 * before types were kept, and `unnamed` lists it so the start can say staff should name it.
 */
export function shippedFacilityTypes(
  codes: string[],
  languages: string[],
  defaultLanguage: string,
  texts: {
    publicName: (lang: string, code: string) => string | undefined;
    scorecardPlural: (lang: string, code: string) => string | undefined;
    /** "facilities" in a language: the scorecard's `type.other` */
    otherPlural: (lang: string) => string | undefined;
  },
): { types: ShippedFacilityType[]; unnamed: string[] } {
  const unnamed = new Set<string>();
  const types = codes.map((code) => {
    const names: Record<string, FacilityTypeName> = {};
    for (const lang of languages) {
      let name = texts.publicName(lang, code) ?? texts.publicName(defaultLanguage, code);
      let plural = texts.scorecardPlural(lang, code) ?? texts.scorecardPlural(defaultLanguage, code);
      if (!name || !plural) unnamed.add(code);
      name ||= code;
      plural ||= texts.otherPlural(lang) ?? texts.otherPlural(defaultLanguage) ?? code;
      names[lang] = { name, plural };
    }
    return { code, names };
  });
  return { types, unnamed: [...unnamed] };
}
