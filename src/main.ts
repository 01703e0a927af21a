import { ConfigError, loadConfig, type Config } from './entry/config.js';
import { createService } from './entry/service.js';

/**
 * Process entry: config (fails fast), start, and a graceful stop on SIGTERM/SIGINT that
 * lets hops in flight finish before storage closes.
 */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const service = await createService(config);
  await service.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.log.info({ signal }, 'shutting down: finishing requests in flight');
    service.stop().then(
      () => process.exit(0),
      (err) => {
        service.log.error({ err }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
