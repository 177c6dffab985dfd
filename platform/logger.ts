import pino from 'pino';

/**
 * Structured JSON logs (pino). Log application numbers and stages, never personal data; the redact list is a
 * second line of defence for fields that must never reach a log even by accident.
 */
export function createLogger(level: string) {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        '*.applicant',
        '*.idNumber',
        '*.phone',
        '*.name',
        '*.economicSituation',
        // L-13: a complaint's complainant and its facts.
        '*.complainant',
        '*.facts',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}

export type Logger = ReturnType<typeof createLogger>;
