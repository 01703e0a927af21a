import { z } from 'zod';
import { FACILITY_CODE } from '../../engine/codes.js';
import type { Clock } from '../../gateways/clock.js';
import type { Facility, Store } from '../../storage/ports.js';
import { csvLine } from '../../text/csv.js';
import { recordAudit } from '../staff/audit.js';
import { knownFacilityTypeCodes } from './facility-types.js';
import { releasePinsOfFormerManagers } from '../cases/manager-pin.js';
import { FACILITY_CSV_COLUMNS, FACILITY_NAME_MAX, formerManagerNumbers, importFacilities, managerPhone, managerPhoneProblem, unknownTypeMessage, type ImportResult } from './facility-registry.js';
import type { CountryCode } from '../../gateways/phone-number.js';

/**
 * Facilities and their managers as staff keep them: create, edit, deactivate, import and
 * export. A district is known when a facility already uses it or an admin has listed it;
 * a facility type is known when staff have added it (facility-types.ts), whether or not a
 * live questionnaire serves it yet: a facility of a type none serves can be added ahead of
 * its questionnaire, and respondents who dial it are told there is no survey for it yet.
 */

export type RegistryDeps = { storage: Store; clock: Clock; languages: string[]; defaultCountry: CountryCode };

export async function knownDistricts(storage: Store): Promise<string[]> {
  const listed = await storage.districts.list();
  const used = (await storage.facilities.list()).map((f) => f.district);
  return [...new Set([...listed, ...used])].sort((a, b) => a.localeCompare(b));
}

export async function knownFacilityTypes(storage: Store): Promise<string[]> {
  return knownFacilityTypeCodes(storage);
}

/** Whether respondents can report on facilities of a type now: a live questionnaire serves it. */
export async function liveQuestionnaireFor(storage: Store, type: string): Promise<{ id: string; version: number } | null> {
  return storage.questionnaires.latestPublishedForFacilityType(type);
}

/**
 * A facility and its managers as staff send it. Given the default country, a manager's phone
 * is checked and put in E.164 (see managerPhone); without one (the OpenAPI document) it is
 * described as the string it is sent as.
 */
function facilityInputSchema(defaultCountry?: CountryCode) {
  const phone = z
    .string()
    .trim()
    .min(1, 'is required')
    .max(40, 'is too long')
    .transform((value, ctx) => {
      if (!defaultCountry) return value;
      const e164 = managerPhone(value, defaultCountry);
      if (e164) return e164;
      ctx.addIssue({ code: 'custom', message: managerPhoneProblem(defaultCountry) });
      return z.NEVER;
    });
  const manager = z.object({
    name: z.string().trim().min(1, 'is required').max(80),
    phone,
    language: z.string().trim(),
    role: z.enum(['facility', 'district'], { error: 'must be facility or district' }).default('facility'),
    active: z.boolean().default(true),
    optedOut: z.boolean().default(false),
  });
  return z.object({
    code: z.string().trim().regex(FACILITY_CODE, 'must be 3 to 8 digits'),
    name: z.string().trim().min(2, 'is required').max(FACILITY_NAME_MAX, `must be at most ${FACILITY_NAME_MAX} characters`),
    type: z.string().trim().min(1, 'is required'),
    district: z.string().trim().min(2, 'is required').max(60),
    active: z.boolean().default(true),
    managers: z.array(manager).max(20).default([]),
  });
}
export const FacilityInput = facilityInputSchema();
export type FacilityInput = z.input<typeof FacilityInput>;

export type FieldError = { field: string; message: string };
export type FacilityWrite = { ok: true; facility: Facility } | { ok: false; errors: FieldError[]; notFound?: boolean };

async function check(deps: RegistryDeps, input: unknown): Promise<{ facility: Facility } | { errors: FieldError[] }> {
  const parsed = facilityInputSchema(deps.defaultCountry).safeParse(input);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) };
  const f = parsed.data;
  const errors: FieldError[] = [];
  const types = await knownFacilityTypes(deps.storage);
  if (!types.includes(f.type)) errors.push({ field: 'type', message: unknownTypeMessage(f.type, types) });
  const districts = await knownDistricts(deps.storage);
  if (!districts.includes(f.district)) errors.push({ field: 'district', message: `"${f.district}" is not a known district; an admin can add it on the facilities page` });
  f.managers.forEach((m, i) => {
    if (!deps.languages.includes(m.language)) errors.push({ field: `managers.${i}.language`, message: `must be one of ${deps.languages.join(', ')}` });
  });
  return errors.length ? { errors } : { facility: f };
}

