/** Issue 10: a database that is going away or coming back is a 503 the caller may retry, never a 500. */
import { WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { isUnavailable } from '../../api/errors';

const wrapped = (cause: Record<string, unknown>) =>
  Object.assign(new Error('Invalid `prisma.intakeRequest.findUnique()` invocation'), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2039',
    meta: { modelName: 'IntakeRequest', driverAdapterError: { name: 'DriverAdapterError', cause } },
  });

test('PostgreSQL shutting down (57P03 inside a Prisma P2039, as seen in the outage run) is unavailable', () => {
  expect(isUnavailable(wrapped({ kind: 'postgres', code: '57P03', originalCode: '57P03' }))).toBe(true);
});

test('adapter errors for an unreachable or closed connection are unavailable', () => {
  expect(isUnavailable(wrapped({ kind: 'DatabaseNotReachable' }))).toBe(true);
  expect(isUnavailable(wrapped({ kind: 'ConnectionClosed' }))).toBe(true);
  expect(isUnavailable(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
});

test('a real data error (unique violation) is not mistaken for an outage', () => {
  expect(isUnavailable(wrapped({ kind: 'UniqueConstraintViolation' }))).toBe(false);
  expect(isUnavailable(wrapped({ kind: 'postgres', code: '23505', originalCode: '23505' }))).toBe(false);
  expect(isUnavailable(new Error('boom'))).toBe(false);
});

test('an update the server could not complete in time (the worker was down) is unavailable: retried under its key', () => {
  const err = new WorkflowUpdateRPCTimeoutOrCancelledError('context deadline exceeded', {
    cause: new Error('4 DEADLINE_EXCEEDED'),
  });
  expect(isUnavailable(err)).toBe(true);
});
