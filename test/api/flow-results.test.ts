import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';

/**
 * The FLOIP Flow Results export over the real server, checked against the specification
 * (FLOIP/flow-results specification.md): the descriptor's required properties, the 7 fields
 * in order, question types from the spec's list, and rows as 7-element arrays shaped like the
 * spec's own example rows (which the same row schema must accept). Pseudonyms differ per key.
 */

const QUESTION_TYPES = ['select_one', 'select_many', 'multiple_choice_one', 'multiple_choice_many', 'numeric', 'open', 'text', 'image', 'video', 'audio', 'geo_point', 'date', 'time', 'datetime'];
const RFC3339_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}:\d{2}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const Descriptor = z.object({
  profile: z.literal('flow-results-package'),
  flow_results_specification_version: z.string().regex(/^\d+\.\d+\.\d+(-[\w.]+)?$/),
  created: z.string().regex(RFC3339_WITH_OFFSET),
  modified: z.string().regex(RFC3339_WITH_OFFSET),
  id: z.string().regex(UUID_V4),
  name: z.string().regex(/^[a-z0-9._-]+$/),
  title: z.string().min(1),
  resources: z
    .array(
      z.object({
        path: z.string().url(),
        schema: z.object({
          fields: z.array(z.object({ name: z.string(), title: z.string(), type: z.string() })),
          questions: z.record(
            z.string(),
            z.object({
              type: z.enum(QUESTION_TYPES),
              label: z.string().min(1),
              type_options: z.object({ choices: z.array(z.string()).optional(), range: z.tuple([z.number(), z.number()]).optional() }),
            }),
          ),
        }),
      }),
    )
    .length(1),
});
// timestamp, row_id, contact_id, session_id, question_id, response, response_metadata
const Row = z.tuple([
  z.string().regex(RFC3339_WITH_OFFSET),
  z.union([z.string(), z.number()]),
  z.union([z.string(), z.number()]),
  z.union([z.string(), z.number()]),
  z.string(),
  z.unknown(),
  z.record(z.string(), z.unknown()).nullable(),
]);

/** The example rows of the specification's "Resource Data" section. */
const SPEC_EXAMPLE_ROWS = [
  ['2017-05-23T13:35:37.119-04:00', 20394823948, 923842093, 10499221, 'ae54d3', 'female', { option_order: ['male', 'female'] }],
  ['2017-05-23T13:35:47.822-04:00', 20394823950, 923842093, 10499221, 'ae54d7', 'chocolate', null],
];
const SPEC_FIELDS = ['timestamp', 'row_id', 'contact_id', 'session_id', 'question_id', 'response', 'response_metadata'];

let t: TestService;
let viewer: string;
beforeAll(async () => {
  t = await startTestService();
  viewer = await tokenFor(t, 'viewer');
  // three respondents at two clinics; the first reports twice (two sessions)
  const reports: Array<[string, string, string]> = [
    ['+254711000201', '1001', 'ATUid_fr_1'],
    ['+254711000202', '1001', 'ATUid_fr_2'],
    ['+254711000203', '1002', 'ATUid_fr_3'],
    ['+254711000201', '1002', 'ATUid_fr_4'],
  ];
  for (const [phone, facility, session] of reports) {
    const p = t.phone(phone, session);
    await p.dial();
    for (const input of ['1', facility, '1', '1', '4', '1', '5', '2', '1', '00', '00']) await p.send(input);
    t.clock.advance(60 * 60_000);
  }
}, 60_000);
afterAll(() => t.stop());

