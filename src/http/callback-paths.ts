/**
 * Every provider callback the service serves: the one list that the start log's warnings,
 * the production config's refusal, the metrics' labels and the README name. A service
 * callback's `path` must be one of these (src/http/callbacks.ts types it so), so a callback
 * added later is named everywhere once it is added here;
 * test/component/production-guards.test.ts checks that the service serves exactly these.
 * A module of its own, without Express, so config.ts can name them.
 */
export const CALLBACK_PATHS = ['/ussd', '/ussd/events', '/voice', '/sms/delivery-reports', '/sms/incoming'] as const;
export type CallbackPath = (typeof CALLBACK_PATHS)[number];

/** The paths as prose: "/ussd, /ussd/events, … and /sms/incoming". */
export const CALLBACK_PATHS_TEXT = `${CALLBACK_PATHS.slice(0, -1).join(', ')} and ${CALLBACK_PATHS.at(-1)}`;
