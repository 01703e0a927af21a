import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * Structured logs. Phone numbers never belong in a log line: the redaction below is a
 * safety net for fields that might carry one, not a licence to log them.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: {
        paths: ['phoneNumber', '*.phoneNumber', 'callerNumber', '*.callerNumber', 'phone', '*.phone', 'to', '*.to', 'req.headers.authorization', 'req.headers.cookie'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
