import type { ManagerPin, ManagerPinRepository } from '../manager-pins.js';

/** Managers' PIN hashes in memory, handed out as copies. */
export function createMemoryManagerPins(): ManagerPinRepository {
  const pins = new Map<string, ManagerPin>();
  return {
    async get(phone) {
      const pin = pins.get(phone);
      return pin ? structuredClone(pin) : null;
    },
    async set(pin) {
      pins.set(pin.phone, structuredClone({ ...pin, failures: 0, lockedUntil: null }));
    },
    async remove(phone) {
      return pins.delete(phone);
    },
    async recordFailure(phone, at) {
      const pin = pins.get(phone);
      if (!pin) return 0;
      pin.failures += 1;
      pin.updatedAt = at;
      return pin.failures;
    },
    async lock(phone, until, at) {
      const pin = pins.get(phone);
      if (!pin) return;
      Object.assign(pin, { failures: 0, lockedUntil: until, updatedAt: at });
    },
    async clearFailures(phone, at) {
      const pin = pins.get(phone);
      if (!pin) return;
      Object.assign(pin, { failures: 0, lockedUntil: null, updatedAt: at });
    },
  };
}
