import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { ManagerPinOutcome, ManagerPinStatus } from '../../engine/manager-menu.js';
import type { Clock } from '../../gateways/clock.js';
import { toE164, type CountryCode } from '../../gateways/phone-number.js';
import type { ManagerPin, ScryptParams, Storage } from '../../storage/ports.js';

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

export type ManagerPinDeps = { storage: Storage; clock: Clock; defaultCountry: CountryCode };

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
export async function checkManagerPin(deps: ManagerPinDeps, callerNumber: string, typed: string): Promise<ManagerPinOutcome> {
  const now = deps.clock.now();
  const phone = e164(deps, callerNumber);
  const pin = phone ? await deps.storage.managerPins.get(phone) : null;
  // the PIN was removed since the screen asked for it: the session ends, the menu stays shut
  if (!phone || !pin) return 'locked';
  if (lockedAt(pin, now)) return 'locked';
  // anything but 4 to 6 digits is wrong too, after the same work, so the time taken says nothing
  const matches = await pinMatches(pin, typed.trim());
  if (matches && PIN_DIGITS.test(typed.trim())) {
    await deps.storage.managerPins.clearFailures(phone, now);
    return 'right';
  }
  const failures = await deps.storage.managerPins.recordFailure(phone, now);
  if (failures < PIN_LOCK_AFTER) return 'wrong';
  await deps.storage.managerPins.lock(phone, new Date(now.getTime() + PIN_LOCK_MINUTES * 60_000), now);
  return 'locked';
}
