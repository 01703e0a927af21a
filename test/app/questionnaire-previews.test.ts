import { describe, expect, it } from 'vitest';
import { nextVersionNumber } from '../../src/app/questionnaires/publish-questionnaire.js';
import { previewPublish, retireEffect } from '../../src/app/questionnaires/questionnaire-lifecycle.js';
import { periodSatisfaction } from '../../src/app/staff/staff-dashboard.js';
import { createMemoryStorage } from '../../src/storage/memory/memory-storage.js';
import type { QuestionnaireVersion } from '../../src/storage/ports.js';
import type { Draft } from '../../src/storage/staff-ports.js';
import { content } from '../support/engine.js';

/** The rules the staff pages show before publishing or retiring, and the dashboard's period average. */

const clinic = content.flows.find((f) => f.id === 'clinic')!;
const T0 = new Date('2026-10-01T08:00:00Z');

function version(n: number, status: QuestionnaireVersion['status']): QuestionnaireVersion {
  return { id: 'clinic', version: n, status, definition: clinic, texts: { en: { title: `v${n}`, intro: 'i', questions: {} } }, createdAt: T0, publishedAt: T0, publishedBy: 'Alice' };
}

async function storageWith(...versions: QuestionnaireVersion[]) {
  const storage = createMemoryStorage();
  for (const v of versions) await storage.questionnaires.insertVersion(v);
  return storage;
}

describe('publishing', () => {
  it('numbers the next version after the newest, retired or not', () => {
    expect(nextVersionNumber([])).toBe(1);
    expect(nextVersionNumber([{ version: 1 }, { version: 3 }, { version: 2 }])).toBe(4);
  });

  it('previews a draft as the next version, with its changes from the current one', async () => {
    const storage = await storageWith(version(1, 'published'), version(2, 'retired'));
    const draft: Draft = {
      ...version(9, 'draft'),
      id: 'd_000000000001',
      questionnaireId: 'clinic',
      basedOn: 1,
      createdBy: 'Alice',
      updatedAt: T0,
      updatedBy: 'Alice',
      revision: 0,
      texts: { en: { title: 'new', intro: 'i', questions: {} } },
    };
    const preview = await previewPublish(storage, draft, 'en');
    expect(preview.nextVersion).toBe(3);
    expect(preview.current?.version).toBe(1);
    expect(preview.changes).toContainEqual(expect.objectContaining({ area: 'text', before: 'v1', after: 'new' }));
    expect((await previewPublish(createMemoryStorage(), draft, 'en')).nextVersion).toBe(1);
  });
});

describe('retiring', () => {
  it('only a published version retires', async () => {
    const storage = await storageWith(version(1, 'retired'));
    expect(await retireEffect(storage, version(1, 'retired'))).toEqual({ kind: 'not_published' });
  });

  it('a superseded version only leaves the list', async () => {
    const storage = await storageWith(version(1, 'published'), version(2, 'published'));
    expect(await retireEffect(storage, version(1, 'published'))).toEqual({ kind: 'superseded' });
  });

  it('the current version falls back to the newest other published one', async () => {
    const storage = await storageWith(version(1, 'published'), version(2, 'published'), version(3, 'retired'), version(4, 'published'));
    expect(await retireEffect(storage, version(4, 'published'))).toEqual({ kind: 'falls_back', version: 2 });
  });

  it('the last published version leaves its facility types with none', async () => {
    const storage = await storageWith(version(1, 'retired'), version(2, 'published'));
    expect(await retireEffect(storage, version(2, 'published'))).toEqual({ kind: 'none_left', facilityTypes: clinic.facilityTypes });
  });
});

describe("the dashboard's period satisfaction", () => {
  it('weights each day by its ratings, and is null with none', () => {
    expect(periodSatisfaction([null, { day: '2026-10-01', average: 5, n: 1 }, { day: '2026-10-02', average: 2, n: 3 }])).toEqual({ average: 2.75, ratings: 4 });
    expect(periodSatisfaction([null, null])).toBeNull();
  });
});
