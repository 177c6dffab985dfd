/**
 * Failure messages and stack traces go into workflow history like any payload. An activity's error can quote the
 * data it was writing, so they are encoded (and thus encrypted by the payload codec) too. Loaded by path: the worker's
 * workflow bundle, the worker and every client use the same converter (platform/codec.ts `dataConverter`).
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
