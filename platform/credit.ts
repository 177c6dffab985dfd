/**
 * Credit lookup adapter (信用查询, S-3.1): a plain HTTP JSON client for the configured credit service
 * (CREDIT_SERVICE_URL). Without one, staff record the result of their own lookup by hand.
 *   POST <url>  Authorization: Bearer <CREDIT_SERVICE_API_KEY>
 *   { "idNumber": "...", "name": "...", "requestId": "..." }  ->  { "rating": "good" | "bad" | "none" }
 * Errors name the HTTP status only: the person's data never reaches logs or workflow history.
 */
export type CreditRating = 'good' | 'bad' | 'none';

export interface CreditService {
  lookup(query: { idNumber: string; name: string; requestId: string }): Promise<CreditRating>;
}

export function httpCreditService(options: { url: string; apiKey?: string; timeoutMs?: number }): CreditService {
  return {
    async lookup(query) {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify(query),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`credit service answered HTTP ${response.status}`);
      const body = (await response.json()) as { rating?: unknown };
      if (body.rating !== 'good' && body.rating !== 'bad' && body.rating !== 'none') {
        throw new Error('credit service answered without a valid rating');
      }
      return body.rating;
    },
  };
}
