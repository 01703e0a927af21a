import { z } from 'zod';
import { FACILITY_CODE } from '../../engine/codes.js';
import { parseReference } from '../../gateways/ids.js';
import { CHARTER_ACTION_STATUSES } from '../../storage/charter-ports.js';
import type { FieldError } from '../facilities/facility-admin.js';

/** What staff may enter for a charter, its actions and its progress updates. */

const LocalDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date, YYYY-MM-DD', abort: true })
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a calendar date');

const CaseReference = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const reference = parseReference(text);
    if (!reference) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a case reference (10 letters and digits, e.g. K7M3-P9QX-AB)` });
      return z.NEVER;
    }
    return reference;
  });

const Status = z.enum(CHARTER_ACTION_STATUSES, { error: `must be one of ${CHARTER_ACTION_STATUSES.join(', ')}` });
const Reason = z
  .string()
  .trim()
  .max(500, 'must be at most 500 characters')
  .nullish()
  .transform((r) => (r ? r : null));

/** Checked even when other fields are wrong, so every problem is named at once. */
const droppedHasReason = (value: { status?: unknown; droppedReason?: unknown }) => !(value.status === 'dropped' && !value.droppedReason);
const DROPPED_NEEDS_REASON = { path: ['droppedReason'], message: 'a dropped action needs a reason', when: () => true };

export const ActionInput = z
  .object({
    /** an existing action's id when editing; new actions get one */
    id: z
      .string()
      .regex(/^a\d{1,4}$/, 'is not an action id')
      .optional(),
    title: z.string().trim().min(3, 'is required').max(200, 'must be at most 200 characters'),
    owner: z.string().trim().min(2, 'is required').max(100, 'must be at most 100 characters'),
    dueDate: LocalDate,
    status: Status.default('planned'),
    droppedReason: Reason,
    caseReferences: z.array(CaseReference).max(50, 'at most 50 cases').default([]),
  })
  .refine(droppedHasReason, DROPPED_NEEDS_REASON);

export const CharterInput = z.object({
  facilityCode: z.string().trim().regex(FACILITY_CODE, 'must be 3 to 8 digits'),
  dialogueDate: LocalDate,
  attendance: z
    .array(
      z.object({
        // a group, never a person: "community members", "health committee", "facility staff"
        group: z.string().trim().min(2, 'is required').max(60, 'must be at most 60 characters'),
        count: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'cannot be negative').max(100_000),
      }),
    )
    .min(1, 'say who attended (counts by group)')
    .max(20),
  topIssues: z
    .array(
      z.object({
        issue: z.string().trim().min(2, 'is required').max(200, 'must be at most 200 characters'),
        votes: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(0).max(100_000).nullish().default(null),
      }),
    )
    .min(1, 'name at least one issue voted')
    .max(20),
  actions: z.array(ActionInput).min(1, 'agree at least one action').max(50),
});
export type CharterInput = z.input<typeof CharterInput>;

export const ProgressInput = z.object({
  /** the action it is about; absent for the charter as a whole */
  actionId: z
    .string()
    .regex(/^a\d{1,4}$/, 'is not an action id')
    .nullish()
    .transform((a) => a ?? null),
  note: z.string().trim().min(3, 'say what happened').max(1000, 'must be at most 1000 characters'),
});
export type ProgressInput = z.input<typeof ProgressInput>;

export const StatusChangeInput = z
  .object({
    status: Status,
    droppedReason: Reason,
    note: z
      .string()
      .trim()
      .max(1000, 'must be at most 1000 characters')
      .nullish()
      .transform((n) => n ?? ''),
  })
  .refine(droppedHasReason, DROPPED_NEEDS_REASON);
export type StatusChangeInput = z.input<typeof StatusChangeInput>;

/** The revision a save expects, as sent back by the edit form or API. */
export const ExpectedRevision = z.coerce.number({ error: 'must be a number' }).int().min(0);

export const fieldErrors = (error: z.ZodError): FieldError[] => error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
