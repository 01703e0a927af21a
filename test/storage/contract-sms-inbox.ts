import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/storage/ports.js';

/** The incoming-SMS ids already handled: a claim per id, exactly one winner, a release for a failed handling. */
export function smsInboxContract(name: string, make: () => Promise<{ storage: Store; cleanup(): Promise<void> }>) {
  describe(`${name}: sms inbox`, () => {
    let s: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ storage: s, cleanup } = await make());
    });
    afterEach(async () => cleanup());
    const at = new Date('2026-10-12T09:00:00Z');

    it('claims an id once, even when two claims race; other ids are apart', async () => {
      expect(await s.smsInbox.claim('ATXid_1', at)).toBe(true);
      expect(await s.smsInbox.claim('ATXid_1', at)).toBe(false);
      const raced = await Promise.all([s.smsInbox.claim('ATXid_2', at), s.smsInbox.claim('ATXid_2', at), s.smsInbox.claim('ATXid_2', at)]);
      expect(raced.filter(Boolean)).toHaveLength(1);
      expect(await s.smsInbox.claim('ATXid_3', at)).toBe(true);
    });

    it('a released claim can be taken again (its handling failed: the retry is handled)', async () => {
      expect(await s.smsInbox.claim('ATXid_9', at)).toBe(true);
      await s.smsInbox.release('ATXid_9');
      expect(await s.smsInbox.claim('ATXid_9', at)).toBe(true);
      await s.smsInbox.release('never-claimed');
    });
  });
}
