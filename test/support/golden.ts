import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { formatReference } from '../../src/gateways/ids.js';
import type { Store } from '../../src/storage/ports.js';

/**
 * Golden transcripts: compared with the file, or written when UPDATE_GOLDEN=1
 * (`npm run test:update`), to be reviewed in the diff.
 */
export function expectGolden(dir: string, name: string, text: string): void {
  const file = join(dir, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  if (!existsSync(file)) throw new Error(`missing golden transcript ${file}: run npm run test:update and review it`);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** One line saying what storage holds for a session's response, for transcripts. */
export async function storedLine(storage: Store, responseId: string | null | undefined): Promise<string> {
  if (!responseId) return 'stored: no response yet';
  const r = await storage.responses.get(responseId);
  if (!r) return 'stored: response missing';
  const answers = r.answers.map((a) => `${a.questionId}=${a.value}`).join(' ');
  return `stored: ${r.id} ${r.status}${r.counted ? ' counted' : ''} [${answers}]${await caseLine(storage, formatReference(r.id))}`;
}

/** The case a report became, if any, and whether a contact is sealed for it (never the number). */
export async function caseLine(storage: Store, reference: string): Promise<string> {
  const c = await storage.cases.get(reference);
  if (!c) return '';
  const contact = await storage.caseContacts.get(reference);
  return `; case ${c.reference} ${c.status}, ${contact ? 'contact sealed' : 'no contact'}`;
}
