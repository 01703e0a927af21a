import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

/**
 * The layers of DESIGN.md, as the folders of src/ show them. A module may import from its
 * own layer and from the layers listed for it here, never from one above. The process
 * entry (src/main.ts) belongs to entry.
 */
const ALLOWED: Record<string, string[]> = {
  text: [],
  engine: ['text'],
  gateways: ['text'],
  storage: ['engine', 'text'],
  channels: ['engine', 'text'],
  app: ['engine', 'channels', 'storage', 'gateways', 'text'],
  http: ['app', 'engine', 'channels', 'storage', 'gateways', 'text'],
  entry: ['http', 'app', 'engine', 'channels', 'storage', 'gateways', 'text'],
};

const SRC = resolve(import.meta.dirname, '../../src');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const layerOf = (file: string): string => {
  const top = relative(SRC, file).split('/')[0]!;
  return top.endsWith('.ts') ? 'entry' : top;
};

it('every folder of src/ is a known layer', () => {
  const layers = new Set(filesUnder(SRC).map(layerOf));
  expect([...layers].filter((l) => !(l in ALLOWED))).toEqual([]);
});

it('no module imports from a layer above its own', () => {
  const upward: string[] = [];
  for (const file of filesUnder(SRC)) {
    const from = layerOf(file);
    const source = readFileSync(file, 'utf8');
    for (const [, spec] of source.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), spec!);
      const to = layerOf(target);
      if (to !== from && !ALLOWED[from]!.includes(to)) upward.push(`${relative(SRC, file)} (${from}) imports ${relative(SRC, target)} (${to})`);
    }
  }
  expect(upward).toEqual([]);
});
