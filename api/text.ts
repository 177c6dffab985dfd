/**
 * Strings at the boundary. PostgreSQL cannot store U+0000 (SQLSTATE 22021 in text, 22P05 in jsonb) and jsonb refuses
 * lone UTF-16 surrogates: a value the API accepted and an activity then cannot write is retried for ever and wedges
 * the case. So every string schema of every request is built here, and refuses such characters before anything is
 * written and before any workflow is started or updated:
 *
 * - `text(label)`: multi-line free text (notes, reasons, summaries, comments, facts, reports, records). Refuses the C0
 *   controls U+0000–U+001F except TAB (U+0009), LF (U+000A) and CR (U+000D), DEL (U+007F), the C1 controls
 *   U+0080–U+009F, and lone surrogates.
 * - `line(label)`: everything else (names, ids, codes, file names, phone numbers, query filters): the same, and
 *   TAB, LF and CR too.
 *
 * The check is the schema's first, on the value as sent (before `.trim()`): a name ending in a line break is refused,
 * not silently trimmed. `label` is the field's Chinese name, used in the message. api/errors.ts answers any such
 * issue as 400 CONTROL_CHARACTERS (`controlCharacterIssues`).
 */
import { z } from 'zod';

export const CONTROL_CHARACTERS = 'CONTROL_CHARACTERS';

/** C0 (without TAB, LF, CR), DEL, C1 (Unicode general category Cc), and unpaired surrogates (Cs, in `u` mode). */
const MULTI_LINE_FORBIDDEN = /[^\P{Cc}\t\n\r]|\p{Cs}/u;
/** Every Cc character (TAB, LF and CR too) and unpaired surrogates. */
const SINGLE_LINE_FORBIDDEN = /\p{Cc}|\p{Cs}/u;

/** The marker our issues carry (in `params`), so the error handler tells them from other validation failures. */
const MARKER = 'controlCharacters';

/** `U+0000`-style name of the first forbidden character, and its position (counted in UTF-16 units, from 1). */
function firstForbidden(value: string, forbidden: RegExp): { character: string; position: number } | undefined {
  const match = forbidden.exec(value);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  return { character: `U+${code.toString(16).toUpperCase().padStart(4, '0')}`, position: match.index + 1 };
}

/** The message for people: names the field (and says what to do). */
export function controlCharacterMessage(label: string, lineBreak: boolean): string {
  return lineBreak
    ? `「${label}」只能填写一行，不能包含换行符或制表符，请删除后重新提交`
    : `「${label}」含有不可见的控制字符，请删除后重新提交`;
}

/** The check itself, for string formats built elsewhere (`z.email().check(noControlCharacters('电子邮箱'))`). */
export function noControlCharacters(label: string, multiLine = false) {
  const forbidden = multiLine ? MULTI_LINE_FORBIDDEN : SINGLE_LINE_FORBIDDEN;
  return z.check<string>((ctx) => {
    const found = firstForbidden(ctx.value, forbidden);
    if (!found) return;
    const lineBreak = !multiLine && !MULTI_LINE_FORBIDDEN.test(ctx.value);
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: controlCharacterMessage(label, lineBreak),
      params: { [MARKER]: true, label, ...found },
      // Not aborting: the value's other checks (and the object's) still report, so everything is fixed in one go.
      continue: true,
    });
  });
}

/** Multi-line free text: TAB, LF and CR allowed; other control characters and lone surrogates refused. */
export const text = (label: string) => z.string().check(noControlCharacters(label, true));

/** A single-line string: every control character (TAB, LF, CR too) and lone surrogates refused. */
export const line = (label: string) => z.string().check(noControlCharacters(label));

export interface ControlCharacterIssue {
  path: string;
  message: string;
  label: string;
  character: string;
  position: number;
}

type AnyIssue = z.core.$ZodIssue;

/** Our issues among a ZodError's, nested ones too (a record's keys, union branches), with their full paths. */
export function controlCharacterIssues(
  issues: readonly AnyIssue[],
  prefix: PropertyKey[] = [],
): ControlCharacterIssue[] {
  return issues.flatMap((issue): ControlCharacterIssue[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'custom' && issue.params?.[MARKER] === true) {
      const params = issue.params as { label: string; character: string; position: number };
      return [
        {
          path: path.map(String).join('.'),
          message: issue.message,
          label: params.label,
          character: params.character,
          position: params.position,
        },
      ];
    }
    if (issue.code === 'invalid_key' || issue.code === 'invalid_element') {
      return controlCharacterIssues(issue.issues, path);
    }
    if (issue.code === 'invalid_union') return issue.errors.flatMap((branch) => controlCharacterIssues(branch, path));
    return [];
  });
}
