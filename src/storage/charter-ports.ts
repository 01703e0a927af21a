/**
 * Commitment charters: what a facility and its community agreed at a dialogue (step 3 of
 * citizen-based monitoring). One document per dialogue, with its actions and the dated
 * progress updates kept as history. No citizen is named: attendance is counts by group.
 */

export const CHARTER_ACTION_STATUSES = ['planned', 'in_progress', 'done', 'dropped'] as const;
export type CharterActionStatus = (typeof CHARTER_ACTION_STATUSES)[number];

export type CharterAction = {
  id: string;
  title: string;
  /** who answers for it: a role or office, e.g. "Facility in-charge" */
  owner: string;
  /** local calendar day in the programme time zone, YYYY-MM-DD */
  dueDate: string;
  status: CharterActionStatus;
  /** required when dropped, null otherwise */
  droppedReason: string | null;
  /** case references (see src/gateways/ids.ts formatReference) this action answers */
  caseReferences: string[];
};

export type CharterUpdate = {
  id: string;
  at: Date;
  /** staff actor, e.g. "Thandi (editor)" */
  by: string;
  /** the action it is about, or null for the charter as a whole */
  actionId: string | null;
  note: string;
  /** the status the action moved to with this update, if it changed */
  status: CharterActionStatus | null;
};

export type Charter = {
  id: string;
  facilityCode: string;
  /** the day of the community dialogue, YYYY-MM-DD */
  dialogueDate: string;
  attendance: Array<{ group: string; count: number }>;
  /** in the order voted, most votes first */
  topIssues: Array<{ issue: string; votes: number | null }>;
  actions: CharterAction[];
  /** oldest first */
  updates: CharterUpdate[];
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  /** increases on every save; saves are compare-and-set */
  revision: number;
};

export interface CharterRepository {
  /** False when the id is taken. */
  create(charter: Charter): Promise<boolean>;
  get(id: string): Promise<Charter | null>;
  /** A facility's charters, latest dialogue first (then newest created). */
  listForFacility(facilityCode: string): Promise<Charter[]>;
  /** Every charter, by facility code then latest dialogue first (for the scorecard run: a few per facility). */
  list(): Promise<Charter[]>;
  /** Saves when the stored revision is still `expectedRevision` (stored as expected + 1). */
  update(charter: Charter, expectedRevision: number): Promise<boolean>;
}
