import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { ManagerPinOutcome, ManagerPinStatus } from '../../engine/manager-menu.js';
import type { Clock } from '../../gateways/clock.js';
import { toE164, type CountryCode } from '../../gateways/phone-number.js';
import { maskPhone } from '../../gateways/sms/port.js';
import type { ManagerPin, ScryptParams, Store } from '../../storage/ports.js';
import { recordAudit } from '../staff/audit.js';

/**
 * The manager's USSD PIN, for programmes that require one (MANAGER_PIN_REQUIRED): staff set it
 * (4 to 6 digits); only a scrypt hash with a random salt is kept, and the PIN typed on the
 * phone is compared with crypto.timingSafeEqual on scrypt's output. Five wrong PINs in a row,
 * across sessions, lock the number out for 30 minutes; a right PIN clears the count. Nothing
 * here logs or returns a PIN.
 */

export const PIN_DIGITS = /^[0-9]{4,6}$/;
/** Wrong PINs in a row (across sessions) that lock the number out. */
export const PIN_LOCK_AFTER = 5;
export const PIN_LOCK_MINUTES = 30;
/** scrypt's cost: N = 2^14 (about 16 MB, tens of milliseconds), as node's defaults. Kept with each hash, so it can be raised later. */
const PARAMS: ScryptParams = { N: 16_384, r: 8, p: 1, keylen: 32 };

export type ManagerPinDeps = { storage: Store; clock: Clock; defaultCountry: CountryCode };

function derive(pin: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(pin, salt, params.keylen, { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** The hash staff store for a PIN: scrypt with a random salt, parameters kept alongside. */
export async function hashPin(pin: string): Promise<Pick<ManagerPin, 'hash' | 'salt' | 'params'>> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, PARAMS);
  return { hash: key.toString('base64'), salt: salt.toString('base64'), params: { ...PARAMS } };
}

/** Whether `typed` is the PIN `stored` hashes; the comparison takes the same time wherever the two differ. */
export async function pinMatches(stored: Pick<ManagerPin, 'hash' | 'salt' | 'params'>, typed: string): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(typed, Buffer.from(stored.salt, 'base64'), stored.params);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

const e164 = (deps: ManagerPinDeps, callerNumber: string) => toE164(callerNumber, deps.defaultCountry, 'possible');
const lockedAt = (pin: ManagerPin, now: Date) => pin.lockedUntil !== null && pin.lockedUntil > now;

/** Whether the caller's number has a PIN it may try now. */
export async function managerPinStatus(deps: ManagerPinDeps, callerNumber: string): Promise<ManagerPinStatus> {
  const phone = e164(deps, callerNumber);
  const pin = phone ? await deps.storage.managerPins.get(phone) : null;
  if (!pin) return 'unset';
  return lockedAt(pin, deps.clock.now()) ? 'locked' : 'set';
}

/**
 * Checks what the manager typed. A wrong PIN is counted; the fifth in a row locks the number
 * out ('locked'). A number locked out meanwhile (another session) is not checked at all.
 */
export async function checkManagerPin(deps: ManagerPinDeps, callerNumber: string, typed: string): Promise<{ outcome: ManagerPinOutcome; lockIn?: number }> {
  const now = deps.clock.now();
  const phone = e164(deps, callerNumber);
  const pin = phone ? await deps.storage.managerPins.get(phone) : null;
  // the PIN was removed since the screen asked for it: the session ends, the menu stays shut
  if (!phone || !pin) return { outcome: 'locked' };
  if (lockedAt(pin, now)) return { outcome: 'locked' };
  // anything but 4 to 6 digits is wrong too, after the same work, so the time taken says nothing
  const matches = await pinMatches(pin, typed.trim());
  if (matches && PIN_DIGITS.test(typed.trim())) {
    await deps.storage.managerPins.clearFailures(phone, now);
    return { outcome: 'right' };
  }
  const failures = await deps.storage.managerPins.recordFailure(phone, now);
  if (failures < PIN_LOCK_AFTER) return { outcome: 'wrong', lockIn: PIN_LOCK_AFTER - failures };
  await deps.storage.managerPins.lock(phone, new Date(now.getTime() + PIN_LOCK_MINUTES * 60_000), now);
  return { outcome: 'locked' };
}

/** What staff type to set a PIN: the PIN twice. */
export const PinForm = z
  .object({
    pin: z.string({ error: 'Type the PIN: 4 to 6 digits.' }).trim().regex(PIN_DIGITS, 'A PIN is 4 to 6 digits (0 to 9), nothing else.'),
    confirm: z.string({ error: 'Type the PIN a second time.' }).trim(),
  })
  .refine((f) => f.pin === f.confirm, { path: ['confirm'], message: 'The two PINs are not the same. Type the same PIN twice.' });

export type PinStaffDeps = { storage: Store; clock: Clock };
export type ManagerRef = { facilityCode: string; managerIndex: number };
export type PinWrite = { ok: true; manager: string } | { ok: false; errors: FieldError[]; notFound?: boolean };
type FieldError = { field: string; message: string };

/** How staff see one manager's PIN: whether there is one, and whether the number is locked out now. Never the hash. */
export type PinView = { state: 'none' | 'set' | 'locked'; lockedUntil: Date | null };

async function managerOf(deps: PinStaffDeps, ref: ManagerRef) {
  const facility = await deps.storage.facilities.findByCode(ref.facilityCode);
  const manager = facility?.managers[ref.managerIndex];
  return facility && manager ? { facility, manager } : null;
}

const notFound = (ref: ManagerRef): PinWrite => ({ ok: false, notFound: true, errors: [{ field: 'manager', message: `Facility ${ref.facilityCode} has no manager ${ref.managerIndex + 1}.` }] });

export async function pinViews(deps: PinStaffDeps, phones: string[]): Promise<PinView[]> {
  const now = deps.clock.now();
  return Promise.all(
    phones.map(async (phone) => {
      const pin = await deps.storage.managerPins.get(phone);
      if (!pin) return { state: 'none' as const, lockedUntil: null };
      return lockedAt(pin, now) ? { state: 'locked' as const, lockedUntil: pin.lockedUntil } : { state: 'set' as const, lockedUntil: null };
    }),
  );
}

/** Staff set (or replace) a manager's PIN; the audit names who, which facility's manager, the number masked, never the PIN. */
export async function setManagerPin(deps: PinStaffDeps, ref: ManagerRef, form: unknown, actor: string): Promise<PinWrite> {
  const found = await managerOf(deps, ref);
  if (!found) return notFound(ref);
  const parsed = PinForm.safeParse(form ?? {});
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? 'pin'), message: i.message })) };
  const { manager, facility } = found;
  await deps.storage.managerPins.set({ phone: manager.phone, ...(await hashPin(parsed.data.pin)), updatedAt: deps.clock.now() });
  await recordAudit(deps, { actor, action: 'manager_pin.set', target: `facility ${facility.code}`, details: { manager: manager.name, phone: maskPhone(manager.phone) } });
  return { ok: true, manager: manager.name };
}

