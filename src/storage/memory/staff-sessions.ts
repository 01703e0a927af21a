import type { StaffSession, StaffSessionRepository } from '../staff-sessions.js';

/** Staff sessions in memory; expired ones are invisible at once and dropped when a session starts. */
export function createMemoryStaffSessions(): StaffSessionRepository {
  const sessions = new Map<string, StaffSession>();
  const active = (s: StaffSession | undefined, now: Date) => (s && !s.revokedAt && s.expiresAt > now ? s : null);
  return {
    async create(session) {
      for (const [id, s] of sessions) if (s.expiresAt <= session.createdAt) sessions.delete(id);
      if (sessions.has(session.id)) return false;
      sessions.set(session.id, structuredClone(session));
      return true;
    },
    async findActive(id, now) {
      const s = active(sessions.get(id), now);
      return s ? structuredClone(s) : null;
    },
    async revoke(id, at) {
      const s = active(sessions.get(id), at);
      if (!s) return false;
      s.revokedAt = at;
      return true;
    },
  };
}
