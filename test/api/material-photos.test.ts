/**
 * Issue 9: material photos (S-3.2) over real HTTP: who may upload and read them, the type and size limits, one copy
 * per photo per case, and the bytes back as they were sent.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Role } from '../../api/auth/access';
import { startApi } from '../support/api-harness';
import { residentIdNumber, tokenFor } from '../support/context';

let api: Awaited<ReturnType<typeof startApi>>;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api?.close());

const as = async (user: string, roles: Role[], agency = 'SZ') => ({
  Authorization: `Bearer ${await tokenFor(user, roles, agency)}`,
});
const PNG = Buffer.concat([
  Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
  Buffer.from(randomUUID()),
]);

async function deferredCase(): Promise<string> {
  const res = await request(api.base)
    .post('/applications')
    .set(await as('staff-sz', ['agency_staff']))
    .set('Idempotency-Key', randomUUID())
    .send({
      agencyCode: 'SZ',
      channel: 'walk_in',
      applicant: { name: '孙八', idNumber: residentIdNumber('19700101', '333') },
      matter: { category: 'labour_remuneration', summary: '追索劳动报酬' },
      economicSituation: { householdSize: 2, monthlyHouseholdIncome: 1000, commitmentSigned: true },
      materialsSupplied: ['identity_proof'],
      intake: { correctionCommitment: true },
    });
  expect(res.status).toBe(201);
  return res.body.applicationNo as string;
}

test('S-3.2 staff of the agency upload a photo once; it comes back byte for byte; other agencies may not', async () => {
  const no = await deferredCase();
  const staff = await as('staff-sz', ['agency_staff']);
  const path = `/applications/${no}/materials/photos?material=economic_statement&fileName=statement.png`;
  const first = await request(api.base).post(path).set(staff).set('Content-Type', 'image/png').send(PNG);
  expect(first.status).toBe(201);
  expect(first.body.photo).toMatchObject({
    materialCode: 'economic_statement',
    sizeBytes: PNG.length,
    uploadedBy: 'staff-sz',
  });
  const again = await request(api.base).post(path).set(staff).set('Content-Type', 'image/png').send(PNG);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ replayed: true, photo: { id: first.body.photo.id } });

  const list = await request(api.base).get(`/applications/${no}/materials/photos`).set(staff);
  expect(list.body.photos).toHaveLength(1);
  expect(list.body.photos[0]).not.toHaveProperty('data');
  const bytes = await request(api.base)
    .get(`/applications/${no}/materials/photos/${first.body.photo.id}`)
    .set(staff)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  expect(bytes.status).toBe(200);
  expect(bytes.headers['content-type']).toBe('image/png');
  expect(Buffer.compare(bytes.body as Buffer, PNG)).toBe(0);

  const elsewhere = await as('staff-kq', ['agency_staff'], 'KQ');
  expect((await request(api.base).post(path).set(elsewhere).set('Content-Type', 'image/png').send(PNG)).status).toBe(
    403,
  );
  expect((await request(api.base).get(`/applications/${no}/materials/photos`).set(elsewhere)).status).toBe(403);
  // Managers read cases but do not supply materials.
  const manager = await as('mgr-sz', ['manager']);
  expect((await request(api.base).post(path).set(manager).set('Content-Type', 'image/png').send(PNG)).status).toBe(403);
});

test('photos only: other types, a mislabelled file, an unknown material, and more than 5 MB are refused in Chinese', async () => {
  const no = await deferredCase();
  const staff = await as('staff-sz', ['agency_staff']);
  const path = `/applications/${no}/materials/photos?material=matter_evidence`;
  const pdf = await request(api.base)
    .post(path)
    .set(staff)
    .set('Content-Type', 'application/pdf')
    .send(Buffer.from('%PDF-1.4'));
  expect(pdf.status).toBe(415);
  expect(pdf.body.message).toContain('JPEG');
  const fake = await request(api.base)
    .post(path)
    .set(staff)
    .set('Content-Type', 'image/jpeg')
    .send(Buffer.from('<script>'));
  expect(fake.status).toBe(415);
  expect(fake.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  const unknown = await request(api.base)
    .post(`/applications/${no}/materials/photos?material=passport`)
    .set(staff)
    .set('Content-Type', 'image/png')
    .send(PNG);
  expect(unknown.status).toBe(400);
  expect(unknown.body.code).toBe('VALIDATION_FAILED');
  const big = Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]);
  const tooBig = await request(api.base).post(path).set(staff).set('Content-Type', 'image/png').send(big);
  expect(tooBig.status).toBe(413);
  expect(tooBig.body.code).toBe('PAYLOAD_TOO_LARGE');
});
