import type { OutboxMessage, OutboxRepository, Scorecard, ScorecardRepository } from '../scorecard-ports.js';
import { acceptsDelivery, claimDueAt, duplicateProviderIdNote, isClaimable, pendingOutboxMessage } from '../scorecard-rules.js';

/**
 * In-memory scorecards and outbox. Each method runs to completion without awaiting, so
 * within one process it is as atomic as Mongo's single-document updates: a claim cannot
 * interleave with another claim.
 */

const clone = <T>(value: T): T => structuredClone(value);

export function createMemoryScorecards(): ScorecardRepository {
  const cards = new Map<string, Scorecard>();
  const keyOf = (facilityCode: string, period: string) => `${facilityCode}|${period}`;
  return {
    async saveIfAbsent(scorecard) {
      const key = keyOf(scorecard.facilityCode, scorecard.period);
      const existing = cards.get(key);
      if (existing) return { scorecard: clone(existing), created: false };
      cards.set(key, clone(scorecard));
      return { scorecard: clone(scorecard), created: true };
    },
    async get(facilityCode, period) {
      const s = cards.get(keyOf(facilityCode, period));
      return s ? clone(s) : null;
    },
    async list(filter = {}) {
      return [...cards.values()]
        .filter((s) => (!filter.period || s.period === filter.period) && (!filter.facilityCode || s.facilityCode === filter.facilityCode) && (!filter.district || s.district === filter.district))
        .sort((a, b) => a.period.localeCompare(b.period) || a.facilityCode.localeCompare(b.facilityCode))
        .slice(0, filter.limit ?? Infinity)
        .map(clone);
    },
  };
}

export function createMemoryOutbox(): OutboxRepository {
  const messages = new Map<string, OutboxMessage>();
  const byProviderId = new Map<string, string>();
  // a claim looks only at pending messages (kept sorted by due time, then key) and at the
  // few being sent, never at everything ever sent: draining stays linear
  const pending: OutboxMessage[] = [];
  const sending = new Map<string, OutboxMessage>();
  // earliest due first (claimDueAt: the retry time while pending, the lease's end while sending), then by key
  const before = (a: OutboxMessage, b: OutboxMessage) => {
    const [x, y] = [claimDueAt(a)!.getTime(), claimDueAt(b)!.getTime()];
    return x < y || (x === y && a.key < b.key);
  };
  const queue = (m: OutboxMessage) => {
    let [lo, hi] = [0, pending.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(pending[mid]!, m)) lo = mid + 1;
      else hi = mid;
    }
    pending.splice(lo, 0, m);
  };
  const held = (key: string, owner: string) => {
    const m = messages.get(key);
    return m && m.status === 'sending' && m.leaseOwner === owner ? m : null;
  };
  return {
    async enqueue(input) {
      const existing = messages.get(input.key);
      if (existing) return { message: clone(existing), created: false };
      const message = pendingOutboxMessage(clone(input));
      messages.set(message.key, message);
      queue(message);
      return { message: clone(message), created: true };
    },
    async claimNext(owner, now, leaseMs) {
      let best: OutboxMessage | null = pending[0] && isClaimable(pending[0], now) ? pending[0] : null;
      for (const m of sending.values()) if (isClaimable(m, now) && (!best || before(m, best))) best = m;
      if (!best) return null;
      if (best === pending[0]) pending.shift();
      sending.set(best.key, best);
      best.status = 'sending';
      best.leaseOwner = owner;
      best.leaseExpiresAt = new Date(now.getTime() + leaseMs);
      best.attempts++;
      best.updatedAt = now;
      return clone(best);
    },
    async markSent(key, owner, result) {
      const m = held(key, owner);
      if (!m) return false;
      Object.assign(m, {
        status: 'sent',
        leaseOwner: null,
        leaseExpiresAt: null,
        providerMessageId: result.providerMessageId,
        cost: result.cost,
        sentAt: result.at,
        updatedAt: result.at,
      });
      // a provider id already recorded on another message stays with that one (as Mongo's unique key does)
      if (result.providerMessageId && !byProviderId.has(result.providerMessageId)) byProviderId.set(result.providerMessageId, key);
      else if (result.providerMessageId) m.lastError = duplicateProviderIdNote(result.providerMessageId);
      sending.delete(key);
      return true;
    },
    async markFailed(key, owner, reason, at) {
      const m = held(key, owner);
      if (!m) return false;
      Object.assign(m, { status: 'failed', leaseOwner: null, leaseExpiresAt: null, lastError: reason, updatedAt: at });
      sending.delete(key);
      return true;
    },
    async retryLater(key, owner, error, retryAt, at) {
      const m = held(key, owner);
      if (!m) return false;
      Object.assign(m, { status: 'pending', leaseOwner: null, leaseExpiresAt: null, lastError: error, nextAttemptAt: retryAt, updatedAt: at });
      sending.delete(key);
      queue(m);
      return true;
    },
    async recordDelivery(providerMessageId, delivery) {
      const key = byProviderId.get(providerMessageId);
      const m = key ? messages.get(key) : undefined;
      if (!m) return null;
      if (acceptsDelivery(m.delivery)) {
        m.delivery = clone(delivery);
        m.updatedAt = delivery.at;
      }
      return clone(m);
    },
    async get(key) {
      const m = messages.get(key);
      return m ? clone(m) : null;
    },
    async list(filter = {}) {
      return [...messages.values()]
        .filter((m) => (!filter.period || m.period === filter.period) && (!filter.subjectCode || m.subjectCode === filter.subjectCode) && (!filter.status || m.status === filter.status))
        .sort((a, b) => a.period.localeCompare(b.period) || a.key.localeCompare(b.key))
        .slice(0, filter.limit ?? Infinity)
        .map(clone);
    },
  };
}
