/**
 * Storage ports for the staff pages: API tokens, the audit log, questionnaire drafts and
 * the list of districts admins keep. Plain objects in and out, like every other port.
 */

/** facility_manager: sees and acts on the follow-up cases of its facilities only */
export type StaffRole = 'facility_manager' | 'viewer' | 'editor' | 'admin';

export type ApiToken = {
  id: string;
  name: string;
  role: StaffRole;
  /** facility_manager only: the facility codes it answers for */
  facilities?: string[];
  /** sha256 (hex) of the token; the token itself is shown once and never stored */
  hash: string;
  createdAt: Date;
  createdBy: string;
  revokedAt: Date | null;
};

export interface TokenRepository {
  /** False when the id or hash is already taken. */
  insert(token: ApiToken): Promise<boolean>;
  findByHash(hash: string): Promise<ApiToken | null>;
  get(id: string): Promise<ApiToken | null>;
  /** Newest first. */
  list(): Promise<ApiToken[]>;
  /** False when no such unrevoked token exists. */
  revoke(id: string, at: Date): Promise<boolean>;
}

export type AuditEntry = {
  id: string;
  at: Date;
  /** who did it: a token's name and role, e.g. "Thandi (editor)" */
  actor: string;
  /** e.g. draft.created, draft.updated, questionnaire.published, questionnaire.retired */
  action: string;
  /** what it was done to, e.g. "questionnaire clinic@3", "facility 1001" */
  target: string;
  details: Record<string, unknown>;
};

export interface AuditRepository {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first; `target` filters on a prefix such as "questionnaire clinic". */
  list(filter?: { targetPrefix?: string; limit?: number }): Promise<AuditEntry[]>;
}

/**
 * A questionnaire draft: edited in place, possibly invalid while someone types, so the
 * definition and texts are kept exactly as entered. Publishing validates it into a version.
 */
export type Draft = {
  id: string;
  questionnaireId: string;
  /** the published version it started from, if any */
  basedOn: number | null;
  definition: unknown;
  texts: unknown;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  /** increases on every save; saves are compare-and-set so two editors cannot overwrite each other unseen */
  revision: number;
};

export interface DraftRepository {
  /** False when the id is taken. */
  create(draft: Draft): Promise<boolean>;
  get(id: string): Promise<Draft | null>;
  /** Oldest first, optionally for one questionnaire. */
  list(questionnaireId?: string): Promise<Draft[]>;
  /** Saves when the stored revision is still `expectedRevision` (stored as expected + 1). */
  update(draft: Draft, expectedRevision: number): Promise<boolean>;
  delete(id: string): Promise<boolean>;
}

export interface DistrictRepository {
  /** Sorted by name. */
  list(): Promise<string[]>;
  /** False when the district is already listed. */
  add(name: string): Promise<boolean>;
}
