/**
 * Issue 9: photos of an application's materials (S-3.2), taken by a village agent or scanned at the window and
 * uploaded through the console. The bytes go to PostgreSQL (`material_photo`); recording the material as supplied
 * stays the existing `POST /applications/:no/materials` (the console calls both). Who may upload: whoever may supply
 * materials for the case; who may see them: whoever may read the case.
 *
 * Limits: JPEG, PNG or WebP only, checked by the file's own signature (not just the header), at most 5 MB; the same
 * photo (SHA-256) twice for a case is stored once. File names are kept for people and never logged.
 */
import { createHash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { PrismaClient } from '../prisma/generated/client';
import type { AuditSink } from './auth/middleware';
import { photoRoutes, PHOTO_TYPES } from './contract/photos';
import { assertSuppliable } from './correction-items';
import { ApiError } from './errors';
import { caseGuard } from './guards';
import type { Mounter } from './mount';

export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
const SIGNATURES: Record<string, (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

export interface MaterialPhotoDeps {
  prisma: PrismaClient;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
  limits: { actionsPerMinute: number };
}

const view = (p: {
  id: bigint;
  materialCode: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  fileName: string;
  uploadedBy: string;
  uploadedAt: Date;
}) => ({
  id: p.id.toString(),
  materialCode: p.materialCode,
  contentType: p.contentType,
  sizeBytes: p.sizeBytes,
  sha256: p.sha256,
  fileName: p.fileName,
  uploadedBy: p.uploadedBy,
  uploadedAt: p.uploadedAt.toISOString(),
});

/**
 * The photo as sent (a Buffer; undefined for another media type), read in the handler: after the token, the case's
 * checks and the query, so a request refused before is never read.
 */
const raw = express.raw({ type: [...PHOTO_TYPES], limit: PHOTO_MAX_BYTES });
function rawBody(req: Request, res: Response): Promise<unknown> {
  return new Promise((resolve, reject) => {
    void raw(req, res, (err?: Error) => (err ? reject(err) : resolve(req.body)));
  });
}

export function mountMaterialPhotos(m: Mounter, deps: MaterialPhotoDeps): void {
  const C = photoRoutes;

  m.mount(
    C.upload,
    caseGuard(deps.prisma, 'application.supplyMaterials'),
    async ({ params, query: q, principal }, req, res) => {
      const { applicationNo } = params;
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const body = await rawBody(req, res);
      if (!Buffer.isBuffer(body) || !SIGNATURES[contentType]) {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', '只能上传 JPEG、PNG 或 WebP 格式的照片');
      }
      if (body.length === 0) throw new ApiError(400, 'VALIDATION_FAILED', '照片内容为空');
      if (!SIGNATURES[contentType](body)) {
        throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', '文件内容与照片格式不符，请上传 JPEG、PNG 或 WebP 照片');
      }
      await assertSuppliable(deps.prisma, applicationNo, [q.material], 'material');
      const sha256 = createHash('sha256').update(body).digest('hex');
      const existing = await deps.prisma.materialPhoto.findUnique({
        where: { applicationNo_sha256: { applicationNo, sha256 } },
        omit: { data: true },
      });
      if (existing) {
        res.status(200).json({ photo: view(existing), replayed: true });
        return;
      }
      const created = await deps.prisma.materialPhoto.upsert({
        where: { applicationNo_sha256: { applicationNo, sha256 } },
        create: {
          applicationNo,
          materialCode: q.material,
          contentType,
          sizeBytes: body.length,
          sha256,
          fileName: q.fileName,
          data: new Uint8Array(body),
          uploadedBy: principal.userId,
        },
        update: {},
        omit: { data: true },
      });
      res.status(201).json({ photo: view(created), replayed: false });
    },
  );

  m.mount(C.list, caseGuard(deps.prisma, 'application.read'), async ({ params: { applicationNo } }, _req, res) => {
    const rows = await deps.prisma.materialPhoto.findMany({
      where: { applicationNo },
      orderBy: { id: 'asc' },
      omit: { data: true },
    });
    res.json({ photos: rows.map(view) });
  });

  m.mount(
    C.read,
    caseGuard(deps.prisma, 'application.read'),
    async ({ params: { applicationNo, photoId } }, _req, res) => {
      const row = await deps.prisma.materialPhoto.findFirst({ where: { applicationNo, id: BigInt(photoId) } });
      if (!row) throw new ApiError(404, 'PHOTO_NOT_FOUND', '没有这张材料照片');
      res
        .status(200)
        .setHeader('Content-Type', row.contentType)
        .setHeader('Content-Disposition', 'inline')
        .setHeader('Cache-Control', 'private, no-store')
        .setHeader('X-Content-Type-Options', 'nosniff')
        .send(Buffer.from(row.data));
    },
  );
}
