/**
 * A write that no retry can cure (a `DataError`: PostgreSQL SQLSTATE class 22 or 23) puts the case into "needs
 * attention" (需技术支持处理) instead of retrying for ever: the case is flagged on the stuck-case board with the owner
 * technical support, and the failed call waits until an operator resolves it (`resolveAttention`: retry as it is, or
 * with control characters removed). The rest of the case keeps running; its stored record waits at that write.
 */
import { ActivityFailure, ApplicationFailure, condition, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  ERROR_TYPES,
  resolveAttention,
  type AttentionState,
  type DataErrorDetails,
  type ResolveAttentionInput,
} from '../../domain/definitions';

export interface AttentionDeps {
  caseKind: 'application' | 'evaluation' | 'hotline' | 'complaint';
  caseNo: string;
  agencyCode: string;
  /** Called with the attention state as it is set and cleared (the workflow shows it in its query). */
  onChange(attention: AttentionState | undefined): void;
  flag(args: {
    workflowId: string;
    caseKind: AttentionDeps['caseKind'];
    caseNo: string;
    agencyCode: string;
    activity: string;
    sqlstate: string;
    since: string;
  }): Promise<unknown>;
  clear(args: {
    workflowId: string;
    action: ResolveAttentionInput['action'];
    resolvedBy: string;
    at: string;
  }): Promise<unknown>;
}

/** The details of a `DataError` activity failure, or undefined for any other failure. */
export function dataErrorOf(err: unknown): DataErrorDetails | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (!(cause instanceof ApplicationFailure) || cause.type !== ERROR_TYPES.dataError) return undefined;
  const d = cause.details?.[0] as Partial<DataErrorDetails> | undefined;
  return { activity: d?.activity ?? 'unknown', sqlstate: d?.sqlstate ?? 'unknown' };
}

export class Attention {
  private current?: AttentionState;
  private resolution?: ResolveAttentionInput;

  constructor(private readonly deps: AttentionDeps) {
    setHandler(resolveAttention, (input: ResolveAttentionInput) => {
      // Only while a write waits; a late or repeated signal changes nothing.
      if (this.current && !this.resolution && (input.action === 'retry' || input.action === 'sanitize')) {
        this.resolution = input;
      }
    });
  }

  /** Runs `call` (told whether to strip control characters); a data error waits for an operator, then tries again. */
  async guard<T>(call: (sanitize: boolean) => Promise<T>): Promise<T> {
    let sanitize = false;
    for (;;) {
      try {
        const result = await call(sanitize);
        if (this.current) await this.resolved();
        return result;
      } catch (err) {
        const data = dataErrorOf(err);
        if (!data) throw err;
        sanitize = (await this.wait(data)).action === 'sanitize';
      }
    }
  }

  private async wait(data: DataErrorDetails): Promise<ResolveAttentionInput> {
    if (!this.current) {
      this.current = { since: new Date().toISOString(), ...data };
      this.deps.onChange(this.current);
      const { caseKind, caseNo, agencyCode } = this.deps;
      await this.deps.flag({ workflowId: workflowInfo().workflowId, caseKind, caseNo, agencyCode, ...this.current });
    }
    this.resolution = undefined;
    await condition(() => this.resolution !== undefined);
    return this.resolution!;
  }

  private async resolved(): Promise<void> {
    const { action, resolvedBy } = this.resolution!;
    this.current = undefined;
    this.resolution = undefined;
    this.deps.onChange(undefined);
    await this.deps.clear({ workflowId: workflowInfo().workflowId, action, resolvedBy, at: new Date().toISOString() });
  }
}

const CONTROL =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The value with control characters and lone surrogates removed from every string in it (the operator's "sanitize"). */
export function withoutControlCharacters<T>(value: T): T {
  return JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
    typeof v === 'string' ? v.replace(CONTROL, '') : v,
  ) as T;
}
