import type { OutboxMessage, OutboxRepository, Scorecard, ScorecardRepository } from '../scorecard-ports.js';
import { acceptsDelivery, isClaimable } from '../scorecard-rules.js';

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
        .filter(
          (s) =>
            (!filter.period || s.period === filter.period) &&
            (!filter.facilityCode || s.facilityCode === filter.facilityCode) &&
            (!filter.district || s.district === filter.district),
        )
        .sort((a, b) => a.period.localeCompare(b.period) || a.facilityCode.localeCompare(b.facilityCode))
        .slice(0, filter.limit ?? Infinity)
        .map(clone);
    },
  };
}

export function createMemoryOutbox(): OutboxRepository {
  const messages = new Map<string, OutboxMessage>();
  const byProviderId = new Map<string, string>();
  const held = (key: string, owner: string) => {
    const m = messages.get(key);
    return m && m.status === 'sending' && m.leaseOwner === owner ? m : null;
  };
  return {
    async enqueue(input) {
      const existing = messages.get(input.key);
      if (existing) return { message: clone(existing), created: false };
      const message: OutboxMessage = {
        ...clone(input),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: input.createdAt,
        leaseOwner: null,
        leaseExpiresAt: null,
        providerMessageId: null,
        cost: null,
        lastError: null,
        updatedAt: input.createdAt,
        sentAt: null,
        delivery: null,
      };
      messages.set(message.key, message);
      return { message: clone(message), created: true };
    },
    async claimNext(owner, now, leaseMs) {
      let best: OutboxMessage | null = null;
      for (const m of messages.values()) {
        if (!isClaimable(m, now)) continue;
        if (!best || m.nextAttemptAt < best.nextAttemptAt || (m.nextAttemptAt.getTime() === best.nextAttemptAt.getTime() && m.key < best.key)) best = m;
      }
      if (!best) return null;
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
      if (result.providerMessageId) byProviderId.set(result.providerMessageId, key);
      return true;
    },
    async markFailed(key, owner, reason, at) {
      const m = held(key, owner);
      if (!m) return false;
      Object.assign(m, { status: 'failed', leaseOwner: null, leaseExpiresAt: null, lastError: reason, updatedAt: at });
      return true;
    },
    async retryLater(key, owner, error, retryAt, at) {
      const m = held(key, owner);
      if (!m) return false;
      Object.assign(m, { status: 'pending', leaseOwner: null, leaseExpiresAt: null, lastError: error, nextAttemptAt: retryAt, updatedAt: at });
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
        .filter(
          (m) =>
            (!filter.period || m.period === filter.period) &&
            (!filter.subjectCode || m.subjectCode === filter.subjectCode) &&
            (!filter.status || m.status === filter.status),
        )
        .sort((a, b) => a.period.localeCompare(b.period) || a.key.localeCompare(b.key))
        .slice(0, filter.limit ?? Infinity)
        .map(clone);
    },
  };
}
