/**
 * Contract of the material photos routes (api/contract/route.ts): photos of an application's materials (issue 9,
 * S-3.2), the request body being the photo itself.
 */
import { z } from 'zod';
import { applicationNoParams, materialPhotoParams, photoUploadQuery } from '../schemas';
import { instant } from './answers';
import { route, type RouteSpec } from './route';

const tag = '材料照片';
const onCase = { targetType: 'application' } as const;

/** The media types a photo may have (checked again by the file's own signature). */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** A stored photo without its bytes (api/material-photos.ts `view`). */
const photo = z.object({
  id: z.string(),
  materialCode: z.string().describe('材料目录代码'),
  contentType: z.enum(PHOTO_TYPES),
  sizeBytes: z.number().int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  fileName: z.string(),
  uploadedBy: z.string(),
  uploadedAt: instant,
});

export const photoRoutes = {
  upload: route({
    method: 'post',
    path: '/applications/:applicationNo/materials/photos',
    summary:
      '上传材料照片（issue 9，S-3.2）：请求体为照片本身（JPEG/PNG/WebP，按文件头校验，至多 5MB）；同一照片重复上传只存一份（200）',
    tag,
    access: 'application.supplyMaterials',
    params: applicationNoParams,
    query: photoUploadQuery,
    rawBody: [...PHOTO_TYPES],
    limit: 'actions',
    audit: onCase,
    answers: {
      201: { description: '已保存', schema: z.object({ photo, replayed: z.literal(false) }) },
      200: { description: '同一照片已上传过：原记录', schema: z.object({ photo, replayed: z.literal(true) }) },
    },
    errors: {
      400: '照片内容为空 (VALIDATION_FAILED)',
      404: '申请不存在 (APPLICATION_NOT_FOUND)',
      413: '照片超过 5MB (PAYLOAD_TOO_LARGE)',
      415: '不是 JPEG/PNG/WebP 照片，或文件内容与格式不符 (UNSUPPORTED_MEDIA_TYPE)',
    },
  }),
  list: route({
    method: 'get',
    path: '/applications/:applicationNo/materials/photos',
    summary: '案件的材料照片清单（不含照片内容）',
    tag,
    access: 'application.read',
    params: applicationNoParams,
    audit: onCase,
    answers: { 200: { description: '照片，按上传先后', schema: z.object({ photos: z.array(photo) }) } },
    errors: { 404: '申请不存在 (APPLICATION_NOT_FOUND)' },
  }),
  read: route({
    method: 'get',
    path: '/applications/:applicationNo/materials/photos/:photoId',
    summary: '一张材料照片（原图）',
    tag,
    access: 'application.read',
    params: materialPhotoParams,
    audit: onCase,
    answers: { 200: { description: '照片内容（JPEG、PNG 或 WebP）', contentType: 'image/*' } },
    errors: { 404: '申请或照片不存在 (APPLICATION_NOT_FOUND, PHOTO_NOT_FOUND)' },
  }),
} satisfies Record<string, RouteSpec>;
