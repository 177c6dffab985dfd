/**
 * GET /applications/:applicationNo/history: the case's workflow history (流程历史) for the people who keep its file,
 * with every payload decrypted here by the project's data converter (platform/codec.ts), so staff never need the
 * Temporal Web UI's codec token. The application workflow's events and, once it started, the evaluation workflow's;
 * each with its time (ISO and China time), the Temporal event type, a Chinese label and the decoded data.
 *
 * Same authentication, permission table and object-level rule as the case GET (api/applications.ts): another
 * agency's staff get the answer the case GET gives them (403), an unknown number 404; audited like every read.
 * Bounded: at most `limit` events per workflow (`truncated` says when more are there), read page by page from
 * Temporal and no further than needed. Bookkeeping events (workflow tasks scheduled/started/completed, an activity's
 * first start) are left out: they carry no data and say nothing to people.
 */
import type { RequestHandler } from 'express';
import {
  isGrpcServiceError,
  ServiceError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowClient,
} from '@temporalio/client';
import type { LoadedDataConverter, Payload, PayloadCodec } from '@temporalio/common';
import {
  decodeArrayFromPayloads,
  decodeMapFromPayloads,
  decodeOptionalFailureToOptionalError,
  decodeOptionalSinglePayload,
} from '@temporalio/common/lib/internal-non-workflow/codec-helpers';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { applicationWorkflowId, evaluationWorkflowId } from '../domain/definitions';
import {
  durationLabel,
  formatCstSeconds,
  HISTORY_WORKFLOW_LABELS,
  historyEventLabel,
  historyNameLabel,
  type HistoryNameKind,
  type HistoryWorkflowKind,
} from '../domain/workflow-history';
import { dataConverter } from '../platform/codec';
import type { PrismaClient } from '../prisma/generated/client';
import type { AuditSink } from './auth/middleware';
import { historyRoutes } from './contract/history';
import { notFound } from './errors';
import { caseGuard } from './guards';
import type { Mounter } from './mount';
import type { HistoryEvent, HistoryResponse } from './schemas';

const PAGE_SIZE = 250;

export interface HistoryDeps {
  prisma: PrismaClient;
  temporal: Client;
  codec: PayloadCodec;
  authenticate: RequestHandler;
  auditSink: AuditSink;
  onAuditError: (err: unknown) => void;
  limits: { actionsPerMinute: number };
}

type ProtoEvent = temporal.api.history.v1.IHistoryEvent;
type Attributes = Record<string, unknown>;
type ProtoPayloads = { payloads?: Payload[] | null } | null | undefined;

