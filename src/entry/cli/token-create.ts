import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { NoSharedStorage, openJobStorage } from './storage.js';
import { createApiToken, TokenRequest } from '../../app/staff/staff-tokens.js';
import { systemClock } from '../../gateways/clock.js';

/**
 * `npm run token:create -- --role admin [--name NAME]`: creates an API token in the
 * configured storage and prints it once. Only its hash is stored.
 *
 * It needs storage the server will also read: MONGODB_URI, or the embedded MongoDB's data
 * folder while the server is stopped (a running server holds that folder's lock). With the
 * in-memory fallback a token would vanish when this command exits, so it refuses and says
 * what to do instead (sign in with ADMIN_TOKEN and create tokens on the Tokens page).
 */

const USAGE = 'usage: npm run token:create -- --role admin|editor|viewer|facility_manager [--name "Who uses it"] [--facilities 1001,1002 (facility_manager only)]';

async function main(): Promise<number> {
  let values: { role?: string; name?: string; facilities?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { role: { type: 'string' }, name: { type: 'string' }, facilities: { type: 'string' }, help: { type: 'boolean' } } }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const request = TokenRequest.safeParse({
    role: values.role,
    name: values.name ?? `${values.role ?? ''} token`,
    ...(values.facilities !== undefined ? { facilities: values.facilities.split(/[\s,]+/).filter(Boolean) } : {}),
  });
  if (!request.success) {
    console.error(`${request.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('\n')}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  let selected: Awaited<ReturnType<typeof openJobStorage>>;
  try {
    selected = await openJobStorage(config, {
      command: 'npm run token:create',
      writes: true,
      refused: 'Not created',
      instead:
        'Instead: start the server with ADMIN_TOKEN set, sign in at /staff/sign-in with that token, and create tokens on the Tokens page\n' +
        '(or POST /api/v1/tokens with Authorization: Bearer $ADMIN_TOKEN).',
    });
  } catch (e) {
    if (!(e instanceof NoSharedStorage)) throw e;
    console.error(e.message);
    return 1;
  }
  try {
    const created = await createApiToken({ storage: selected.storage, clock: systemClock }, { ...request.data, by: 'token:create (command line)' });
    console.error(`Created ${created.record.role} token "${created.record.name}" (${created.record.id}) in ${selected.description}.`);
    console.error('It is shown once, below; only its hash is stored.');
    console.log(created.token);
    return 0;
  } finally {
    await selected.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`token:create failed: ${(err as Error).message}`);
    process.exit(1);
  },
);
