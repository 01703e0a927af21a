import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { PROJECT_ROOT } from '../service.js';
import { createScorecardService } from '../scorecard-service.js';
import { systemClock } from '../../gateways/clock.js';
import { createLogger } from '../log.js';
import { maskPhone } from '../../gateways/sms/port.js';
import { PeriodError } from '../../app/scorecards/run-scorecards.js';
import { formatPeriod, parsePeriod, periodJustEnded } from '../../app/scorecards/period.js';
import { emptyStoreNotice, NoSharedStorage, openJobStorage } from './storage.js';

/**
 * npm run scorecards -- --period 2026-10 --dry-run   print each recipient's exact text and segment count
 * npm run scorecards -- --period 2026-10             compute, enqueue and send that period (safe to repeat)
 * Without --period: the period that just ended (SCORECARD_PERIOD, TIME_ZONE).
 *
 * It works on the service's storage or refuses: scorecards computed from this process's own
 * empty store would "send" 0-report scorecards to nobody's data (see ./storage.ts).
 */
async function main() {
  const { values } = parseArgs({
    options: { period: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log('usage: npm run scorecards -- [--period 2026-10 | --period 2026-W41] [--dry-run]');
    return;
  }
  const config = loadConfig();
  // a typo should not wait for storage to start
  if (values.period !== undefined && !parsePeriod(values.period)) throw new PeriodError(`"${values.period}" is not a period: use a month such as 2026-10 or an ISO week such as 2026-W41`);
  const dryRun = values['dry-run'] ?? false;
  const opened = await openJobStorage(config, {
    command: 'npm run scorecards',
    writes: !dryRun,
    refused: 'Not sent',
    instead: 'The running service computes and sends scorecards itself on its schedule (SCORECARD_CRON); staff can preview them on its Scorecards page.',
  });
  try {
    const clock = systemClock;
    const scorecards = createScorecardService({ config, storage: opened.storage, clock, log: createLogger(config.logLevel), root: PROJECT_ROOT });
    const period = values.period ?? formatPeriod(periodJustEnded(clock.now(), config.scorecards.period, config.timeZone));
    const started = Date.now();
    if (!opened.shared) console.error(`${emptyStoreNotice('npm run scorecards')}\n`);
    const report = await scorecards.run(period, {
      dryRun,
      onProgress: (step, done, total) => process.stderr.write(process.stderr.isTTY ? `\r${step}: ${done}/${total}${done === total ? '\n' : ''}` : `${step}: ${done}/${total}\n`),
    });
    const empty = opened.shared ? '' : " on an EMPTY store (not the service's data)";
    console.log(`Scorecards ${report.period} (${report.from.toISOString()} to ${report.to.toISOString()}, ${config.timeZone})${dryRun ? ` - DRY RUN${empty}, nothing stored or sent` : ''}`);
    console.log(`${report.scorecards.length} facilities, ${report.messages.length} messages, ${report.skipped.length} recipients skipped\n`);
    for (const m of report.messages) {
      console.log(
        `--- ${m.subjectKind} ${m.subjectCode} -> ${m.recipientName} ${maskPhone(m.phone)} [${m.language}] ${m.segments} segment${m.segments === 1 ? '' : 's'}, ${m.units} chars, ${m.encoding}`,
      );
      console.log(m.text);
    }
    for (const s of report.skipped) console.log(`--- skipped ${s.subject} ${s.manager}: ${s.reason}`);
    if (!dryRun) {
      console.log(`\nstored ${report.created.scorecards} new scorecards, queued ${report.created.messages} new messages; sending through ${scorecards.gateway.name}...`);
      const sent = await scorecards.sender.drain();
      console.log(`sent ${sent.sent}, failed ${sent.failed}, to retry later ${sent.retrying} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await opened.stop();
  }
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof PeriodError) {
    console.error(err.message);
    process.exit(2);
  }
  if (err instanceof NoSharedStorage) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