/** `EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED` -> `WorkflowExecutionSignaled` (the name Temporal's UI and docs use). */
function eventTypeName(eventType: number | null | undefined): string {
  const raw = temporal.api.enums.v1.EventType[eventType ?? 0] ?? 'EVENT_TYPE_UNSPECIFIED';
  return raw
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** The event's `<type>EventAttributes` field (e.g. `workflowExecutionSignaledEventAttributes`). */
function attributesOf(event: ProtoEvent, type: string): Attributes {
  const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventAttributes`;
  return ((event as Record<string, unknown>)[key] ?? {}) as Attributes;
}

/** Protobuf int64 (Long) or number, as a number. */
function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') {
    return (value as { toNumber(): number }).toNumber();
  }
  return Number(value ?? 0);
}

/** Decoded values as plain JSON: bytes and undefined have no JSON form of their own. */
function plain(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Uint8Array) return `[二进制数据 ${value.byteLength} 字节]`;
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** A failure for people: its (decrypted) message and kind, and what caused it; never the stack trace. */
function failureView(err: Error | undefined, depth = 0): Record<string, unknown> | null {
  if (!err) return null;
  const e = err as Error & { type?: unknown; nonRetryable?: unknown; details?: unknown; cause?: unknown };
  return {
    message: e.message,
    kind: e.name,
    ...(typeof e.type === 'string' ? { type: e.type } : {}),
    ...(typeof e.nonRetryable === 'boolean' ? { nonRetryable: e.nonRetryable } : {}),
    ...(Array.isArray(e.details) && e.details.length > 0 ? { details: plain(e.details) } : {}),
    ...(e.cause instanceof Error && depth < 5 ? { cause: failureView(e.cause, depth + 1) } : {}),
  };
}

const isNotFound = (err: unknown) =>
  err instanceof WorkflowNotFoundError ||
  (isGrpcServiceError(err) && Number(err.code) === 5) ||
  (err instanceof ServiceError && isGrpcServiceError(err.cause) && Number(err.cause.code) === 5);

/** The marker the SDK records for a local activity, its details' `data` naming the activity type. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';
function localActivityType(details: Record<string, unknown>): string | undefined {
  const [data] = (details.data ?? []) as Array<{ activity_type?: unknown } | null>;
  return typeof data?.activity_type === 'string' ? data.activity_type : undefined;
}

/** A timer's id as the map key (a string in the history). */
const timerKey = (id: unknown): string => (typeof id === 'string' ? id : '');

/** Reads one workflow's history and turns each event into what people read. */
class HistoryReader {
  /** Names seen earlier in the history, for the events that refer back to them (completions, timer fires). */
  private readonly names = new Map<number, { kind: HistoryNameKind; name: string | null; extra?: string }>();
  private readonly timers = new Map<string, { name: string | null; extra?: string }>();

  constructor(private readonly converter: LoadedDataConverter) {}

  private values = async (payloads: ProtoPayloads) =>
    plain(await decodeArrayFromPayloads(this.converter, payloads?.payloads ?? []));
  private failure = async (failure: unknown) =>
    failureView(
      await decodeOptionalFailureToOptionalError(
        this.converter,
        failure as Parameters<typeof decodeOptionalFailureToOptionalError>[1],
      ),
    );
  private map = async (map: unknown) =>
    plain(await decodeMapFromPayloads(this.converter, (map ?? null) as Record<string, Payload> | null));
  private payloadMap = async (map: unknown) => {
    const entries = Object.entries((map ?? {}) as Record<string, ProtoPayloads>);
    return Object.fromEntries(await Promise.all(entries.map(async ([k, v]) => [k, await this.values(v)] as const)));
  };

  /** Listed at all? Workflow-task bookkeeping and an activity's first start are not. */
  static listed(type: string, event: ProtoEvent): boolean {
    if (type === 'WorkflowTaskScheduled' || type === 'WorkflowTaskStarted' || type === 'WorkflowTaskCompleted') {
      return false;
    }
    if (type === 'ActivityTaskStarted') {
      const a = event.activityTaskStartedEventAttributes;
      return num(a?.attempt) > 1 || Boolean(a?.lastFailure);
    }
    return true;
  }

  /** Remembers what later events refer to (runs for every event, listed or not). */
  remember(type: string, event: ProtoEvent): void {
    const id = num(event.eventId);
    if (type === 'ActivityTaskScheduled') {
      this.names.set(id, {
        kind: 'activity',
        name: event.activityTaskScheduledEventAttributes?.activityType?.name ?? null,
      });
    } else if (type === 'StartChildWorkflowExecutionInitiated') {
      const a = event.startChildWorkflowExecutionInitiatedEventAttributes;
      this.names.set(id, { kind: 'workflow', name: a?.workflowType?.name ?? null });
    }
  }

  async view(type: string, event: ProtoEvent): Promise<HistoryEvent> {
    const id = num(event.eventId);
    const atMs = optionalTsToMs(event.eventTime) ?? 0;
    const at = new Date(atMs);
    const a = attributesOf(event, type);
    let kind: HistoryNameKind | null = null;
    let name: string | null = null;
    let extra: string | undefined;
    /** The event type whose label it gets: its own, or an activity's for a local activity's marker. */
    let labelType = type;
    let data: Record<string, unknown> | null = null;
    let decodeError: string | undefined;
    const earlier = (eventId: unknown) => {
      const seen = this.names.get(num(eventId));
      if (seen) ({ kind, name } = seen);
    };
    try {
      switch (type) {
        case 'WorkflowExecutionStarted':
          kind = 'workflow';
          name = (a.workflowType as { name?: string } | undefined)?.name ?? null;
          data = { input: await this.values(a.input as ProtoPayloads) };
          if ((a.memo as { fields?: unknown } | undefined)?.fields) {
            data.memo = await this.map((a.memo as { fields?: unknown }).fields);
          }
          break;
        case 'WorkflowExecutionSignaled':
        case 'SignalExternalWorkflowExecutionInitiated':
          kind = 'signal';
          name = (a.signalName as string | undefined) ?? null;
          data = { input: await this.values(a.input as ProtoPayloads) };
          break;
        case 'WorkflowExecutionCompleted':
        case 'ChildWorkflowExecutionCompleted':
          if (type === 'ChildWorkflowExecutionCompleted') earlier(a.initiatedEventId);
          data = { result: await this.values(a.result as ProtoPayloads) };
          break;
        case 'WorkflowExecutionFailed':
        case 'WorkflowTaskFailed':
        case 'ChildWorkflowExecutionFailed':
          if (type === 'ChildWorkflowExecutionFailed') earlier(a.initiatedEventId);
          data = { failure: await this.failure(a.failure) };
          break;
        case 'WorkflowExecutionTerminated':
          data = { reason: a.reason ?? null, details: await this.values(a.details as ProtoPayloads) };
          break;
        case 'WorkflowExecutionCanceled':
          data = { details: await this.values(a.details as ProtoPayloads) };
          break;
        case 'WorkflowExecutionContinuedAsNew':
          kind = 'workflow';
          name = (a.workflowType as { name?: string } | undefined)?.name ?? null;
          data = { input: await this.values(a.input as ProtoPayloads) };
          break;
        case 'ActivityTaskScheduled':
          kind = 'activity';
          name = (a.activityType as { name?: string } | undefined)?.name ?? null;
          data = { input: await this.values(a.input as ProtoPayloads) };
          break;
        case 'ActivityTaskStarted':
          earlier(a.scheduledEventId);
          extra = `第 ${num(a.attempt)} 次尝试`;
          data = { attempt: num(a.attempt), lastFailure: await this.failure(a.lastFailure) };
          break;
        case 'ActivityTaskCompleted':
          earlier(a.scheduledEventId);
          data = { result: await this.values(a.result as ProtoPayloads) };
          break;
        case 'ActivityTaskFailed':
        case 'ActivityTaskTimedOut':
          earlier(a.scheduledEventId);
          data = { failure: await this.failure(a.failure) };
          break;
        case 'ActivityTaskCanceled':
          earlier(a.scheduledEventId);
          data = { details: await this.values(a.details as ProtoPayloads) };
          break;
        case 'ActivityTaskCancelRequested':
          earlier(a.scheduledEventId);
          break;
        case 'TimerStarted': {
          kind = 'timer';
          const summary = event.userMetadata?.summary
            ? await decodeOptionalSinglePayload<unknown>(this.converter, event.userMetadata.summary)
            : undefined;
          name = typeof summary === 'string' && summary ? summary : null;
          const ms = optionalTsToMs(a.startToFireTimeout as Parameters<typeof optionalTsToMs>[0]);
          extra = ms === undefined ? undefined : durationLabel(ms);
          this.timers.set(timerKey(a.timerId), { name, extra });
          data = ms === undefined ? null : { timeoutMs: ms };
          break;
        }
        case 'TimerFired':
        case 'TimerCanceled': {
          const timer = this.timers.get(timerKey(a.timerId));
          kind = 'timer';
          name = timer?.name ?? null;
          extra = timer?.extra;
          break;
        }
        case 'MarkerRecorded': {
          const details = await this.payloadMap(a.details);
          name = (a.markerName as string | undefined) ?? null;
          kind = 'marker';
          // A local activity's result (the record writes): named by its activity, like an activity's completion.
          const activity = name === LOCAL_ACTIVITY_MARKER ? localActivityType(details) : undefined;
          if (activity) {
            [kind, name] = ['activity', activity];
            labelType = a.failure ? 'ActivityTaskFailed' : 'ActivityTaskCompleted';
          }
          data = a.failure ? { details, failure: await this.failure(a.failure) } : { details };
          break;
        }
        case 'UpsertWorkflowSearchAttributes':
          data = {
            searchAttributes: await this.map(
              (a.searchAttributes as { indexedFields?: unknown } | undefined)?.indexedFields,
            ),
          };
          break;
        case 'WorkflowPropertiesModified':
          data = { memo: await this.map((a.upsertedMemo as { fields?: unknown } | undefined)?.fields) };
          break;
        case 'StartChildWorkflowExecutionInitiated':
          kind = 'workflow';
          name = (a.workflowType as { name?: string } | undefined)?.name ?? null;
          data = { workflowId: a.workflowId ?? null, input: await this.values(a.input as ProtoPayloads) };
          break;
        case 'StartChildWorkflowExecutionFailed':
          kind = 'workflow';
          name = (a.workflowType as { name?: string } | undefined)?.name ?? null;
          data = { workflowId: a.workflowId ?? null };
          break;
        case 'ChildWorkflowExecutionStarted':
        case 'ChildWorkflowExecutionCanceled':
        case 'ChildWorkflowExecutionTimedOut':
        case 'ChildWorkflowExecutionTerminated':
          earlier(a.initiatedEventId);
          break;
        case 'WorkflowExecutionUpdateAdmitted':
        case 'WorkflowExecutionUpdateAccepted': {
          const request = (type === 'WorkflowExecutionUpdateAdmitted' ? a.request : a.acceptedRequest) as
            { input?: { name?: string; args?: ProtoPayloads } } | undefined;
          kind = 'update';
          name = request?.input?.name ?? null;
          data = { input: await this.values(request?.input?.args) };
          break;
        }
        case 'WorkflowExecutionUpdateCompleted': {
          const outcome = a.outcome as { success?: ProtoPayloads; failure?: unknown } | undefined;
          data = outcome?.failure
            ? { failure: await this.failure(outcome.failure) }
            : { result: await this.values(outcome?.success) };
          break;
        }
        case 'WorkflowExecutionUpdateRejected':
          data = { failure: await this.failure(a.failure) };
          break;
        default:
          break;
      }
    } catch {
      // A payload sealed with a retired key, or damaged: the event is still listed, its data is not.
      data = null;
      decodeError = '该事件的数据无法解密（密钥已停用或数据已损坏），请联系技术支持';
    }
    const nameLabel = kind ? historyNameLabel(kind, name) : null;
    return {
      id,
      at: at.toISOString(),
      atCst: formatCstSeconds(at),
      type,
      label: historyEventLabel(labelType, nameLabel, extra),
      name,
      nameLabel,
      data,
      ...(decodeError ? { decodeError } : {}),
    };
  }
}

/** Up to `limit` listed events of one workflow, or null when there is no such workflow. */
async function readHistory(
  client: Client,
  converter: LoadedDataConverter,
  workflowId: string,
  limit: number,
): Promise<{ events: HistoryEvent[]; truncated: boolean } | null> {
  const service: WorkflowClient['workflowService'] = client.workflowService;
  const reader = new HistoryReader(converter);
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  for (;;) {
    let page;
    try {
      page = await service.getWorkflowExecutionHistory({
        namespace: client.options.namespace,
        execution: { workflowId },
        maximumPageSize: PAGE_SIZE,
        nextPageToken,
        skipArchival: true,
      });
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    for (const event of page.history?.events ?? []) {
      const type = eventTypeName(event.eventType);
      reader.remember(type, event);
      if (!HistoryReader.listed(type, event)) continue;
      if (events.length >= limit) return { events, truncated: true };
      events.push(await reader.view(type, event));
    }
    if (!page.nextPageToken || page.nextPageToken.length === 0) return { events, truncated: false };
    nextPageToken = page.nextPageToken;
  }
}

export function mountHistory(m: Mounter, deps: HistoryDeps): void {
  const converter = loadDataConverter(dataConverter(deps.codec));
  // Audited before the case check, so refused attempts (403, 404) are in the trail too (api/mount.ts).
  m.mount(
    historyRoutes.history,
    caseGuard(deps.prisma, 'application.history'),
    async ({ params: { applicationNo }, query: { limit } }, _req, res) => {
      const wanted: Array<[HistoryWorkflowKind, string]> = [
        ['application', applicationWorkflowId(applicationNo)],
        ['evaluation', evaluationWorkflowId(applicationNo)],
      ];
      const read = await Promise.all(
        wanted.map(([, workflowId]) => readHistory(deps.temporal, converter, workflowId, limit)),
      );
      // No application workflow: the same answer as the case's state route for a case Temporal does not know.
      if (!read[0]) throw notFound(applicationNo);
      const body: HistoryResponse = {
        applicationNo,
        limit,
        workflows: wanted.flatMap(([kind, workflowId], i) => {
          const history = read[i];
          return history ? [{ kind, label: HISTORY_WORKFLOW_LABELS[kind], workflowId, ...history }] : [];
        }),
      };
      res.json(body);
    },
  );
}
