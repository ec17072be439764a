import { createLogger, type Logger } from '../platform/logging/logger.js';

export interface CapturedLogs {
  logger: Logger;
  /** Every line written so far, parsed. */
  lines: () => Record<string, unknown>[];
}

/** The real logger (levels, redaction, context mixins) writing its JSON lines to memory. */
export function captureLogs(options: { level?: string; role?: string } = {}): CapturedLogs {
  const chunks: string[] = [];
  const logger = createLogger({
    level: options.level ?? 'info',
    ...(options.role === undefined ? {} : { role: options.role }),
    destination: { write: (chunk: string) => void chunks.push(chunk) },
  });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
