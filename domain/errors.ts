/**
 * The one error type the product's own rules and look-ups refuse with: a stable code, a Chinese message for people,
 * and what kind of refusal it is. The API maps a kind to an HTTP status once (api/errors.ts); nothing else
 * translates these errors.
 */
export type DomainErrorKind =
  /** 404: the thing named does not exist. */
  | 'not_found'
  /** 409: it exists already, or its id is taken. */
  | 'conflict'
  /** 422: the request is well-formed, but the rules or the thing's state do not allow it. */
  | 'refused'
  /** 400: the request's content breaks a rule of its own shape (e.g. a scoring sheet's weights). */
  | 'invalid';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The kind of a look-up's refusal by its code's convention: `…_NOT_FOUND`, `…_EXISTS`, or a refusal. */
export function lookupKind(code: string): DomainErrorKind {
  if (code.endsWith('_NOT_FOUND')) return 'not_found';
  if (code.endsWith('_EXISTS') || code.endsWith('_TAKEN')) return 'conflict';
  return 'refused';
}
