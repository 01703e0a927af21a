import { randomBytes } from 'node:crypto';
import type { Clock } from '../../gateways/clock.js';
import type { Storage } from '../../storage/ports.js';

/** Writes one audit entry: who did what to which thing, and when. */
export async function recordAudit(deps: { storage: Storage; clock: Clock }, entry: { actor: string; action: string; target: string; details?: Record<string, unknown> }): Promise<void> {
  await deps.storage.audit.append({
    id: `${deps.clock.now().getTime().toString(36)}-${randomBytes(4).toString('hex')}`,
    at: deps.clock.now(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    details: entry.details ?? {},
  });
}
