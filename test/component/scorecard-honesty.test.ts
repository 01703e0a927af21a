import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordCharter } from '../../src/app/charters/record-charter.js';
import { startTestService, type TestService } from '../support/service.js';
import type { LoggedSms } from '../../src/gateways/sms/log-gateway.js';
import { dialReport } from '../support/reports.js';

/**
 * The scorecard SMS names a top problem only when enough reports name it, with its count;
 * it carries a line on overdue charter actions and, with PUBLIC_BASE_URL set, the link to the
 * facility's public page. Reports dialled in over the real server, the month's tick, the log gateway.
 */

let t: TestService;
let sent: LoggedSms[];

/** One clinic report in English: satisfaction 1-5, problem (1 no problem, 2 long wait, 8 other) and recommend by menu number. */
async function report(facility: string, phone: string, satisfaction: number, problem: number) {
  const last = await dialReport(t.phone(phone), ['1', facility, '1', '1', '4', '1', String(satisfaction), String(problem), '1', '00', '00']);
  expect(last.body).toMatch(/^END Thank you/);
}

beforeAll(async () => {
  t = await startTestService({ SCORECARD_SCHEDULE: 'false', SCORECARD_MIN_COUNT: '5', PUBLIC_BASE_URL: 'https://reports.example.org' });
  sent = (t.service.scorecards.gateway as unknown as { sent: LoggedSms[] }).sent;
  // Riverside Clinic: 12 say "No problem", 1 says "Other" (the case that sent "Top problem: Other")
  for (let i = 0; i < 13; i++) await report('1001', `+2547110010${String(i).padStart(2, '0')}`, 4, i === 0 ? 8 : 1);
  // Market Street Clinic: 6 say long wait, 7 no problem
  for (let i = 0; i < 13; i++) await report('1002', `+2547110020${String(i).padStart(2, '0')}`, 4, i < 6 ? 2 : 1);
  const charter = await recordCharter(
    { storage: t.storage, clock: t.clock, settings: { timeZone: 'Africa/Johannesburg' } },
    {
      facilityCode: '1002',
      dialogueDate: '2026-09-10',
      attendance: [{ group: 'community members', count: 30 }],
      topIssues: [{ issue: 'Long wait' }],
      actions: [
        { title: 'Second triage nurse', owner: 'In-charge', dueDate: '2026-10-15' },
        { title: 'Queue numbers', owner: 'Committee', dueDate: '2026-10-20', status: 'in_progress' },
        { title: 'Paint', owner: 'Works', dueDate: '2026-10-01', status: 'done' },
      ],
    },
    'Thandi (editor)',
  );
  expect(charter.ok).toBe(true);
  t.clock.set('2026-11-01T06:00:00Z');
  expect(await t.service.scorecards.scheduler.tick()).toBe('2026-10');
});
afterAll(() => t.stop());

describe('scorecard SMS honesty', () => {
  it('does not name "Other" as the top problem when 1 of 13 reports named it', async () => {
    const card = await t.storage.scorecards.get('1001', '2026-10');
    expect(card).toMatchObject({ reports: 13, shown: true, topProblem: { code: 'other', count: 1 } });
    const riverside = sent.filter((s) => s.text.startsWith('Riverside Clinic'));
    expect(riverside.length).toBeGreaterThan(0);
    for (const s of riverside) {
      expect(s.text).not.toMatch(/Other|Okunye|Nyingine/);
      expect(s.text).not.toContain('charter');
    }
    console.log(riverside.map((s) => s.text).join('\n'));
  });

  it('names long wait with its count, says how many charter actions are overdue and links to the public page', () => {
    const market = sent.filter((s) => s.text.startsWith('Market Street Clinic'));
    expect(market).toHaveLength(1);
    const text = market[0]!.text;
    console.log(text);
    expect(text).toContain('Long wait, 6 of 13');
    expect(text).toContain('2 charter actions are overdue.');
    expect(text).toMatch(/ https:\/\/reports\.example\.org\/public\/facilities\/1002$/);
  });
});
