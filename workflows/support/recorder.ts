/**
 * The one recorder of a case workflow: it owns the order of the stored record. Every event and every notice goes
 * through it; what is recorded in one workflow activation is written in one local activity and one transaction (the
 * event, the state it leaves, the obligations, the notices), batches are written strictly one after another, so the
 * stored history matches the workflow's; a staff step's answer is stored in the batch after what the step recorded
 * (the API reads it from there), and notices to the applicant's phone or e-mail are delivered on a chain of their own
 * so a slow gateway never holds up the record.
 */
import { condition } from '@temporalio/workflow';
import type { NoticeRequest } from '../../activities/notifications';
import type { StoredAnswer } from '../../activities/step-answers';
import type { Attention } from './attention';

/** A notice of the case; the recorder adds the case number. */
export type Notice = Omit<NoticeRequest, 'applicationNo'>;

export interface Batch<E, S> {
  entries: E[];
  state: S;
  notices: NoticeRequest[];
  answers: StoredAnswer[];
}

export interface RecorderDeps<E, S> {
  caseNo: string;
  /** A copy of the state as it is now (the batch stores the last one). */
  snapshot(): S;
  /**
   * Writes a batch in one transaction; answers the ids of notices still to deliver (SMS, e-mail). `clean`: the
   * operator chose to strip control characters (`withoutControlCharacters`) from everything the write sends.
   */
  write(batch: Batch<E, S>, clean: boolean): Promise<string[]>;
  deliver(ids: string[]): Promise<void>;
  attention: Attention;
}

interface Pending<E> {
  entry?: E;
  answer?: StoredAnswer;
  notices: Notice[];
  done: () => void;
}

export class Recorder<E, S> {
  private readonly pending: Pending<E>[] = [];
  private lastState?: S;
  private writing: Promise<void> | undefined;
  private deliveries: Promise<void> = Promise.resolve();

  constructor(private readonly deps: RecorderDeps<E, S>) {}

  /** Records an entry (or none: notices only) with the state as it is now; resolves once it is stored. */
  record(entry: E | undefined, notices: Notice[] = []): Promise<void> {
    return this.push({ entry, notices });
  }

  /** Stores a step's answer after everything recorded so far; resolves once it is stored. */
  answer(answer: StoredAnswer): Promise<void> {
    return this.push({ answer, notices: [] });
  }

  private push(item: Omit<Pending<E>, 'done'>): Promise<void> {
    this.lastState = this.deps.snapshot();
    return new Promise<void>((done) => {
      this.pending.push({ ...item, done });
      this.writing ??= this.drain();
    });
  }

  /** Resolves once everything recorded so far is stored. */
  async written(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Resolves once everything recorded so far is stored and its notices delivered. */
  async flushed(): Promise<void> {
    await this.written();
    await this.deliveries;
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      // Everything recorded in this activation goes into one batch: a step that finishes in it has recorded its events
      // and queued its answer once the activation's microtasks have run.
      await afterMicrotasks();
      const taken = this.pending.splice(0);
      const batch: Batch<E, S> = {
        entries: taken.flatMap((p) => (p.entry === undefined ? [] : [p.entry])),
        state: this.lastState!,
        notices: taken.flatMap((p) => p.notices.map((n) => ({ applicationNo: this.deps.caseNo, ...n }))),
        answers: taken.flatMap((p) => (p.answer ? [p.answer] : [])),
      };
      const ids = await this.deps.attention.guard((clean) => this.deps.write(batch, clean));
      if (ids.length > 0) this.deliveries = this.deliveries.then(() => this.deps.deliver(ids));
      for (const p of taken) p.done();
    }
    this.writing = undefined;
  }
}

/**
 * Resolves once the current activation's microtasks have run: the SDK checks blocked conditions only after them (the
 * first, eager check answers false), within the same workflow task.
 */
function afterMicrotasks(): Promise<void> {
  let checked = false;
  return condition(() => checked || !(checked = true));
}
