import type { FacilityType, FacilityTypeRepository } from '../facility-type-ports.js';
import { cloneData } from './memory-storage.js';

/** Memory version of the facility types repository; copies in and out, as a database would. */
export function createMemoryFacilityTypes(): FacilityTypeRepository {
  const types = new Map<string, FacilityType>();
  return {
    async create(type) {
      if (types.has(type.code)) return false;
      types.set(type.code, cloneData(type));
      return true;
    },
    async get(code) {
      const type = types.get(code);
      return type ? cloneData(type) : null;
    },
    async list() {
      return [...types.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)).map(cloneData);
    },
    async update(type, expectedRevision) {
      const current = types.get(type.code);
      if (!current || current.revision !== expectedRevision) return false;
      types.set(type.code, cloneData({ ...type, revision: expectedRevision + 1 }));
      return true;
    },
  };
}
