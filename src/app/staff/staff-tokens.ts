import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../gateways/clock.js';
import type { Store } from '../../storage/ports.js';
import type { ApiToken, StaffRole } from '../../storage/staff-ports.js';
import { hashToken, newRawToken } from '../../gateways/tokens.js';
import { recordAudit } from './audit.js';
import { FACILITY_CODE } from '../../engine/codes.js';

/**
 * API tokens for staff: a random token is shown once; only its sha256 is stored. A token
 * carries a role (admin, editor, viewer, or facility_manager with its facilities) and a name
 * for the audit log.
 */
export const TokenRequest = z
  .object({
    role: z.enum(['admin', 'editor', 'viewer', 'facility_manager'], { error: 'must be admin, editor, viewer or facility_manager' }),
    name: z.string().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
    /** facility_manager only: the facility codes it answers for */
    facilities: z.array(z.string().regex(FACILITY_CODE, 'must be facility codes of 3 to 8 digits')).min(1).max(200).optional(),
  })
  .superRefine((t, ctx) => {
    if (t.role === 'facility_manager' && !t.facilities?.length) ctx.addIssue({ code: 'custom', path: ['facilities'], message: 'a facility_manager token names its facilities' });
    if (t.role !== 'facility_manager' && t.facilities) ctx.addIssue({ code: 'custom', path: ['facilities'], message: 'only a facility_manager token is limited to facilities' });
  });

export type NewToken = { token: string; record: Omit<ApiToken, 'hash'> };

export async function createApiToken(deps: { storage: Store; clock: Clock }, input: { role: StaffRole; name: string; facilities?: string[]; by: string }): Promise<NewToken> {
  const token = newRawToken();
  const record: ApiToken = {
    id: `tok_${randomBytes(6).toString('hex')}`,
    name: input.name,
    role: input.role,
    ...(input.role === 'facility_manager' && input.facilities ? { facilities: [...new Set(input.facilities)] } : {}),
    hash: hashToken(token),
    createdAt: deps.clock.now(),
    createdBy: input.by,
    revokedAt: null,
  };
  if (!(await deps.storage.tokens.insert(record))) throw new Error('token id collision; try again');
  await recordAudit(deps, {
    actor: input.by,
    action: 'token.created',
    target: `token ${record.id}`,
    details: { name: record.name, role: record.role, ...(record.facilities ? { facilities: record.facilities } : {}) },
  });
  const { hash, ...shown } = record;
  void hash;
  return { token, record: shown };
}

export async function revokeApiToken(deps: { storage: Store; clock: Clock }, id: string, by: string): Promise<boolean> {
  const done = await deps.storage.tokens.revoke(id, deps.clock.now());
  if (done) await recordAudit(deps, { actor: by, action: 'token.revoked', target: `token ${id}` });
  return done;
}

export async function listApiTokens(storage: Store): Promise<Array<Omit<ApiToken, 'hash'>>> {
  return (await storage.tokens.list()).map(({ hash: _hash, ...rest }) => rest);
}
