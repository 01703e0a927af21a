import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redactMongoUri, selectStorage } from '../../src/storage/select.js';

/**
 * The storage selection rule of DESIGN.md. The embedded MongoDB is made to fail at once,
 * without touching the network, by pointing mongodb-memory-server at a binary that does
 * not exist (its MONGOMS_SYSTEM_BINARY setting, read on every start).
 */

function recordingLog() {
  const lines: { level: 'warn' | 'info'; obj: object; msg: string }[] = [];
  return {
    lines,
    warn: (obj: object, msg: string) => void lines.push({ level: 'warn', obj, msg }),
    info: (obj: object, msg: string) => void lines.push({ level: 'info', obj, msg }),
  };
}

describe('selectStorage', () => {
  let dataDir: string;
  let savedBinary: string | undefined;

  beforeEach(() => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'crc-select-')), 'nested', 'mongo');
    savedBinary = process.env.MONGOMS_SYSTEM_BINARY;
    process.env.MONGOMS_SYSTEM_BINARY = path.join(dataDir, 'no-such-mongod');
  });
  afterEach(() => {
    if (savedBinary === undefined) delete process.env.MONGOMS_SYSTEM_BINARY;
    else process.env.MONGOMS_SYSTEM_BINARY = savedBinary;
  });

  it('falls back to memory outside production, warning loudly why nothing is durable', async () => {
    const log = recordingLog();
    const now = () => new Date('2025-03-01T08:00:00Z');
    const selected = await selectStorage({ dataDir, production: false, now }, log);

    expect(selected.storage.kind).toBe('memory');
    expect(selected.description).toMatch(/memory.*NOT durable/);
    expect(fs.statSync(dataDir).isDirectory()).toBe(true);
    const warnings = log.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toContain('NOTHING IS DURABLE');
    expect(warnings[0]!.msg).toContain('no-such-mongod');
    // the log line stays one line; the block a person must see comes back as plain lines to print
    expect(warnings[0]!.msg).not.toContain('\n');
    expect(selected.notice!.length).toBeGreaterThan(5);
    expect(selected.notice!.join('\n')).toContain('NOTHING IS DURABLE');
    expect(selected.notice!.join('\n')).toContain('no-such-mongod');
    // said before the wait, so a newcomer is never left with a silent terminal
    expect(log.lines[0]).toMatchObject({ level: 'info', obj: { embedded: true } });
    expect(log.lines[0]!.msg).toContain('trying the embedded MongoDB');
    expect(warnings[0]!.obj).toMatchObject({ storage: 'memory', durable: false });

    // the injected clock reaches the memory adapter: this session expired at its "now"
    await selected.storage.sessions.create({
      channel: 'ussd',
      sessionId: 's',
      respondentKey: 'rk',
      lastInput: '',
      lastReply: '',
      page: 0,
      responseId: null,
      revision: 0,
      createdAt: now(),
      updatedAt: now(),
      expiresAt: now(),
      engine: {
        value: 'language',
        context: {
          languages: ['en'],
          maxFacilityAttempts: 3,
          maxRetries: null,
          lang: null,
          facilityAttempts: 0,
          prefilledFacilityCode: null,
          pendingCode: null,
          facility: null,
          questionnaire: null,
          resumeOffer: null,
          answers: {},
          path: [],
          error: null,
          end: null,
          retries: 0,
        },
      },
    });
    expect(await selected.storage.sessions.get('ussd', 's')).toBeNull();

    await selected.stop();
    await selected.stop();
  });

  it('refuses to run on memory in production and says to set MONGODB_URI', async () => {
    const log = recordingLog();
    await expect(selectStorage({ dataDir, production: true }, log)).rejects.toThrow(/MONGODB_URI/);
    expect(log.lines.filter((l) => l.level === 'warn')).toEqual([]);
    // never tried: it would download a binary at start
    expect(log.lines.some((l) => l.msg.includes('trying the embedded MongoDB'))).toBe(false);
  });

  it('never falls back when MONGODB_URI is set but unreachable, and keeps the password out of the error', async () => {
    const log = recordingLog();
    const uri = 'mongodb://reporter:hunter2@127.0.0.1:9/crc?serverSelectionTimeoutMS=300';
    const failure = await selectStorage({ mongodbUri: uri, dataDir, production: false }, log).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure!.message).toContain('MONGODB_URI');
    expect(failure!.message).toContain('mongodb://reporter:***@127.0.0.1:9');
    expect(failure!.message).not.toContain('hunter2');
    expect(log.lines).toEqual([]);
  });

  it('redacts credentials in MongoDB URIs', () => {
    expect(redactMongoUri('mongodb+srv://u:p%40ss@cluster0.example.net/db')).toBe('mongodb+srv://u:***@cluster0.example.net/db');
    expect(redactMongoUri('mongodb://db1:27017,db2:27017/db?replicaSet=rs0')).toBe('mongodb://db1:27017,db2:27017/db?replicaSet=rs0');
  });
});
