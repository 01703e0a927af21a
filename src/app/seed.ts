import type { ShippedContent } from './content.js';
import { textsFor } from './content.js';
import type { Clock } from '../gateways/clock.js';
import type { Store } from '../storage/ports.js';
import { DEMO_FACILITIES } from './facilities/demo-registry.js';
import { publishQuestionnaire } from './questionnaires/publish-questionnaire.js';
import { seedFacilityTypes, type ShippedFacilityType } from './facilities/facility-types.js';
import type { validateQuestionnaire } from './questionnaires/validate-questionnaire.js';

/**
 * First start on an empty store: store the shipped facility types with their names, publish
 * each shipped questionnaire as version 1 and, if asked, load the demo registry. Safe to run
 * on every start and on several instances: it only fills what is missing, and type codes and
 * version numbers are unique keys. The types come first: a questionnaire serves stored types only.
 */
export async function seedEmptyStore(
  deps: { storage: Store; clock: Clock; validation: Parameters<typeof validateQuestionnaire>[1]; log: { info(o: object, m: string): void } },
  content: ShippedContent,
  options: { demoFacilities: boolean; facilityTypes: ShippedFacilityType[] },
): Promise<void> {
  const added = await seedFacilityTypes(deps, options.facilityTypes);
  if (added.length) deps.log.info({ facilityTypes: added }, 'stored the shipped facility types');
  for (const flow of content.flows) {
    const versions = await deps.storage.questionnaires.listVersions(flow.id);
    if (versions.length > 0) continue;
    const result = await publishQuestionnaire(deps, { definition: flow, texts: textsFor(content, flow.id), by: 'seed' });
    if (!result.ok) {
      const lines = result.issues.map((i) => `${i.where}${i.lang ? ` [${i.lang}]` : ''}: ${i.message}`);
      throw new Error(`shipped questionnaire "${flow.id}" does not validate:\n  ${lines.join('\n  ')}`);
    }
    deps.log.info({ questionnaire: flow.id, version: result.version.version, paths: result.paths }, 'published shipped questionnaire');
  }
  if (options.demoFacilities && (await deps.storage.facilities.count()) === 0) {
    await deps.storage.facilities.upsertMany(DEMO_FACILITIES);
    deps.log.info({ facilities: DEMO_FACILITIES.map((f) => f.code) }, 'loaded the demo facility registry');
  }
}
