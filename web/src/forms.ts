/** The shape of one API action as a form (rendered by ActionForm in ui.tsx); plain data, no React. */
export interface Field {
  name: string;
  label: string;
  kind?: 'text' | 'textarea' | 'number' | 'date' | 'datetime' | 'select' | 'checkbox' | 'multi' | 'json';
  options?: Record<string, string>;
  placeholder?: string;
  initial?: string;
}

export interface ActionSpec {
  id: string;
  title: string;
  rule?: string;
  path: string | ((values: Record<string, string>) => string);
  fields: Field[];
  /** Turns the form's values into the request body (the default sends them as they are). */
  body?: (values: Record<string, string>, multi: Record<string, string[]>) => unknown;
  submit?: string;
  idempotent?: boolean;
}
