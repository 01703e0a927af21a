import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { composeDistrictMessage, composeFacilityMessage, fill, loadScorecardTemplates, toGsm7Text, type FacilityMessageInput } from '../../src/app/scorecards/compose.js';
import { loadShippedContent } from '../../src/app/content.js';
import { PROJECT_ROOT } from '../../src/entry/service.js';
import { DEMO_FACILITIES } from '../../src/app/facilities/demo-registry.js';
import { isGsm7, smsSegments } from '../../src/text/gsm.js';
import { placeholdersOf } from '../../src/text/messages.js';

const templates = loadScorecardTemplates(PROJECT_ROOT);
const content = loadShippedContent(PROJECT_ROOT);
const LANGS = Object.keys(content.locales);
const SHORT_CODE = '*384*123#';

/** Every problem label a shipped questionnaire has, per language. */
function problemLabels(lang: string): string[] {
  const out: string[] = [];
  for (const flow of content.flows) {
    const q = flow.questions.find((x) => x.role === 'main_problem');
    const texts = content.locales[lang]?.questionnaires[flow.id]?.questions[q?.id ?? '']?.options ?? {};
    out.push(...Object.values(texts));
  }
  return out;
}

// any text at all, except "%" so that "no percentages" can be checked on the whole message
const anyText = (max: number) =>
  fc.oneof(fc.string({ maxLength: max }), fc.string({ unit: 'binary', maxLength: max }), fc.string({ unit: 'grapheme', maxLength: max })).map((s) => s.replace(/%/g, ''));
const periodKey = fc.oneof(
  fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
  fc.tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 52 })).map(([y, w]) => `${y}-W${String(w).padStart(2, '0')}`),
);

function facilityInput(lang: string) {
  return fc
    .record({
      facilityName: fc.oneof(fc.constantFrom(...DEMO_FACILITIES.map((f) => f.name)), anyText(120)),
      facilityType: fc.constantFrom('clinic', 'police', 'social_grant', 'water_point'),
      district: fc.oneof(fc.constantFrom('Riverside', 'Hilltop'), anyText(80)),
      period: periodKey,
      reports: fc.nat({ max: 10_000_000 }),
      minCount: fc.integer({ min: 1, max: 10_000 }),
      satisfiedPct: fc.option(fc.integer({ min: 0, max: 100 })),
      recommendPct: fc.option(fc.integer({ min: 0, max: 100 })),
      change: fc.option(fc.integer({ min: -100, max: 100 })),
      rank: fc.option(fc.integer({ min: 1, max: 10_000 }).chain((of) => fc.record({ position: fc.integer({ min: 1, max: of }), of: fc.constant(of) }))),
      problem: fc.option(fc.oneof(fc.constant('too_few' as const), fc.record({ label: fc.oneof(fc.constantFrom(...problemLabels(lang)), anyText(100)), count: fc.nat({ max: 10_000_000 }) }))),
      overdueActions: fc.nat({ max: 60 }),
      cases: fc.option(
        fc
          .nat({ max: 100_000 })
          .chain((received) => fc.nat({ max: received }).chain((solved) => fc.record({ received: fc.constant(received), solved: fc.constant(solved), open: fc.nat({ max: received - solved }) }))),
      ),
    })
    .map((r): FacilityMessageInput => {
      const shown = r.reports >= r.minCount;
      return shown ? { ...r, shown } : { ...r, shown, satisfiedPct: null, recommendPct: null, change: null, rank: null };
    });
}

