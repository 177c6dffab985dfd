/** Small building blocks: loading data, showing the API's errors, and one form component for every API action. */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { ApiFailure, call, newIdempotencyKey, type Json } from './api';
import type { ActionSpec, Field } from './forms';
import type { Session } from './session';

export type { ActionSpec, Field } from './forms';

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const run = useCallback(load, deps);
  const reload = useCallback(() => {
    setLoading(true);
    run().then(
      (d) => {
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        setError(e);
        setLoading(false);
      },
    );
  }, [run]);
  useEffect(reload, [reload]);
  return { data, error, loading, reload };
}

/** The API's Chinese message, and each field's message from the validation details. */
export function ErrorBox({ error, labels = {} }: { error: unknown; labels?: Record<string, string> }) {
  if (!error) return null;
  const failure = error instanceof ApiFailure ? error : null;
  const details = Array.isArray(failure?.details)
    ? (failure.details as Array<{ path?: string; message?: string }>)
    : [];
  // With field details listed below, the headline is the message's lead ("请求内容不符合要求").
  const headline = failure && details.length > 0 ? failure.message.split('：')[0] : undefined;
  return (
    <div className="error" role="alert" data-testid="error">
      <strong>{headline ?? (failure ? failure.message : error instanceof Error ? error.message : '出错了')}</strong>
      {failure && (
        <span className="code">
          （{failure.status} {failure.code}）
        </span>
      )}
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>
              {d.path ? <span className="field">{labels[d.path] ?? d.path}</span> : null} {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ loading }: { loading: boolean }) {
  return loading ? <p className="muted">加载中…</p> : null;
}

/** One API action as a form: posts, shows the answer, or the API's message with each field's validation message. */
export function ActionForm({
  session,
  spec,
  onDone,
}: {
  session: Session;
  spec: ActionSpec;
  onDone?: (result: Json) => void;
}) {
  const initial = Object.fromEntries(spec.fields.map((f) => [f.name, f.initial ?? '']));
  const [values, setValues] = useState<Record<string, string>>(initial);
  const [multi, setMulti] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setDone(null);
    try {
      const body = spec.body ? spec.body(values, multi) : defaultBody(spec.fields, values, multi);
      const headers: Record<string, string> = spec.idempotent ? { 'Idempotency-Key': newIdempotencyKey(spec.id) } : {};
      const path = typeof spec.path === 'function' ? spec.path(values) : spec.path;
      const result = await call<Json>(session, 'POST', path, body, headers);
      setDone('已提交');
      onDone?.(result);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="action" data-testid={`action-${spec.id}`} onSubmit={(e) => void submit(e)}>
      <h4>
        {spec.title} {spec.rule && <span className="rule">{spec.rule}</span>}
      </h4>
      {spec.fields.map((f) => (
        <label key={f.name} className={f.kind === 'checkbox' ? 'check' : ''}>
          <span>{f.label}</span>
          <FieldInput
            field={f}
            value={values[f.name] ?? ''}
            chosen={multi[f.name] ?? []}
            onChange={(v) => set(f.name, v)}
            onChoose={(list) => setMulti((m) => ({ ...m, [f.name]: list }))}
          />
        </label>
      ))}
      <button type="submit" disabled={busy}>
        {busy ? '提交中…' : (spec.submit ?? '提交')}
      </button>
      {done && <span className="ok">{done}</span>}
      <ErrorBox error={error} labels={Object.fromEntries(spec.fields.map((f) => [f.name, f.label]))} />
    </form>
  );
}

function FieldInput({
  field,
  value,
  chosen,
  onChange,
  onChoose,
}: {
  field: Field;
  value: string;
  chosen: string[];
  onChange: (v: string) => void;
  onChoose: (list: string[]) => void;
}) {
  const name = field.name;
  switch (field.kind) {
    case 'textarea':
    case 'json':
      return (
        <textarea
          name={name}
          value={value}
          placeholder={field.placeholder}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'select':
      return (
        <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">（请选择）</option>
          {Object.entries(field.options ?? {}).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      );
    case 'checkbox':
      return (
        <input
          type="checkbox"
          name={name}
          checked={value === 'true'}
          onChange={(e) => onChange(String(e.target.checked))}
        />
      );
    case 'multi':
      return (
        <span className="multi">
          {Object.entries(field.options ?? {}).map(([k, label]) => (
            <label key={k} className="check">
              <input
                type="checkbox"
                name={`${name}.${k}`}
                checked={chosen.includes(k)}
                onChange={(e) => onChoose(e.target.checked ? [...chosen, k] : chosen.filter((c) => c !== k))}
              />
              {label}
            </label>
          ))}
        </span>
      );
    default:
      return (
        <input
          name={name}
          type={
            field.kind === 'number'
              ? 'number'
              : field.kind === 'date'
                ? 'date'
                : field.kind === 'datetime'
                  ? 'datetime-local'
                  : 'text'
          }
          step={field.kind === 'number' ? 'any' : undefined}
          value={value}
          placeholder={field.placeholder}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
}

/** Empty fields are left out (so the API's own "required" messages show); numbers and booleans are converted. */
function defaultBody(fields: Field[], values: Record<string, string>, multi: Record<string, string[]>) {
  const body: Record<string, unknown> = {};
  for (const f of fields) {
    const v = values[f.name] ?? '';
    if (f.kind === 'multi') body[f.name] = multi[f.name] ?? [];
    else if (f.kind === 'checkbox') body[f.name] = v === 'true';
    else if (v === '') continue;
    else if (f.kind === 'number') body[f.name] = Number(v);
    else if (f.kind === 'json') body[f.name] = parseJson(v);
    else body[f.name] = v;
  }
  return body;
}

function parseJson(v: string): unknown {
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** China time, as staff read it. */
export function cst(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const t = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`;
}

export function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

export function yuan(cents: unknown): string {
  return typeof cents === 'number' ? `¥${(cents / 100).toFixed(2)}` : '—';
}

export function percent(share: unknown): string {
  return typeof share === 'number' ? `${Math.round(share * 1000) / 10}%` : '—';
}
