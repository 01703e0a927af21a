import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManagerPin, Store } from '../../src/storage/ports.js';

/** The managers' PINs contract: a hash kept per number, failures counted in a row, lock-out and its release, plain copies. */

const T0 = new Date('2026-03-01T08:00:00.000Z');
const t = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const PHONE = '+27820000102';
const pin = (over: Partial<ManagerPin> = {}) => ({ phone: PHONE, hash: 'aGFzaA==', salt: 'c2FsdA==', params: { N: 16384, r: 8, p: 1, keylen: 32 }, updatedAt: t(0), ...over });

export function managerPinsContract(name: string, make: () => Promise<{ storage: Store; cleanup(): Promise<void> }>) {
  describe(`manager PINs contract: ${name}`, () => {
    let s: Store;
    let cleanup: (() => Promise<void>) | undefined;
    beforeEach(async () => {
      const made = await make();
      s = made.storage;
      cleanup = made.cleanup;
    });
    afterEach(async () => {
      await cleanup?.();
    });

    it('keeps the hash of a number, with no failures and no lock-out, and replaces it', async () => {
      expect(await s.managerPins.get(PHONE)).toBeNull();
      await s.managerPins.set(pin());
      expect(await s.managerPins.get(PHONE)).toStrictEqual({ ...pin(), failures: 0, lockedUntil: null });
      expect(await s.managerPins.get('+27820000999')).toBeNull();
      await s.managerPins.set(pin({ hash: 'b3RoZXI=', updatedAt: t(5) }));
      expect(await s.managerPins.get(PHONE)).toStrictEqual({ ...pin({ hash: 'b3RoZXI=', updatedAt: t(5) }), failures: 0, lockedUntil: null });
    });

    it('counts wrong PINs in a row, locks, and starts again on a right PIN or a new PIN', async () => {
      expect(await s.managerPins.recordFailure(PHONE, t(1)), 'a number without a PIN counts nothing').toBe(0);
      await s.managerPins.set(pin());
      expect(await s.managerPins.recordFailure(PHONE, t(1))).toBe(1);
      expect(await s.managerPins.recordFailure(PHONE, t(2))).toBe(2);
      await s.managerPins.clearFailures(PHONE, t(3));
      expect(await s.managerPins.get(PHONE)).toMatchObject({ failures: 0, lockedUntil: null });
      for (let i = 1; i <= 5; i++) expect(await s.managerPins.recordFailure(PHONE, t(3 + i))).toBe(i);
      await s.managerPins.lock(PHONE, t(40), t(9));
      expect(await s.managerPins.get(PHONE)).toMatchObject({ failures: 0, lockedUntil: t(40), updatedAt: t(9) });
      // staff setting a new PIN lifts the lock-out
      await s.managerPins.set(pin({ updatedAt: t(10) }));
      expect(await s.managerPins.get(PHONE)).toMatchObject({ failures: 0, lockedUntil: null });
    });

    it('removes a PIN once', async () => {
      await s.managerPins.set(pin());
      expect(await s.managerPins.remove(PHONE)).toBe(true);
      expect(await s.managerPins.remove(PHONE)).toBe(false);
      expect(await s.managerPins.get(PHONE)).toBeNull();
    });

    it('hands out copies: changing a returned PIN changes nothing stored', async () => {
      await s.managerPins.set(pin());
      const found = (await s.managerPins.get(PHONE))!;
      found.failures = 9;
      found.params.N = 2;
      expect(await s.managerPins.get(PHONE)).toStrictEqual({ ...pin(), failures: 0, lockedUntil: null });
    });
  });
}
