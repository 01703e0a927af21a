import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRespondentKeyer } from '../../src/gateways/respondent-key.js';
import { csvField, parseCsv } from '../../src/text/csv.js';
import { startTestService, TEST_SECRET, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';

/**
 * Exports keep their keys (issue 8). The CSV formula guard prefixes a field that starts with
 * = + - @ with `'`; respondent keys are lower-case hex, so none ever needs it and the key in
 * an export is the key in storage, byte for byte, for joins. The NDJSON downloads are served
 * as application/x-ndjson.
 */

describe('respondent keys', () => {
  it('are 32 lower-case hex characters for any number, so the CSV guard never changes one', () => {
    const keyer = createRespondentKeyer(TEST_SECRET, 'ZA');
    const leading = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const number = i % 2 ? `+2547${String(i).padStart(8, '0')}` : `08${String(i).padStart(8, '0')}`;
      const key = keyer(number);
      expect(key).toMatch(/^[0-9a-f]{32}$/);
      expect(csvField(key)).toBe(key);
      leading.add(key[0]!);
    }
    // every hex digit does start some key: the alphabet, not luck, keeps the guard away
    expect([...leading].sort().join('')).toBe('0123456789abcdef');
  });
});

describe('exports over HTTP', () => {
  let t: TestService;
  let viewer: string;
  const RESPONDENTS = 80;
  beforeAll(async () => {
    t = await startTestService({ LOG_LEVEL: 'warn' });
    viewer = await tokenFor(t, 'viewer');
    for (let i = 0; i < RESPONDENTS; i++) {
      const phone = t.phone(`+2547110${String(i).padStart(5, '0')}`, `ATUid_keys_${i}`);
      await phone.dial();
      for (const input of ['1', '1001', '1', '2']) await phone.send(input);
    }
  }, 60_000);
  afterAll(() => t.stop());

  const storedKeys = async () => {
    const keys: string[] = [];
    for await (const r of t.storage.responses.stream({})) keys.push(r.respondentKey);
    return keys;
  };

  it('the CSV export carries every stored key unchanged', async () => {
    const stored = await storedKeys();
    expect(stored).toHaveLength(RESPONDENTS);
    const res = await api(t, viewer).get('/api/v1/responses/export?format=csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = parseCsv(res.text);
    const column = rows[0]!.indexOf('respondent_key');
    const exported = rows.slice(1).map((r) => r[column]!);
    expect(exported).toEqual(stored);
    expect(res.text).not.toMatch(/,'/);
  });

  it('the NDJSON export is application/x-ndjson, as a download, with the stored keys', async () => {
    const res = await api(t, viewer).get('/api/v1/responses/export?format=ndjson');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="?responses-\d{4}-\d{2}-\d{2}\.ndjson"?/);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { respondentKey: string });
    expect(lines.map((l) => l.respondentKey)).toEqual(await storedKeys());
  });

  it('the raw NDJSON read (/api/v1/responses?format=ndjson) is application/x-ndjson too', async () => {
    const res = await api(t, viewer).get('/api/v1/responses?format=ndjson&limit=5');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { respondentKey: string });
    expect(lines.map((l) => l.respondentKey)).toEqual((await storedKeys()).slice(0, 5));
  });
});
