/**
 * Signed-in staff browsers. Each sign-in is a session kept here, so signing out ends it on
 * the server at once (a copied cookie stops working), on every instance. The id stored is a
 * hash of the one in the cookie, so a copy of this collection signs nobody in.
 */
export type StaffSession = {
  /** sha256 (hex) of the session id the cookie carries */
  id: string;
  /** the API token (or ADMIN_TOKEN) the person signed in with */
  tokenId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
};

export interface StaffSessionRepository {
  /** False when the id is taken. */
  create(session: StaffSession): Promise<boolean>;
  /** The session, if it exists, was not revoked and has not expired at `now`. */
  findActive(id: string, now: Date): Promise<StaffSession | null>;
  /** Ends a session (sign-out); false when there is no such active session. */
  revoke(id: string, at: Date): Promise<boolean>;
}
