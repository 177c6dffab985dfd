/** Issue 10: a database that is going away or coming back is a 503 the caller may retry, never a 500. */
import { QueryNotRegisteredError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
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

test('a query cancelled because its worker was killed (seen in the worker-crash run) is unavailable, not a 500', () => {
  const grpc = Object.assign(new Error('1 CANCELLED: context canceled'), {
    code: 1,
    details: 'context canceled',
    metadata: {},
  });
  expect(
    isUnavailable(new ServiceError('Failed to query Workflow: 1 CANCELLED: context canceled', { cause: grpc })),
  ).toBe(true);
  const invalid = Object.assign(new Error('3 INVALID_ARGUMENT'), { code: 3, details: 'bad', metadata: {} });
  expect(isUnavailable(new ServiceError('Failed to query Workflow', { cause: invalid }))).toBe(false);
});

test('a query to a case whose workflow task is failing (stuck until an operator resets it) is 503, not 500', () => {
  const grpc = Object.assign(new Error('9 FAILED_PRECONDITION: Workflow Task in failed state.'), {
    code: 9,
    details: 'Workflow Task in failed state.',
    metadata: {},
  });
  expect(isUnavailable(new ServiceError('Failed to query Workflow', { cause: grpc }))).toBe(true);
  const other = Object.assign(new Error('9 FAILED_PRECONDITION'), { code: 9, details: 'something else', metadata: {} });
  expect(isUnavailable(new ServiceError('Failed to query Workflow', { cause: other }))).toBe(false);
});

test('a query the worker cannot answer because the case fails to replay (the SDK error, seen in the 200-case run) is 503', () => {
  const nde =
    '[TMPRL1100] Nondeterminism error: Update machine does not handle this event: HistoryEvent(id: 72, ActivityTaskScheduled)';
  expect(isUnavailable(new QueryNotRegisteredError(nde, 3))).toBe(true);
  // A query the workflow really does not have stays an error of ours.
  expect(isUnavailable(new QueryNotRegisteredError('Workflow did not register a handler for getFoo', 3))).toBe(false);
});

test('a transaction that could not start in time on a starved machine (Prisma P2028) is unavailable: 503, not 500', () => {
  const err = Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), {
    name: 'PrismaClientKnownRequestError',
    code: 'P2028',
  });
  expect(isUnavailable(err)).toBe(true);
});

test('a Temporal server shedding load (gRPC RESOURCE_EXHAUSTED) is unavailable: 503, not 500', () => {
  const grpc = Object.assign(new Error('8 RESOURCE_EXHAUSTED: namespace rate limit exceeded'), {
    code: 8,
    details: 'namespace rate limit exceeded',
    metadata: {},
  });
  expect(isUnavailable(grpc)).toBe(true);
});
