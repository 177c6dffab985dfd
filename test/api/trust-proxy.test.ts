/**
 * Rate limits key on the client's address, and `X-Forwarded-For` names that address only when the API is told to
 * trust the proxy in front of it (TRUST_PROXY, off by default): otherwise a client rotating the header would get
 * unlimited public status lookups (查询码查询), the one route anybody may call without signing in.
 */
import request from 'supertest';
import { DEFAULT_RULE_CONFIG } from '../../domain/rule-config';
import { trustProxySetting } from '../../platform/env';
import { startApi } from '../support/api-harness';

jest.setTimeout(60_000);

const LIMIT = 3;

/** Status lookups (junk bodies: refused, but counted) from the same socket, each naming another client address. */
async function lookupsWithRotatedHeader(base: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await request(base)
      .post('/public/applications/status')
      .set('X-Forwarded-For', `203.0.113.${i + 1}`)
      .send({ applicationNo: 'KQ-2026-000001', statusCode: 'nope' });
    statuses.push(res.status);
  }
  return statuses;
}

describe.each([
  ['off by default: the header is ignored, the socket address is limited', undefined, true],
  ['TRUST_PROXY=loopback: the proxy on this machine names the client', ['loopback'], false],
])('X-Forwarded-For with TRUST_PROXY %s', (_name, trustProxy, limited) => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi({
      rules: DEFAULT_RULE_CONFIG,
      limits: { intakePerMinute: 1_000, actionsPerMinute: 1_000, lookupsPerMinute: LIMIT },
      ...(trustProxy ? { trustProxy } : {}),
    });
  });
  afterAll(() => api?.close());

  test(`${LIMIT + 2} lookups with ${LIMIT + 2} header addresses: ${limited ? 'the last two 429' : 'none 429'}`, async () => {
    const statuses = await lookupsWithRotatedHeader(api.base, LIMIT + 2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(limited ? 2 : 0);
  });
});

test('TRUST_PROXY takes hop counts, names and addresses; an empty value or "false" is off; "true" is refused', () => {
  expect(trustProxySetting('')).toBe(false);
  expect(trustProxySetting('false')).toBe(false);
  expect(trustProxySetting('1')).toBe(1);
  expect(trustProxySetting('loopback, 10.0.0.0/8')).toEqual(['loopback', '10.0.0.0/8']);
  expect(() => trustProxySetting('true')).toThrow(/TRUST_PROXY/);
});