export async function createFacility(deps: RegistryDeps, input: unknown, by: string): Promise<FacilityWrite> {
  const checked = await check(deps, input);
  if ('errors' in checked) return { ok: false, errors: checked.errors };
  // the storage's unique code decides, so two people creating the same code at once cannot overwrite each other
  if (!(await deps.storage.facilities.insert(checked.facility))) {
    return { ok: false, errors: [{ field: 'code', message: `${checked.facility.code} is already used by another facility` }] };
  }
  await recordAudit(deps, { actor: by, action: 'facility.created', target: `facility ${checked.facility.code}`, details: { name: checked.facility.name } });
  return { ok: true, facility: checked.facility };
}

export async function updateFacility(deps: RegistryDeps, code: string, input: unknown, by: string): Promise<FacilityWrite> {
  const existing = await deps.storage.facilities.findByCode(code);
  if (!existing) return { ok: false, notFound: true, errors: [{ field: 'code', message: `no facility has code ${code}` }] };
  // the code is the facility's identity (respondents type it): it cannot be edited
  const checked = await check(deps, { ...(input as object), code });
  if ('errors' in checked) return { ok: false, errors: checked.errors };
  await deps.storage.facilities.upsertMany([checked.facility]);
  await recordAudit(deps, {
    actor: by,
    action: 'facility.updated',
    target: `facility ${code}`,
    details: { name: checked.facility.name, active: checked.facility.active, managers: checked.facility.managers.length },
  });
  await releasePinsOfFormerManagers(deps, formerManagerNumbers(existing, checked.facility), by);
  return { ok: true, facility: checked.facility };
}

export async function setFacilityActive(deps: RegistryDeps, code: string, active: boolean, by: string): Promise<boolean> {
  const existing = await deps.storage.facilities.findByCode(code);
  if (!existing) return false;
  await deps.storage.facilities.upsertMany([{ ...existing, active }]);
  await recordAudit(deps, { actor: by, action: active ? 'facility.reactivated' : 'facility.deactivated', target: `facility ${code}` });
  return true;
}

export async function importFacilityCsv(deps: RegistryDeps, csv: string, dryRun: boolean, by: string): Promise<ImportResult> {
  const known = { languages: deps.languages, facilityTypes: await knownFacilityTypes(deps.storage), districts: await knownDistricts(deps.storage), defaultCountry: deps.defaultCountry };
  const { result, formerManagers } = await importFacilities(deps.storage, csv, known, { dryRun });
  if (result.ok && !result.dryRun) {
    await recordAudit(deps, { actor: by, action: 'facilities.imported', target: 'facility registry', details: { rows: result.rows, inserted: result.inserted, updated: result.updated } });
    await releasePinsOfFormerManagers(deps, formerManagers, by);
  }
  return result;
}

export const FACILITY_EXPORT_COLUMNS = [...FACILITY_CSV_COLUMNS, 'active'] as const;

/** The registry as CSV, in the import format (plus an `active` column the import ignores). */
export async function* facilityCsv(storage: Store): AsyncGenerator<string> {
  yield csvLine([...FACILITY_EXPORT_COLUMNS]);
  for (const f of await storage.facilities.list()) {
    const base = [f.code, f.name, f.type, f.district];
    if (f.managers.length === 0) yield csvLine([...base, '', '', '', '', f.active]);
    for (const m of f.managers) yield csvLine([...base, m.name, m.phone, m.language, m.role, f.active]);
  }
}

export async function addDistrict(deps: RegistryDeps, name: string, by: string): Promise<boolean> {
  const added = await deps.storage.districts.add(name);
  if (added) await recordAudit(deps, { actor: by, action: 'district.added', target: `district ${name}` });
  return added;
}

/** A search of the registry as staff type it: code, name or district, any case; empty finds all. */
export const FacilitySearch = z.object({
  q: z.string().trim().max(60).catch('').default(''),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type FacilitySearch = z.infer<typeof FacilitySearch>;

export type FacilityPage = { items: Facility[]; total: number; matching: number; page: number; pages: number; pageSize: number; q: string };

export const FACILITY_PAGE_SIZE = 50;

/**
 * One page of the facilities whose code, name or district holds the search text, by code.
 * The registry is read whole (thousands of facilities at most), so the count is always the
 * stored one: a page shown after an import counts what the import wrote.
 */
export async function searchFacilities(storage: Store, search: FacilitySearch, pageSize = FACILITY_PAGE_SIZE): Promise<FacilityPage> {
  const all = await storage.facilities.list();
  const needle = search.q.toLocaleLowerCase();
  const matching = all.filter((f) => !needle || [f.code, f.name, f.district].some((v) => v.toLocaleLowerCase().includes(needle))).sort((a, b) => a.code.localeCompare(b.code));
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(search.page, pages);
  return { items: matching.slice((page - 1) * pageSize, page * pageSize), total: all.length, matching: matching.length, page, pages, pageSize, q: search.q };
}
