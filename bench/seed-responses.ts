import type { Store } from '../src/storage/ports.js';
import { localDay } from '../src/text/time.js';

/**
 * Fills a store with `count` complete reports on the demo facilities, spread evenly over the
 * `days` before `now`, through the storage ports (as the service would store them).
 * Deterministic, so runs compare.
 */
export async function seedCompleteResponses(storage: Store, options: { count: number; days: number; now: Date; timeZone: string; log?: (line: string) => void }) {
  const facilities = await storage.facilities.list();
  const versions = await storage.questionnaires.listVersions();
  let seed = 42;
  const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const span = options.days * 86_400_000;
  const start = options.now.getTime() - span;
  for (let i = 0; i < options.count; i++) {
    const f = facilities[i % facilities.length]!;
    const v = versions.find((x) => x.status === 'published' && x.definition.facilityTypes.includes(f.type))!;
    const at = new Date(start + Math.floor((i / options.count) * span) + Math.floor(rand() * 60_000));
    const id = `seed${i}`;
    await storage.responses.start({
      id,
      sourceKey: `ussd:${id}`,
      facilityCode: f.code,
      facilityType: f.type,
      district: f.district,
      questionnaireId: v.id,
      questionnaireVersion: v.version,
      channel: 'ussd',
      language: 'en',
      respondentKey: `rk${i % 20_000}`,
      resumeState: null,
      sessionIds: [id],
      startedAt: at,
    });
    for (const q of v.definition.questions) {
      if (q.optional) continue;
      const value = q.type === 'rating' ? 1 + Math.floor(rand() * 5) : q.type === 'choice' ? q.options[Math.floor(rand() * q.options.length)]!.code : q.type === 'yesno' ? 'yes' : 1;
      await storage.responses.recordAnswer(id, { questionId: q.id, value, at }, { value: 'done', context: {} } as never);
    }
    await storage.responses.complete(id, at, `rk${i}|${f.code}|${i}`, localDay(at, options.timeZone));
    if ((i + 1) % 20_000 === 0) options.log?.(`  seeded ${i + 1} responses`);
  }
}
