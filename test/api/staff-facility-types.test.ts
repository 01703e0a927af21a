import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../support/service.js';
import { api, tokenFor } from '../support/staff.js';
import { WATER_POINT } from '../support/facility-types.js';

/** One live questionnaire per facility type: publishing says which type and which questionnaire stand in the way. */

let t: TestService;
let editor: string;
beforeAll(async () => {
  t = await startTestService();
  editor = await tokenFor(t, 'editor');
  // a questionnaire serves stored facility types only: water_point is added as staff add it
  expect((await api(t, editor).post('/api/v1/facility-types', WATER_POINT)).status).toBe(201);
});
afterAll(() => t.stop());

async function publishWithTypes(questionnaireId: string, facilityTypes: string[]) {
  const draft = (await api(t, editor).post('/api/v1/drafts', { questionnaireId })).json;
  const saved = (await api(t, editor).put(`/api/v1/drafts/${draft.id}`, { definition: { ...draft.definition, facilityTypes }, texts: draft.texts, revision: draft.revision })).json;
  return api(t, editor).post(`/api/v1/drafts/${draft.id}/publish`, { revision: saved.revision });
}

describe('facility types when publishing', () => {
  it('refuses a type staff have not added, naming it', async () => {
    const res = await publishWithTypes('police', ['police', 'borehole']);
    expect(res.status).toBe(422);
    expect(res.json.issues).toEqual([
      { where: 'facility type "borehole"', message: expect.stringMatching(/^is not a facility type staff have added: add it, with its name in every language, on the Facility types page/) },
    ]);
  });

  it('refuses a type another live questionnaire serves, naming both', async () => {
    const res = await publishWithTypes('police', ['police', 'clinic']);
    expect(res.status).toBe(422);
    expect(res.json.issues).toEqual([
      {
        where: 'facility type "clinic"',
        message: expect.stringMatching(/^questionnaire "clinic" \(version 1\) is already live for it, and a facility type has one live questionnaire/),
      },
    ]);
  });

  it('refuses to leave a type of active facilities with no live questionnaire, naming the facilities', async () => {
    const res = await publishWithTypes('clinic', ['water_point']);
    expect(res.status).toBe(422);
    const clinics = (await t.storage.facilities.list({ activeOnly: true })).filter((f) => f.type === 'clinic');
    expect(res.json.issues).toEqual([{ where: 'facility type "clinic"', message: expect.stringContaining(`${clinics.length} active facilities have it (${clinics.map((f) => f.code).join(', ')})`) }]);
  });

  it('publishes when each type keeps exactly one live questionnaire', async () => {
    const res = await publishWithTypes('clinic', ['clinic', 'water_point']);
    expect(res.status).toBe(201);
  });
});
