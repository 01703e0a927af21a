/**
 * The USSD PINs of facility managers, for programmes that ask for one before the manager's
 * menu opens (MANAGER_PIN_REQUIRED). Keyed by the manager's E.164 number, which is staff data
 * already kept with the facility. Only a scrypt hash is kept, with its salt and parameters,
 * so the PIN itself is never stored; with it, the count of wrong PINs in a row and the time a
 * lock-out ends.
 */
export type ScryptParams = { N: number; r: number; p: number; keylen: number };

export type ManagerPin = {
  /** the manager's number, E.164 */
  phone: string;
  /** scrypt(PIN, salt) with `params`, base64 */
  hash: string;
  /** random, base64 */
  salt: string;
  params: ScryptParams;
  /** wrong PINs in a row, across sessions; a right one sets it back to 0 */
  failures: number;
  /** the number cannot open the menu before this time; null when not locked */
  lockedUntil: Date | null;
  updatedAt: Date;
};

export interface ManagerPinRepository {
  get(phone: string): Promise<ManagerPin | null>;
  /** Sets (or replaces) the PIN of a number: the failures and any lock-out start again. */
  set(pin: Omit<ManagerPin, 'failures' | 'lockedUntil'>): Promise<void>;
  /** False when the number had no PIN. */
  remove(phone: string): Promise<boolean>;
  /** One more wrong PIN; the count after it (0 when the number has no PIN). */
  recordFailure(phone: string, at: Date): Promise<number>;
  /** Locks the number until `until`; the count of failures starts again. */
  lock(phone: string, until: Date, at: Date): Promise<void>;
  /** A right PIN: no failures, no lock-out. */
  clearFailures(phone: string, at: Date): Promise<void>;
}
