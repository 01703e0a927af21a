import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/ports.js';
import type { StaffSession } from '../../src/storage/staff-sessions.js';

/** The staff sessions' contract: unique ids, expiry in every read, revocation once. */

const T0 = new Date('2026-03-01T08:00:00.000Z');
const t = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const session = (id: string, over: Partial<StaffSession> = {}): StaffSession => ({ id, tokenId: `tok_${id}`, createdAt: t(0), expiresAt: t(480), revokedAt: null, ...over });

export function staffSessionsContract(name: string, make: () => Promise<{ storage: Store; cleanup(): Promise<void> }>) {
  describe(`staff sessions contract: ${name}`, () => {
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

    it('creates a session once and finds it while it is active', async () => {
      expect(await s.staffSessions.create(session('a'))).toBe(true);
      expect(await s.staffSessions.create(session('a', { tokenId: 'other' }))).toBe(false);
      expect(await s.staffSessions.findActive('a', t(1))).toStrictEqual(session('a'));
      expect(await s.staffSessions.findActive('nope', t(1))).toBeNull();
    });

    it('does not find a session at or after its expiry, whether or not it was swept', async () => {
      await s.staffSessions.create(session('a', { expiresAt: t(10) }));
      expect(await s.staffSessions.findActive('a', t(9))).not.toBeNull();
      expect(await s.staffSessions.findActive('a', t(10))).toBeNull();
      expect(await s.staffSessions.findActive('a', t(60))).toBeNull();
      expect(await s.staffSessions.revoke('a', t(60))).toBe(false);
      // a later sign-in sweeps expired sessions; live ones stay
      await s.staffSessions.create(session('b', { createdAt: t(20), expiresAt: t(500) }));
      await s.staffSessions.create(session('c', { createdAt: t(30), expiresAt: t(530) }));
      expect(await s.staffSessions.findActive('b', t(31))).toStrictEqual(session('b', { createdAt: t(20), expiresAt: t(500) }));
    });

    it('revokes once: a revoked session is never found again', async () => {
      await s.staffSessions.create(session('a'));
      await s.staffSessions.create(session('b'));
      expect(await s.staffSessions.revoke('a', t(5))).toBe(true);
      expect(await s.staffSessions.revoke('a', t(6))).toBe(false);
      expect(await s.staffSessions.revoke('zzz', t(6))).toBe(false);
      expect(await s.staffSessions.findActive('a', t(7))).toBeNull();
      expect(await s.staffSessions.findActive('b', t(7))).toStrictEqual(session('b'));
    });

    it('hands out copies: changing a returned session changes nothing stored', async () => {
      await s.staffSessions.create(session('a'));
      const found = (await s.staffSessions.findActive('a', t(1)))!;
      found.revokedAt = t(2);
      found.expiresAt = t(3);
      expect(await s.staffSessions.findActive('a', t(4))).toStrictEqual(session('a'));
    });
  });
}
