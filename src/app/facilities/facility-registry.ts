import { z } from 'zod';
import { FACILITY_CODE, IDENTIFIER } from '../../engine/codes.js';
import { parseCsv } from '../../text/csv.js';
import type { Facility, Manager, Store } from '../../storage/ports.js';
import { toE164, type CountryCode } from '../../gateways/phone-number.js';

/** Why a row's or a form's facility type is refused: it was never added (names the known ones). */
export const unknownTypeMessage = (type: string, known: string[]) =>
  `"${type}" is not a facility type: add it on the Facility types page first${known.length ? `; known types: ${known.join(', ')}` : ''}`;

/**
 * The facility registry as programme staff keep it: a CSV with one row per facility and
 * manager (a facility with several managers takes several rows; one without managers
 * leaves the manager columns empty). Every row is checked before anything is written, so
 * an import either lands whole or not at all.
 */

export const FACILITY_CSV_COLUMNS = ['code', 'name', 'type', 'district', 'manager_name', 'manager_phone', 'manager_language', 'manager_role'] as const;

export const FACILITY_NAME_MAX = 40;

/**
 * A manager's number as stored: E.164, read from international (+27821234567) or national
 * writing (0821234567, in DEFAULT_COUNTRY), or null when it is no valid number, so a bad
 * number is found on import and in the form, not when the scorecard SMS is sent.
 */
export function managerPhone(raw: string, defaultCountry: CountryCode): string | null {
  return toE164(raw, defaultCountry, 'valid');
}
export const managerPhoneProblem = (defaultCountry: CountryCode) => `is not a valid phone number: write it as +27821234567, or without the country code for ${defaultCountry}`;

const Row = z.object({
  code: z.string().trim().regex(FACILITY_CODE, 'must be 3 to 8 digits'),
  name: z.string().trim().min(2, 'is required').max(FACILITY_NAME_MAX, `must be at most ${FACILITY_NAME_MAX} characters`),
  type: z.string().trim().regex(IDENTIFIER, 'must be a facility type such as clinic, police or social_grant'),
  district: z.string().trim().min(2, 'is required').max(60),
  manager_name: z.string().trim().max(80),
  // our own exports write "'+27..." so spreadsheets keep the number as text; accept that back
  manager_phone: z
    .string()
    .trim()
    .transform((v) => v.replace(/^'(?=[=+\-@])/, '')),
  manager_language: z.string().trim(),
  manager_role: z.string().trim(),
});

export type RowError = { row: number; field: string; message: string };
export type RegistryParse = { facilities: Facility[]; errors: RowError[]; rows: number };

/**
 * What rows are checked against. `facilityTypes` and `districts` are the stored ones; left out,
 * that column is checked for its form only (the command line checks a file before it opens
 * storage, then again against what storage holds).
 */
export type RegistryKnown = { languages: string[]; facilityTypes?: string[]; districts?: string[]; defaultCountry: CountryCode };

export function parseFacilityCsv(csv: string, known: RegistryKnown): RegistryParse {
  const table = parseCsv(csv);
  const errors: RowError[] = [];
  if (table.length === 0) return { facilities: [], errors: [{ row: 1, field: 'header', message: 'the file is empty' }], rows: 0 };
  const header = table[0]!.map((h) => h.trim().toLowerCase());
  const missing = FACILITY_CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    return { facilities: [], errors: [{ row: 1, field: 'header', message: `missing column(s): ${missing.join(', ')}` }], rows: table.length - 1 };
  }
  const byCode = new Map<string, Facility>();
  table.slice(1).forEach((cells, index) => {
    const rowNumber = index + 2; // 1-based, after the header, as a spreadsheet shows it
    const record = Object.fromEntries(FACILITY_CSV_COLUMNS.map((c) => [c, cells[header.indexOf(c)] ?? '']));
    const parsed = Row.safeParse(record);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ row: rowNumber, field: String(issue.path[0]), message: issue.message });
      return;
    }
    const r = parsed.data;
    const rowErrors: RowError[] = [];
    if (known.facilityTypes && !known.facilityTypes.includes(r.type)) {
      rowErrors.push({ row: rowNumber, field: 'type', message: unknownTypeMessage(r.type, known.facilityTypes) });
    }
    if (known.districts && !known.districts.includes(r.district)) {
      rowErrors.push({ row: rowNumber, field: 'district', message: `"${r.district}" is not a known district` });
    }
    let manager: Manager | null = null;
    const hasManager = [r.manager_name, r.manager_phone, r.manager_language, r.manager_role].some((v) => v !== '');
    if (hasManager) {
      const phone = managerPhone(r.manager_phone, known.defaultCountry);
      if (!r.manager_name) rowErrors.push({ row: rowNumber, field: 'manager_name', message: 'is required when a manager is given' });
      if (!phone) rowErrors.push({ row: rowNumber, field: 'manager_phone', message: managerPhoneProblem(known.defaultCountry) });
      if (!known.languages.includes(r.manager_language)) {
        rowErrors.push({ row: rowNumber, field: 'manager_language', message: `must be one of ${known.languages.join(', ')}` });
      }
      const role = r.manager_role || 'facility';
      if (role !== 'facility' && role !== 'district') rowErrors.push({ row: rowNumber, field: 'manager_role', message: 'must be facility or district' });
      if (rowErrors.length === 0) {
        manager = { name: r.manager_name, phone: phone!, language: r.manager_language, role: role as Manager['role'], active: true, optedOut: false };
      }
    }
    const existing = byCode.get(r.code);
    if (existing && (existing.name !== r.name || existing.type !== r.type || existing.district !== r.district)) {
      rowErrors.push({ row: rowNumber, field: 'code', message: `code ${r.code} appears earlier with a different name, type or district` });
    }
    if (rowErrors.length) {
      errors.push(...rowErrors);
      return;
    }
    const facility = existing ?? { code: r.code, name: r.name, type: r.type, district: r.district, active: true, managers: [] };
    if (manager) facility.managers.push(manager);
    byCode.set(r.code, facility);
  });
  return { facilities: [...byCode.values()], errors, rows: table.length - 1 };
}

