import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { importFacilities, parseFacilityCsv } from '../../src/app/facilities/facility-registry.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';

const known = { languages: ['en', 'sw', 'zu'], facilityTypes: ['clinic', 'police', 'social_grant'], defaultCountry: 'ZA' as const };
const header = 'code,name,type,district,manager_name,manager_phone,manager_language,manager_role\n';

describe('facility registry CSV', () => {
  it('merges several manager rows into one facility and accepts a facility without managers', () => {
    const csv = `${header}5001,"Lake Clinic, East",clinic,Lakeside,Ann,+27821112222,en,facility\n5001,"Lake Clinic, East",clinic,Lakeside,Bo,+27821113333,zu,district\n5002,Lake Police,police,Lakeside,,,,\n`;
    const r = parseFacilityCsv(csv, known);
    expect(r.errors).toEqual([]);
    expect(r.facilities).toHaveLength(2);
    expect(r.facilities[0]!.name).toBe('Lake Clinic, East');
    expect(r.facilities[0]!.managers.map((m) => m.role)).toEqual(['facility', 'district']);
    expect(r.facilities[1]!.managers).toEqual([]);
  });

  it('reports every bad row by row number and column', () => {
    const csv =
      header +
      '5001,Lake Clinic,clinic,Lakeside,Ann,+27821112222,en,facility\n' +
      '12,Bad Code,clinic,Lakeside,,,,\n' +
      '5003,Hospital,hospital,Lakeside,,,,\n' +
      '5004,Phone Clinic,clinic,Lakeside,Cy,08211,fr,boss\n';
    const r = parseFacilityCsv(csv, known);
    expect(r.errors).toEqual([
      { row: 3, field: 'code', message: 'must be 3 to 8 digits' },
      { row: 4, field: 'type', message: '"hospital" is not a facility type: add it on the Facility types page first; known types: clinic, police, social_grant' },
      { row: 5, field: 'manager_phone', message: 'is not a valid phone number: write it as +27821234567, or without the country code for ZA' },
      { row: 5, field: 'manager_language', message: 'must be one of en, sw, zu' },
      { row: 5, field: 'manager_role', message: 'must be facility or district' },
    ]);
  });

  it("stores managers' numbers in E.164, read with the default country; a number that is no valid number is a row error", () => {
    const csv =
      header +
      '5001,Lake Clinic,clinic,Lakeside,Ann,0821112222,en,facility\n' +
      '5001,Lake Clinic,clinic,Lakeside,Bo,+27 82 111 3333,en,facility\n' +
      "5001,Lake Clinic,clinic,Lakeside,Cy,'+27821114444,en,facility\n" +
      '5001,Lake Clinic,clinic,Lakeside,Di,27821115555,en,facility\n' +
      '5002,Lake Police,police,Lakeside,Ed,+254711000205,sw,facility\n';
    const r = parseFacilityCsv(csv, known);
    expect(r.errors).toEqual([]);
    expect(r.facilities.flatMap((f) => f.managers.map((m) => m.phone))).toEqual(['+27821112222', '+27821113333', '+27821114444', '+27821115555', '+254711000205']);
    // the same national number is another country's with another default
    expect(parseFacilityCsv(`${header}5003,Kenya Clinic,clinic,Lakeside,Fa,0711000205,sw,facility\n`, { ...known, defaultCountry: 'KE' }).facilities[0]!.managers[0]!.phone).toBe('+254711000205');
    const bad = parseFacilityCsv(
      header +
        '5004,A,clinic,Lakeside,Ga,0711000205,en,facility\n5005,Bad Phone,clinic,Lakeside,Ha,+999123456,en,facility\n5006,Short,clinic,Lakeside,Ia,12345,en,facility\n5007,Letters,clinic,Lakeside,Ja,phone me,en,facility\n',
      known,
    );
    expect(bad.errors.map((e) => [e.row, e.field])).toEqual([
      [2, 'name'],
      [3, 'manager_phone'],
      [4, 'manager_phone'],
      [5, 'manager_phone'],
    ]);
    expect(bad.errors[1]!.message).not.toContain('999123456');
  });

  it('names missing columns', () => {
    expect(parseFacilityCsv('code,name\n1,x\n', known).errors[0]!.message).toMatch(/missing column\(s\): type, district/);
  });

  it('imports nothing when any row is wrong, everything when all are right', async () => {
    const storage = createMemoryStorage();
    const { result: bad } = await importFacilities(storage, `${header}5001,Lake Clinic,clinic,Lakeside,,,,\n5002,X,clinic,Lakeside,,,,\n`, known, { dryRun: false });
    expect(bad.ok).toBe(false);
    expect(await storage.facilities.count()).toBe(0);
    const { result: dry } = await importFacilities(storage, `${header}5001,Lake Clinic,clinic,Lakeside,,,,\n`, known, { dryRun: true });
    expect(dry).toMatchObject({ ok: true, dryRun: true, inserted: 1 });
    expect(await storage.facilities.count()).toBe(0);
    const { result: good } = await importFacilities(storage, `${header}5001,Lake Clinic,clinic,Lakeside,,,,\n`, known, { dryRun: false });
    expect(good).toMatchObject({ ok: true, inserted: 1, updated: 0 });
    expect((await storage.facilities.findByCode('5001'))!.name).toBe('Lake Clinic');
  });
});

describe('npm run import:facilities', () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), 'registry-'));
  const cli = (args: string[]) =>
    run(join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['src/entry/cli/import-facilities.ts', ...args], {
      cwd: PROJECT_ROOT,
      // an unreachable MongoDB makes the command fail fast instead of downloading one
      env: { ...process.env, MONGODB_URI: '', MONGOMS_SYSTEM_BINARY: '/nonexistent/mongod', NODE_ENV: 'development' },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('lists the problems per row and exits 1', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, `${header}99,Bad,clinic,Lakeside,,,,\n`);
    const r = await cli([file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('row 2, code: must be 3 to 8 digits');
    expect(r.stderr).toContain('nothing was imported');
  }, 60_000);

  it('checks a good file and says what it would import', async () => {
    const file = join(dir, 'good.csv');
    writeFileSync(file, `${header}5001,Lake Clinic,clinic,Lakeside,Ann,+27821112222,en,facility\n`);
    const r = await cli([file, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('would import 1 facilities from 1 rows (1 new, 0 updated)');
  }, 60_000);

  it('explains its usage', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: npm run import:facilities -- FILE.csv');
  }, 60_000);
});
