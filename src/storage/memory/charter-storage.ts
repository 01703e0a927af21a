import type { Charter, CharterRepository } from '../charter-ports.js';
import { cloneData } from './memory-storage.js';

const latestFirst = (a: Charter, b: Charter) =>
  (a.dialogueDate < b.dialogueDate ? 1 : a.dialogueDate > b.dialogueDate ? -1 : 0) || b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** Memory version of the charters repository; copies in and out, as a database would. */
export function createMemoryCharters(): CharterRepository {
  const charters = new Map<string, Charter>();
  return {
    async create(charter) {
      if (charters.has(charter.id)) return false;
      charters.set(charter.id, cloneData(charter));
      return true;
    },
    async get(id) {
      const c = charters.get(id);
      return c ? cloneData(c) : null;
    },
    async listForFacility(facilityCode) {
      return [...charters.values()]
        .filter((c) => c.facilityCode === facilityCode)
        .sort(latestFirst)
        .map(cloneData);
    },
    async list() {
      return [...charters.values()].sort((a, b) => (a.facilityCode < b.facilityCode ? -1 : a.facilityCode > b.facilityCode ? 1 : latestFirst(a, b))).map(cloneData);
    },
    async update(charter, expectedRevision) {
      const current = charters.get(charter.id);
      if (!current || current.revision !== expectedRevision) return false;
      charters.set(charter.id, cloneData({ ...charter, revision: expectedRevision + 1 }));
      return true;
    },
  };
}
