/**
 * Contract of /codec (api/codec.ts): the codec endpoint of Temporal's Web UI and CLI (`--codec-endpoint`). It decrypts
 * (and encrypts) payloads for staff whose role may use it; each payload only for someone who may read the case of
 * the workflow it belongs to, the others come back sealed as they were sent.
 */
import { z } from 'zod';
import { line } from '../text';
import { route } from './route';

const tag = '流程数据编解码';

/** Temporal's remote codec protocol: `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`. */
export const wirePayloads = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(line('元数据名称'), line('元数据')).optional(),
        data: line('数据').optional(),
      }),
    )
    .max(1000),
});

const answered = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()), data: z.string() })),
});

export const codecRoutes = {
  decode: route({
    method: 'post',
    path: '/codec/decode',
    summary: 'Temporal 编解码端点：解密流程数据（仅限可查看该案件的工作人员；其余原样返回）',
    tag,
    access: 'codec.use',
    body: wirePayloads,
    audit: { targetType: 'payloads' },
    answers: { 200: { description: '解密后的数据；无权查看或无法解密的保持加密', schema: answered } },
  }),
  encode: route({
    method: 'post',
    path: '/codec/encode',
    summary: 'Temporal 编解码端点：加密流程数据',
    tag,
    access: 'codec.use',
    body: wirePayloads,
    audit: { targetType: 'payloads' },
    answers: { 200: { description: '加密后的数据', schema: answered } },
  }),
};