describe('scorecard SMS composition', () => {
  it('ships the same template keys and placeholders in every language', () => {
    expect(Object.keys(templates).sort()).toEqual([...LANGS].sort());
    const placeholders = (s: string | string[]) => [...new Set((Array.isArray(s) ? s : [s]).flatMap(placeholdersOf))].sort();
    for (const lang of LANGS) {
      const t = templates[lang]!;
      expect(Object.keys(t).sort()).toEqual(Object.keys(templates.en!).sort());
      for (const key of ['facility.few', 'district.none', 'district.item', 'period.month', 'period.week'] as const) {
        expect(new Set(placeholders(t[key])), `${lang} ${key}`).toEqual(new Set(placeholders(templates.en![key])));
      }
      // every full scorecard template carries every metric
      for (const template of t.facility)
        for (const p of ['facility', 'period', 'reports', 'satisfied', 'recommend', 'problem', 'rank', 'of']) expect(placeholdersOf(template), `${lang}: ${template}`).toContain(p);
      for (const template of t.facility) expect(placeholdersOf(template).includes('change') || placeholdersOf(template).includes('changeShort'), template).toBe(true);
      for (const template of t['facility.few']) for (const p of ['reports', 'min', 'shortCode']) expect(placeholdersOf(template), template).toContain(p);
      expect(isGsm7(JSON.stringify(t).replace(/\\"/g, '"'))).toBe(true);
    }
  });

  for (const lang of LANGS) {
    it(`[${lang}] every combination of metrics fits two GSM-7 segments and says what it must (property)`, () => {
      fc.assert(
        fc.property(facilityInput(lang), (card) => {
          const sms = composeFacilityMessage(card, templates[lang]!, SHORT_CODE);
          expect(isGsm7(sms.text)).toBe(true);
          expect(sms.encoding).toBe('GSM-7');
          expect(sms.segments).toBeLessThanOrEqual(2);
          expect(smsSegments(sms.text)).toEqual({ encoding: 'GSM-7', units: sms.units, segments: sms.segments });
          if (!card.shown) {
            expect(sms.text).not.toContain('%');
            expect(sms.text).toContain(SHORT_CODE);
            expect(sms.text).toContain(String(card.reports));
          } else {
            if (card.satisfiedPct !== null) expect(sms.text).toContain(`${card.satisfiedPct}%`);
            if (card.recommendPct !== null) expect(sms.text).toContain(`${card.recommendPct}%`);
            if (card.rank) expect(sms.text).toContain(`${card.rank.position}`);
            expect(sms.text).toContain(String(card.reports));
          }
          // the line on cases is carried whole whenever there were cases
          if (card.cases && card.cases.received > 0) expect(sms.text).toContain(fill(templates[lang]!, templates[lang]!.cases, card.cases));
        }),
        { numRuns: 400 },
      );
    });

    it(`[${lang}] every district summary fits two GSM-7 segments (property)`, () => {
      const entry = fc.record({
        facilityName: fc.oneof(fc.constantFrom(...DEMO_FACILITIES.map((f) => f.name)), anyText(80)),
        reports: fc.nat({ max: 100_000 }),
        shown: fc.boolean(),
        satisfied: fc.nat({ max: 1000 }),
        satisfactionAnswers: fc.integer({ min: 1, max: 1000 }),
        wouldRecommend: fc.nat({ max: 1000 }),
        recommendAnswers: fc.nat({ max: 1000 }),
        satisfiedPct: fc.integer({ min: 0, max: 100 }),
      });
      fc.assert(
        fc.property(anyText(60), periodKey, fc.integer({ min: 1, max: 1000 }), fc.array(entry, { maxLength: 80 }), (district, period, minCount, facilities) => {
          const sms = composeDistrictMessage({ district, period, minCount, facilities }, templates[lang]!, SHORT_CODE);
          expect(isGsm7(sms.text)).toBe(true);
          expect(sms.segments).toBeLessThanOrEqual(2);
          if (!facilities.some((f) => f.shown)) expect(sms.text).toContain(SHORT_CODE);
          else expect(sms.text).toMatch(/1\./);
        }),
        { numRuns: 300 },
      );
    });

    it(`[${lang}] the demo registry's scorecards fit one segment with every problem label`, () => {
      for (const f of DEMO_FACILITIES) {
        for (const problemLabel of [null, ...problemLabels(lang)]) {
          const problem = problemLabel === null ? null : { label: problemLabel, count: 1234 };
          const card: FacilityMessageInput = {
            facilityName: f.name,
            facilityType: f.type,
            district: f.district,
            period: '2026-10',
            reports: 1234,
            minCount: 10,
            shown: true,
            satisfiedPct: 100,
            recommendPct: 100,
            change: -100,
            rank: { position: 10, of: 12 },
            problem,
          };
          const sms = composeFacilityMessage(card, templates[lang]!, SHORT_CODE);
          expect(sms.segments, sms.text).toBe(1);
          const few = composeFacilityMessage({ ...card, reports: 9, shown: false, satisfiedPct: null, recommendPct: null, change: null, rank: null }, templates[lang]!, SHORT_CODE);
          expect(few.segments, few.text).toBe(1);
        }
      }
    });
  }

  it('never lets a smart quote, a dash or an accent turn the message into UCS-2', () => {
    const card: FacilityMessageInput = {
      facilityName: 'St. Mary\u2019s Clinic \u2013 \u201cEast\u201d \u0100ba \u4e2d',
      facilityType: 'clinic',
      district: 'Kwa\u2011Mashu',
      period: '2026-10',
      reports: 40,
      minCount: 10,
      shown: true,
      satisfiedPct: 80,
      recommendPct: 70,
      change: 5,
      rank: { position: 1, of: 3 },
      problem: { label: 'Long wait \u2014 2h\u2026', count: 12 },
    };
    const sms = composeFacilityMessage(card, templates.en!, SHORT_CODE);
    expect(sms.encoding).toBe('GSM-7');
    expect(sms.text).toContain('St. Mary\'s Clinic - "East" Aba ?');
    expect(sms.text).toContain('Long wait - 2h...');
    expect(toGsm7Text('caf\u00e9 na\u00efve \u00e5')).toBe('caf\u00e9 naive \u00e5'); // é and å are GSM-7 and stay
  });

  it('reads as expected for a typical facility, a thin one and a district', () => {
    const card: FacilityMessageInput = {
      facilityName: 'Riverside Clinic',
      facilityType: 'clinic',
      district: 'Riverside',
      period: '2026-10',
      reports: 57,
      minCount: 10,
      shown: true,
      satisfiedPct: 82,
      recommendPct: 75,
      change: -4,
      rank: { position: 2, of: 5 },
      problem: { label: 'Long wait', count: 20 },
    };
    expect(composeFacilityMessage({ ...card, facilityName: 'Mtwapa', district: 'Kilifi', change: 0 }, templates.en!, SHORT_CODE).text).toBe(
      'Mtwapa, Oct 2026: 57 reports. 82% satisfied, 75% would recommend. Top problem: Long wait, 20 of 57. Same as last month. Rank 2 of 5 clinics in Kilifi.',
    );
    expect(composeFacilityMessage(card, templates.en!, SHORT_CODE).text).toBe(
      'Riverside Clinic Oct 2026: 57 reports, 82% satisfied, 75% recommend. Problem: Long wait, 20 of 57. Down 4 points on last month. Rank 2/5.',
    );
    expect(composeFacilityMessage({ ...card, reports: 3, shown: false, satisfiedPct: null, recommendPct: null, change: null, rank: null }, templates.en!, SHORT_CODE).text).toBe(
      'Riverside Clinic, Oct 2026: 3 reports, too few to show results (we need 10). Invite visitors to dial *384*123# to rate your service.',
    );
    const base = { satisfactionAnswers: 10, recommendAnswers: 10, wouldRecommend: 5 };
    const district = composeDistrictMessage(
      {
        district: 'Riverside',
        period: '2026-W41',
        minCount: 10,
        facilities: [
          { ...base, facilityName: 'Market Street Clinic', reports: 20, shown: true, satisfied: 6, satisfiedPct: 60 },
          { ...base, facilityName: 'Riverside Clinic', reports: 30, shown: true, satisfied: 9, satisfiedPct: 90 },
          { ...base, facilityName: 'Riverside Grant Office', reports: 4, shown: false, satisfied: 4, satisfiedPct: 100 },
        ],
      },
      templates.en!,
      SHORT_CODE,
    );
    expect(district.text).toBe('Riverside week 41 2026: 54 reports. Satisfied: 1.Riverside Clinic 90% 2.Market Street Clinic 60%. 1 with under 10 reports.');
  });

  it('agrees with the count: one report, two reports; in isiZulu umbiko and imibiko (noun classes 3 and 4)', () => {
    const thin = (reports: number): FacilityMessageInput => ({
      facilityName: 'Riverside Clinic',
      facilityType: 'clinic',
      district: 'Riverside',
      period: '2026-10',
      reports,
      minCount: 10,
      shown: false,
      satisfiedPct: null,
      recommendPct: null,
      change: null,
      rank: null,
      problem: null,
    });
    expect(composeFacilityMessage(thin(1), templates.en!, SHORT_CODE).text).toContain('Oct 2026: 1 report, too few');
    expect(composeFacilityMessage(thin(2), templates.en!, SHORT_CODE).text).toContain('Oct 2026: 2 reports, too few');
    expect(composeFacilityMessage(thin(1), templates.zu!, SHORT_CODE).text).toContain('umbiko 1');
    expect(composeFacilityMessage(thin(2), templates.zu!, SHORT_CODE).text).toContain('imibiko 2');
    // month names come from the platform's calendar data in each language
    expect(composeFacilityMessage(thin(2), templates.sw!, SHORT_CODE).text).toContain('Okt 2026');
  });

  describe('honesty, overdue charter actions and the public link', () => {
    const card: FacilityMessageInput = {
      facilityName: 'Mtwapa',
      facilityType: 'clinic',
      district: 'Kilifi',
      period: '2026-10',
      reports: 13,
      minCount: 5,
      shown: true,
      satisfiedPct: 85,
      recommendPct: 77,
      change: 0,
      rank: { position: 1, of: 4 },
      problem: { label: 'Long wait', count: 6 },
    };
    const LINK = 'https://reports.example.org/public/facilities/1001';

    it('names the top problem with its count, or says too few reports name one', () => {
      expect(composeFacilityMessage(card, templates.en!, SHORT_CODE).text).toContain('Top problem: Long wait, 6 of 13.');
      const few = composeFacilityMessage({ ...card, problem: 'too_few' }, templates.en!, SHORT_CODE).text;
      expect(few).toContain('Top problem: too few reports name one.');
      expect(few).not.toContain('Other');
      expect(composeFacilityMessage({ ...card, problem: null }, templates.en!, SHORT_CODE).text).toContain('Top problem: none reported.');
      for (const lang of ['sw', 'zu']) {
        const text = composeFacilityMessage(card, templates[lang]!, SHORT_CODE).text;
        expect(text, lang).toContain('Long wait, 6');
        expect(text, lang).toContain('13');
      }
    });

    it('adds one line on overdue charter actions, with the plural in every language', () => {
      expect(composeFacilityMessage({ ...card, overdueActions: 1 }, templates.en!, SHORT_CODE).text).toMatch(/Rank 1\/4\. 1 charter action is overdue\.$/);
      expect(composeFacilityMessage({ ...card, overdueActions: 3 }, templates.en!, SHORT_CODE).text).toMatch(/3 charter actions are overdue\.$/);
      expect(composeFacilityMessage({ ...card, overdueActions: 0 }, templates.en!, SHORT_CODE).text).not.toContain('charter');
      expect(composeFacilityMessage({ ...card, overdueActions: 1 }, templates.sw!, SHORT_CODE).text).toContain('Hatua 1 ya mkataba imechelewa.');
      expect(composeFacilityMessage({ ...card, overdueActions: 2 }, templates.sw!, SHORT_CODE).text).toContain('Hatua 2 za mkataba zimechelewa.');
      expect(composeFacilityMessage({ ...card, overdueActions: 1 }, templates.zu!, SHORT_CODE).text).toContain('Isenzo 1 somqulu');
      expect(composeFacilityMessage({ ...card, overdueActions: 2 }, templates.zu!, SHORT_CODE).text).toContain('Izenzo 2 zomqulu');
      const few = composeFacilityMessage({ ...card, reports: 3, shown: false, satisfiedPct: null, recommendPct: null, change: null, rank: null, overdueActions: 2 }, templates.en!, SHORT_CODE);
      expect(few.text).toContain('2 charter actions are overdue.');
    });

    it('adds one line on the cases of the period: new, confirmed solved, not yet closed, with the plural in every language', () => {
      expect(composeFacilityMessage({ ...card, cases: { received: 4, solved: 1, open: 2 } }, templates.en!, SHORT_CODE).text).toMatch(/Rank 1\/4\. Cases: 4 new, 1 solved, 2 open\.$/);
      expect(composeFacilityMessage({ ...card, cases: { received: 0, solved: 0, open: 0 } }, templates.en!, SHORT_CODE).text).not.toContain('Cases');
      expect(composeFacilityMessage({ ...card, cases: null }, templates.en!, SHORT_CODE).text).not.toContain('Cases');
      expect(composeFacilityMessage({ ...card, cases: { received: 2, solved: 1, open: 1 } }, templates.sw!, SHORT_CODE).text).toContain('Kesi: 2 mpya, 1 imetatuliwa, 1 iko wazi.');
      expect(composeFacilityMessage({ ...card, cases: { received: 5, solved: 2, open: 3 } }, templates.sw!, SHORT_CODE).text).toContain('Kesi: 5 mpya, 2 zimetatuliwa, 3 ziko wazi.');
      expect(composeFacilityMessage({ ...card, cases: { received: 1, solved: 1, open: 0 } }, templates.zu!, SHORT_CODE).text).toContain('Imibiko: 1 omusha, 1 oxazululiwe, 0 ovulekile.'); // CLDR: in isiZulu 0 takes the singular form
      // the cases come before the charter line, and both stay when the link does not fit
      const both = composeFacilityMessage({ ...card, overdueActions: 2, cases: { received: 4, solved: 1, open: 2 } }, templates.en!, SHORT_CODE).text;
      expect(both).toMatch(/Cases: 4 new, 1 solved, 2 open\. 2 charter actions are overdue\.$/);
    });

    it('carries the link to the public page when it fits two segments, whole', () => {
      for (const lang of LANGS) {
        const sms = composeFacilityMessage({ ...card, overdueActions: 2 }, templates[lang]!, SHORT_CODE, { link: LINK });
        expect(sms.text, lang).toMatch(new RegExp(`${LINK.replace(/[./]/g, '\\$&')}$`));
        expect(sms.segments).toBeLessThanOrEqual(2);
      }
      expect(composeFacilityMessage(card, templates.en!, SHORT_CODE, { link: null }).text).not.toContain('http');
    });

    it('leaves the link out, and keeps every figure, when the text with it would not fit', () => {
      const long = { ...card, facilityName: 'N'.repeat(120), district: 'D'.repeat(80), problem: { label: 'P'.repeat(100), count: 6 }, overdueActions: 12 };
      const hugeLink = `https://reports.example.org/${'x'.repeat(200)}/public/facilities/1001`;
      const sms = composeFacilityMessage(long, templates.en!, SHORT_CODE, { link: hugeLink });
      expect(sms.text).not.toContain('https://');
      expect(sms.segments).toBeLessThanOrEqual(2);
      expect(sms.text).toContain('85% satisfied');
      expect(sms.text).toContain('12 charter actions are overdue.');
      expect(sms).toEqual(composeFacilityMessage(long, templates.en!, SHORT_CODE));
    });
  });
});