const rowsOf = async (path: string) => {
  const res = await fetch(path, { headers: { authorization: `Bearer ${viewer}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return JSON.parse(await res.text()) as unknown[][];
};

describe('FLOIP Flow Results export', () => {
  it("accepts the specification's own example rows with the row schema these tests use", () => {
    for (const row of SPEC_EXAMPLE_ROWS) expect(Row.safeParse(row).success).toBe(true);
    expect(Row.safeParse(SPEC_EXAMPLE_ROWS[0]!.slice(0, 6)).success).toBe(false);
  });

  it('describes the questionnaire as a Flow Results data package with the 7 fields and every question', async () => {
    const res = await api(t, viewer).get('/api/v1/flow-results/clinic?key=partner-a');
    expect(res.status).toBe(200);
    const d = Descriptor.parse(res.json);
    const resource = d.resources[0]!;
    expect(resource.schema.fields.map((f) => f.name)).toEqual(SPEC_FIELDS);
    expect(resource.schema.questions.problem).toMatchObject({ type: 'select_one', label: 'What was the main problem today?' });
    expect(resource.schema.questions.problem!.type_options.choices).toContain('long_wait');
    expect(resource.schema.questions.satisfaction).toMatchObject({ type: 'numeric', type_options: { range: [1, 5] } });
    expect(resource.path).toBe(`${t.url}/api/v1/flow-results/clinic/responses?key=partner-a`);
    // the package id is stable; created and modified say when versions were published
    expect((await api(t, viewer).get('/api/v1/flow-results/clinic?key=partner-b')).json.id).toBe(d.id);
  });

  it('serves one row per stored answer, shaped as the spec says, with the offset of the programme time zone', async () => {
    const d = (await api(t, viewer).get('/api/v1/flow-results/clinic?key=partner-a')).json;
    const rows = await rowsOf(d.resources[0].path);
    const stored: Array<{ answers: unknown[] }> = [];
    for await (const r of t.storage.responses.stream({ questionnaireId: 'clinic' })) stored.push(r);
    expect(rows).toHaveLength(stored.reduce((n, r) => n + r.answers.length, 0));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      Row.parse(row);
      expect(Object.keys(d.resources[0].schema.questions)).toContain(row[4]);
      expect(row[0]).toMatch(/\+02:00$/); // Africa/Johannesburg, never Z
    }
    expect(new Set(rows.map((r) => r[1])).size).toBe(rows.length);
    const problem = rows.filter((r) => r[4] === 'problem');
    expect(problem.map((r) => r[5])).toEqual(['long_wait', 'long_wait', 'long_wait', 'long_wait']);
    expect(problem[0]![6]).toMatchObject({ facility_code: '1001', questionnaire_version: 1, channel: 'ussd' });
  });

  it('gives a respondent one contact_id within an export and unrelated ids in another, none of them stored ids', async () => {
    const a = await rowsOf(`${t.url}/api/v1/flow-results/clinic/responses?key=partner-a`);
    const b = await rowsOf(`${t.url}/api/v1/flow-results/clinic/responses?key=partner-b`);
    const contacts = (rows: unknown[][]) => new Set(rows.map((r) => r[2]));
    const sessions = (rows: unknown[][]) => new Set(rows.map((r) => r[3]));
    expect(contacts(a).size).toBe(3);
    expect(sessions(a).size).toBe(4);
    for (const id of contacts(a)) expect(contacts(b).has(id)).toBe(false);
    for (const id of sessions(a)) expect(sessions(b).has(id)).toBe(false);
    expect(new Set(a.map((r) => r[1])).size).toBe(a.length);
    for (const r of a) expect(b.some((x) => x[1] === r[1])).toBe(false);
    // the same key gives the same ids again: a partner can refresh its copy
    expect(await rowsOf(`${t.url}/api/v1/flow-results/clinic/responses?key=partner-a`)).toEqual(a);
    const storedIds = new Set<string>();
    for await (const r of t.storage.responses.stream({})) {
      storedIds.add(r.respondentKey);
      storedIds.add(r.id);
    }
    const exported = JSON.stringify([...a, ...b]);
    for (const id of storedIds) expect(exported).not.toContain(id);
    expect(exported).not.toMatch(/2547110002/);
  });

  it('needs a token and an export key, and answers 404 for an unknown questionnaire', async () => {
    expect((await fetch(`${t.url}/api/v1/flow-results/clinic?key=partner-a`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/v1/flow-results/clinic/responses?key=partner-a`)).status).toBe(401);
    const noKey = await api(t, viewer).get('/api/v1/flow-results/clinic');
    expect(noKey.status).toBe(400);
    expect(noKey.json.fields[0].field).toBe('key');
    expect((await api(t, viewer).get('/api/v1/flow-results/clinic?key=a b')).status).toBe(400);
    expect((await api(t, viewer).get('/api/v1/flow-results/nothing_here?key=partner-a')).status).toBe(404);
    expect((await api(t, viewer).get('/api/v1/flow-results/nothing_here/responses?key=partner-a')).status).toBe(404);
    expect((await api(t, viewer).get('/api/v1/flow-results/Bad-Id?key=partner-a')).status).toBe(400);
  });
});