/** Staff remove a manager's PIN: where a PIN is required, that number cannot open the menu until a new one is set. */
export async function removeManagerPin(deps: PinStaffDeps, ref: ManagerRef, actor: string): Promise<PinWrite> {
  const found = await managerOf(deps, ref);
  if (!found) return notFound(ref);
  const { manager, facility } = found;
  if (!(await deps.storage.managerPins.remove(manager.phone))) return { ok: false, errors: [{ field: 'pin', message: `${manager.name} has no PIN to remove.` }] };
  await recordAudit(deps, { actor, action: 'manager_pin.removed', target: `facility ${facility.code}`, details: { manager: manager.name, phone: maskPhone(manager.phone) } });
  return { ok: true, manager: manager.name };
}

/**
 * A PIN is kept by number, so it outlives the manager it was set for: when staff change a
 * manager's number, or an import replaces a facility's managers, the old number's PIN is
 * removed once no facility lists that number any more (a number still listed elsewhere, or
 * on a facility that is switched off, keeps it). The number may later belong to someone else.
 * Returns how many PINs were removed; each is audited, the number masked.
 */
export async function releasePinsOfFormerManagers(deps: PinStaffDeps, formerNumbers: Iterable<string>, actor: string): Promise<number> {
  let removed = 0;
  for (const phone of new Set(formerNumbers)) {
    if (await deps.storage.facilities.listsManager(phone)) continue;
    if (!(await deps.storage.managerPins.remove(phone))) continue;
    removed++;
    await recordAudit(deps, { actor, action: 'manager_pin.released', target: `number ${maskPhone(phone)}`, details: { phone: maskPhone(phone) } });
  }
  return removed;
}
