import type { ChannelAdapter, LastHop } from '../../channels/adapter.js';
import type { Clock } from '../../gateways/clock.js';
import { formatReference, type IdGenerator } from '../../gateways/ids.js';
import type { RespondentKeyer } from '../../gateways/respondent-key.js';
import type { HopSession, Store } from '../../storage/ports.js';
import { expiryAfter, newHopSession } from './hop-session.js';
import { recordEffects, type RecordDeps } from './record-effects.js';
import type { SessionEffect, SessionRunner, SessionTurn } from './session-runner.js';

/**
 * One hop, for any channel, as the story goes: find the session; if the provider repeats a
 * hop, or a late copy of an earlier one arrives, answer with the screen already shown and
 * record nothing; otherwise read what the respondent did, let the conversation move, claim
 * the hop (the session is written compare-and-set, so of concurrent hops only one moves
 * it on, and the others get the winner's screen), store what was said, and reply.
 */

export type HopDeps = {
  storage: Store;
  runner: SessionRunner;
  clock: Clock;
  ids: IdGenerator;
  respondentKey: RespondentKeyer;
  record: RecordDeps;
  settings: { sessionTtlMinutes: number; languages: string[] };
  log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
};

export function createHopHandler<Req>(deps: HopDeps, adapter: ChannelAdapter<Req>) {
  const { storage, runner, clock, settings } = deps;

  const lastHopOf = (s: HopSession): LastHop => ({ inputKey: s.lastInput, page: s.page, seq: s.voice?.seq ?? 0 });

  return async function handleHop(req: Req): Promise<string> {
    const sessionId = adapter.sessionId(req);
    const inputKey = adapter.inputKey(req);
    const caller = (respondentKey: string) => ({
      channel: adapter.channel,
      respondentKey,
      phone: adapter.phone(req),
      languages: settings.languages,
      maxRetries: adapter.maxRetries,
    });
    try {
      const session = await storage.sessions.get(adapter.channel, sessionId);
      if (!session) {
        const respondentKey = deps.respondentKey(adapter.phone(req), () =>
          deps.log.warn({ sessionId, channel: adapter.channel }, "the caller's number is not one libphonenumber can read: keyed by its digits"),
        );
        const turn = await runner.begin(caller(respondentKey), adapter.prefilledFacilityCode(req), clock.now());
        return await start(respondentKey, turn);
      }
      if (session.lastInput === inputKey) return session.lastReply; // the provider repeated this hop
      const last = lastHopOf(session);
      const prompt = await runner.promptOf(session.engine, referenceOf(session.responseId));
      if (adapter.isOver(prompt)) return session.lastReply;
      const reading = adapter.read(req, last, prompt);
      if (reading.kind === 'stale') {
        deps.log.info({ sessionId, channel: adapter.channel }, 'a late copy of an earlier hop: answered with the current screen, nothing recorded');
        return session.lastReply;
      }
      if (reading.kind === 'page') {
        const { reply, seq } = adapter.render(prompt, { previous: last, page: reading.page, paged: true });
        const won = await claim(session, { lastInput: inputKey, lastReply: reply, page: reading.page, ...voiceState(seq) });
        return won ? reply : await winnersReply(reply, session.revision);
      }
      return await finish(session, await runner.advance(session.engine, reading.event, { phone: adapter.phone(req) }), last);
    } catch (err) {
      // Answers already given were stored hop by hop; end politely in the caller's language.
      deps.log.error({ err, sessionId, channel: adapter.channel }, `${adapter.channel} hop failed`);
      return await apologise().catch((again) => {
        deps.log.error({ err: again, sessionId, channel: adapter.channel }, 'could not even record the apology');
        return runner.failedAtStart(settings.languages).then((p) => adapter.renderFailure(p));
      });
    }

    async function start(respondentKey: string, turn: SessionTurn): Promise<string> {
      const responseId = newResponseId(turn.effects, null);
      const prompt = await runner.promptOf(turn.state, referenceOf(responseId));
      const { reply, seq } = adapter.render(prompt, { previous: null, page: 0 });
      const now = clock.now();
      const fresh: HopSession = {
        ...newHopSession({ channel: adapter.channel, sessionId, respondentKey, lastInput: inputKey, lastReply: reply, engine: turn.state, responseId, now, ttlMinutes: settings.sessionTtlMinutes }),
        ...voiceState(seq),
      };
      if (!(await storage.sessions.create(fresh))) return winnersReply(reply, -1);
      await recorded(fresh, turn, now);
      return reply;
    }

    async function finish(current: HopSession, turn: SessionTurn, last: LastHop): Promise<string> {
      const responseId = newResponseId(turn.effects, current.responseId);
      const prompt = await runner.promptOf(turn.state, referenceOf(responseId));
      const { reply, seq } = adapter.render(prompt, { previous: last, page: 0 });
      // the hop is claimed before anything is stored, so a hop that loses the race stores nothing
      const changes = { lastInput: inputKey, lastReply: reply, page: 0, engine: turn.state, responseId, ...voiceState(seq) };
      if (!(await claim(current, changes))) return winnersReply(reply, current.revision);
      await recorded({ ...current, ...changes, revision: current.revision + 1 }, turn, clock.now());
      return reply;
    }

    /**
     * Stores what the claimed hop said. Should its response turn out to exist already under
     * another id (a start this session made before), the session is pointed at that one.
     * A process that dies between the claim and this loses that hop's answer; it never
     * records one twice, or one the respondent did not give.
     */
    async function recorded(claimed: HopSession, turn: SessionTurn, now: Date): Promise<void> {
      const stored = await recordEffects(deps.record, turn.effects, turn.state, {
        channel: adapter.channel,
        sessionId,
        respondentKey: claimed.respondentKey,
        responseId: claimed.responseId,
        now,
        phone: () => adapter.phone(req),
      });
      if (stored === claimed.responseId) return;
      deps.log.warn({ sessionId, channel: adapter.channel }, 'the response this hop started already existed; pointing the session at it');
      await claim(claimed, { responseId: stored });
    }

    /** Writes the hop if the session is still as this hop found it; false when another hop moved it first. */
    async function claim(current: HopSession, changes: Partial<HopSession>): Promise<boolean> {
      const now = clock.now();
      return storage.sessions.update({ ...current, ...changes, updatedAt: now, expiresAt: expiryAfter(now, settings.sessionTtlMinutes) }, current.revision);
    }

    /**
     * Another hop of this session got there first: answer with its screen. On a server
     * without atomic conditional updates the winner's claim and its write are two steps, so
     * wait (briefly) until the session shows a revision past the one this hop read.
     */
    async function winnersReply(ours: string, readRevision: number): Promise<string> {
      let winner = await storage.sessions.get(adapter.channel, sessionId);
      for (let wait = 5; winner && winner.revision <= readRevision && wait <= 320; wait *= 2) {
        await new Promise((ok) => setTimeout(ok, wait));
        winner = await storage.sessions.get(adapter.channel, sessionId);
      }
      if (winner && winner.lastInput !== inputKey)
        deps.log.warn({ sessionId, channel: adapter.channel }, 'concurrent hops with different input: the first one moved the session, this one got its screen');
      return winner?.lastReply ?? ours;
    }

    /** The conversation ends with an apology (the engine's own ending); a redial offers to resume. */
    async function apologise(): Promise<string> {
      const found = await storage.sessions.get(adapter.channel, sessionId);
      if (!found) return adapter.renderFailure(await runner.failedAtStart(settings.languages));
      const ended = await runner.advance(found.engine, { type: 'FAILED' });
      const reply = adapter.renderFailure(await runner.promptOf(ended.state, null));
      // remember the ending so a repeated hop gets the same apology
      await claim(found, { lastInput: inputKey, lastReply: reply, engine: ended.state }).catch(() => false);
      return reply;
    }
  };

  /** The id of the response this hop starts, made before the hop is claimed so its screen can quote it. */
  function newResponseId(effects: SessionEffect[], current: string | null): string | null {
    const resumed = effects.find((e) => e.type === 'responseResumed');
    if (resumed && resumed.type === 'responseResumed') return resumed.responseId;
    return effects.some((e) => e.type === 'responseStarted') ? deps.ids.responseId() : current;
  }
}

function referenceOf(responseId: string | null): string | null {
  return responseId ? formatReference(responseId) : null;
}

function voiceState(seq: number): Partial<HopSession> {
  return seq > 0 ? { voice: { seq } } : {};
}
