import type { ApiToken, AuditEntry, AuditRepository, DistrictRepository, Draft, DraftRepository, TokenRepository } from '../staff-ports.js';

/** Memory versions of the staff repositories; copies in and out, as a database would. */
export function createMemoryStaffStorage(): {
  tokens: TokenRepository;
  audit: AuditRepository;
  drafts: DraftRepository;
  districts: DistrictRepository;
} {
  const clone = <T>(v: T): T => structuredClone(v);
  const tokens = new Map<string, ApiToken>();
  const audit: AuditEntry[] = [];
  const drafts = new Map<string, Draft>();
  const districts = new Set<string>();
  return {
    tokens: {
      async insert(token) {
        if (tokens.has(token.id) || [...tokens.values()].some((t) => t.hash === token.hash)) return false;
        tokens.set(token.id, clone(token));
        return true;
      },
      async findByHash(hash) {
        const t = [...tokens.values()].find((x) => x.hash === hash);
        return t ? clone(t) : null;
      },
      async get(id) {
        const t = tokens.get(id);
        return t ? clone(t) : null;
      },
      async list() {
        return [...tokens.values()].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id)).map(clone);
      },
      async revoke(id, at) {
        const t = tokens.get(id);
        if (!t || t.revokedAt) return false;
        t.revokedAt = at;
        return true;
      },
    },
    audit: {
      async append(entry) {
        audit.push(clone(entry));
      },
      async list(filter = {}) {
        const matching = audit.filter((e) => !filter.targetPrefix || e.target.startsWith(filter.targetPrefix));
        return matching
          .sort((a, b) => b.at.getTime() - a.at.getTime() || b.id.localeCompare(a.id))
          .slice(0, filter.limit ?? 100)
          .map(clone);
      },
    },
    drafts: {
      async create(draft) {
        if (drafts.has(draft.id)) return false;
        drafts.set(draft.id, clone(draft));
        return true;
      },
      async get(id) {
        const d = drafts.get(id);
        return d ? clone(d) : null;
      },
      async list(questionnaireId) {
        return [...drafts.values()]
          .filter((d) => !questionnaireId || d.questionnaireId === questionnaireId)
          .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
          .map(clone);
      },
      async update(draft, expectedRevision) {
        const current = drafts.get(draft.id);
        if (!current || current.revision !== expectedRevision) return false;
        drafts.set(draft.id, clone({ ...draft, revision: expectedRevision + 1 }));
        return true;
      },
      async delete(id) {
        return drafts.delete(id);
      },
    },
    districts: {
      async list() {
        // code-unit order, as MongoDB sorts strings
        return [...districts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      },
      async add(name) {
        if (districts.has(name)) return false;
        districts.add(name);
        return true;
      },
    },
  };
}
