import { prepareQuestionnaire, type LoadedQuestionnaire } from '../../engine/conversation.js';
import type { QuestionnaireRepository, QuestionnaireVersion } from '../../storage/ports.js';

/**
 * Published versions are immutable, so each is compiled once per process and cached by
 * id@version. Which version is current for a facility type is asked of storage each time,
 * so a newly published version reaches every instance at once.
 */
export type QuestionnaireCatalog = {
  get(id: string, version: number): Promise<LoadedQuestionnaire | null>;
  currentForFacilityType(facilityType: string): Promise<LoadedQuestionnaire | null>;
};

export function loadQuestionnaire(v: Pick<QuestionnaireVersion, 'id' | 'version' | 'definition' | 'texts'>): LoadedQuestionnaire {
  return prepareQuestionnaire(v);
}

export function createQuestionnaireCatalog(repo: QuestionnaireRepository): QuestionnaireCatalog {
  const compiled = new Map<string, LoadedQuestionnaire>();
  const remember = (v: QuestionnaireVersion): LoadedQuestionnaire => {
    const key = `${v.id}@${v.version}`;
    let loaded = compiled.get(key);
    if (!loaded) {
      loaded = loadQuestionnaire(v);
      compiled.set(key, loaded);
    }
    return loaded;
  };
  const get = async (id: string, version: number): Promise<LoadedQuestionnaire | null> => {
    const hit = compiled.get(`${id}@${version}`);
    if (hit) return hit;
    const v = await repo.getVersion(id, version);
    // drafts are edited in place, so only published or retired versions may be cached
    return v && v.status !== 'draft' ? remember(v) : null;
  };
  return {
    get,
    async currentForFacilityType(facilityType) {
      // only the version's number is asked of storage; the version is fetched once, when first served
      const current = await repo.latestPublishedForFacilityType(facilityType);
      return current ? get(current.id, current.version) : null;
    },
  };
}
