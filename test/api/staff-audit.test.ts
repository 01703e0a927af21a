import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditSentence, CASE_VERBS } from '../../src/app/staff/audit.js';
import { CASE_EVENTS } from '../../src/engine/cases/case-machine.js';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';

/** The audit log reads as sentences ("Alice published clinic v3"), on the page, in the questionnaire's history and in the API. */

describe('audit sentences', () => {
  const e = (action: string, target: string, details: Record<string, unknown> = {}) => auditSentence({ actor: 'Alice', action, target, details });
  it('says each recorded action in words', () => {
    expect(e('questionnaire.published', 'questionnaire clinic@3', { draft: 'd_0123456789ab', basedOn: 2, paths: { en: 41, sw: 41, zu: 40 } })).toBe(
      'Alice published clinic v3 (changed from v2), 41 conversation paths checked in en, sw, zu',
    );
    expect(e('questionnaire.published', 'questionnaire water@1', { draft: 'd_0123456789ab', basedOn: null, paths: { en: 1 } })).toBe(
      'Alice published water v1 (its first version), 1 conversation path checked in en',
    );
    expect(e('questionnaire.retired', 'questionnaire clinic@3', { nowCurrent: 2 })).toBe('Alice retired clinic v3; v2 is now current');
    expect(e('questionnaire.retired', 'questionnaire clinic@1', { nowCurrent: null })).toBe('Alice retired clinic v1; no version is current now');
    expect(e('draft.created', 'questionnaire clinic draft d_0123456789ab', { basedOn: 3 })).toBe('Alice started draft d_0123456789ab of clinic from v3');
    expect(e('draft.updated', 'questionnaire clinic draft d_0123456789ab', { revision: 4 })).toBe('Alice saved draft d_0123456789ab of clinic (revision 4)');
    expect(e('draft.imported', 'questionnaire clinic draft d_0123456789ab', { format: 'xlsform', basedOn: null, valid: false, warnings: 2 })).toBe(
      'Alice imported an XLSForm into draft d_0123456789ab of clinic: it does not pass the checks yet, 2 warnings',
    );
    expect(e('draft.translations_imported', 'questionnaire clinic draft d_0123456789ab', { changed: 1, revision: 5 })).toBe(
      'Alice imported translations into draft d_0123456789ab of clinic: 1 text changed',
    );
    expect(e('questionnaire.exported', 'questionnaire clinic', { format: 'floip', from: 'v3' })).toBe('Alice downloaded clinic (v3) as a FLOIP flow');
    expect(e('facilities.imported', 'facility registry', { rows: 12, inserted: 10, updated: 2 })).toBe('Alice imported 12 facility rows: 10 new, 2 updated');
    expect(e('facility.updated', 'facility 1001', { name: 'Riverside Clinic', active: false, managers: 1 })).toBe('Alice updated facility 1001 (Riverside Clinic), inactive, 1 manager');
    expect(e('token.created', 'token tok_1', { name: 'Bob', role: 'admin' })).toBe('Alice created an admin token for Bob');
    expect(e('charter.action_status', 'facility 1001 charter ch_1', { actionId: 'a2', from: 'planned', to: 'in_progress' })).toBe(
      'Alice moved action a2 of the charter of facility 1001 from planned to in progress',
    );
    expect(e('charter.progress', 'facility 1002 charter ch_1', { actionId: 'a1', title: 'Second triage nurse' })).toBe(
      "Alice noted progress on action a1 ('Second triage nurse') of the charter of facility 1002",
    );
  });
  it('says what was done to a case, by whom, where, and what it is now', () => {
    const onCase = (event: string, details: Record<string, unknown>) => e(`case.${event}`, 'case K7M3-P9QX-AB', { facilityCode: '1001', ...details });
    expect(onCase('acknowledge', { from: 'open', to: 'acknowledged' })).toBe('Alice acknowledged case K7M3-P9QX-AB at facility 1001; it is now acknowledged');
    expect(onCase('action_taken', { from: 'acknowledged', to: 'action_taken', action: 'extra_staff', actionLabel: 'More staff on duty' })).toBe(
      'Alice recorded what was done on case K7M3-P9QX-AB at facility 1001: More staff on duty; it is now action taken',
    );
    expect(onCase('refer', { from: 'open', to: 'escalated' })).toBe('Alice referred up (cannot act here) case K7M3-P9QX-AB at facility 1001; it is now escalated');
    expect(onCase('resolve', { from: 'action_taken', to: 'resolved' })).toBe('Alice marked resolved case K7M3-P9QX-AB at facility 1001; it is now resolved');
    expect(onCase('reopen', { from: 'resolved', to: 'reopened' })).toBe('Alice reopened case K7M3-P9QX-AB at facility 1001; it is now reopened');
    expect(onCase('note', { from: 'open', to: 'open' })).toBe('Alice added a note to case K7M3-P9QX-AB at facility 1001');
    // every event the case machine knows has its own verb, so none reads as "Alice: case close unresolved"
    for (const event of CASE_EVENTS) expect(Object.keys(CASE_VERBS)).toContain(event);
  });
  it('still reads an action it does not know as words, never as JSON', () => {
    expect(e('scorecards.sent_now', 'period 2026-09', { scorecards: 4, messages: 5, newMessages: 0 })).toBe(
      'Alice sent the scorecards of 2026-09 now: 4 scorecards, 5 messages in the outbox, 0 of them new',
    );
    const s = e('cases.escalated', 'case 7', { step: 3, dryRun: false, nested: { a: 1 } });
    expect(s).toBe('Alice: cases escalated, case 7 (step 3, dry run false)');
    expect(s).not.toMatch(/[{}"]/);
  });
});

describe('the audit log over HTTP', () => {
  let t: TestService;
  let editor: string;
  beforeAll(async () => {
    t = await startTestService();
    editor = await tokenFor(t, 'editor', 'Alice');
  });
  afterAll(() => t.stop());

  it('shows "Alice published clinic v2" on the audit page, the questionnaire page and in the API', async () => {
    const draft = (await api(t, editor).post('/api/v1/drafts', { questionnaireId: 'clinic' })).json;
    const published = await api(t, editor).post(`/api/v1/drafts/${draft.id}/publish`, { revision: draft.revision });
    expect(published.status).toBe(201);
    const version = published.json.version as number;
    const sentence = `Alice (editor) published clinic v${version} (changed from v${version - 1})`;
    const page = await api(t, editor).get('/staff/audit');
    expect(page.text).toContain(sentence);
    expect(page.text).not.toContain('{&quot;'); // no JSON in the details
    expect((await api(t, editor).get('/staff/questionnaires/clinic')).text).toContain(sentence);
    const items = (await api(t, editor).get('/api/v1/audit?target=questionnaire%20clinic')).json.items as Array<{ action: string; sentence: string; details: unknown }>;
    // (the test clock stands still, so entries of the same instant come in no fixed order)
    const entry = items.find((i) => i.action === 'questionnaire.published')!;
    expect(entry.sentence).toMatch(new RegExp(`^${sentence.replace(/[()]/g, '\\$&')}, \\d+ conversation paths checked in en, sw, zu$`));
    expect(entry.details).toMatchObject({ basedOn: version - 1 }); // the API keeps the raw details too
  });
});