/** What an import says to staff (the API answers it as is: no phone number in it). */
export type ImportResult = { ok: true; dryRun: boolean; rows: number; facilities: number; inserted: number; updated: number } | { ok: false; rows: number; errors: RowError[] };
/** An import's result and, once written, the numbers the replaced facilities listed as managers' and the file does not (their PINs may now be nobody's). */
export type ImportOutcome = { result: ImportResult; formerManagers: string[] };

export async function importFacilities(storage: Store, csv: string, known: RegistryKnown, options: { dryRun: boolean }): Promise<ImportOutcome> {
  const parsed = parseFacilityCsv(csv, known);
  if (parsed.errors.length > 0) return { result: { ok: false, rows: parsed.rows, errors: parsed.errors }, formerManagers: [] };
  // one lookup per facility tells both what an import would update and whose numbers it drops
  const formerManagers: string[] = [];
  let updated = 0;
  for (const f of parsed.facilities) {
    const existing = await storage.facilities.findByCode(f.code);
    if (!existing) continue;
    updated++;
    formerManagers.push(...formerManagerNumbers(existing, f));
  }
  const counted = { ok: true as const, rows: parsed.rows, facilities: parsed.facilities.length };
  if (options.dryRun) return { result: { ...counted, dryRun: true, inserted: parsed.facilities.length - updated, updated }, formerManagers: [] };
  const written = await storage.facilities.upsertMany(parsed.facilities);
  return { result: { ...counted, dryRun: false, ...written }, formerManagers };
}

/** The numbers `before` lists among its managers that `after` does not. */
export function formerManagerNumbers(before: { managers: { phone: string }[] }, after: { managers: { phone: string }[] }): string[] {
  const kept = new Set(after.managers.map((m) => m.phone));
  return before.managers.map((m) => m.phone).filter((phone) => !kept.has(phone));
}
