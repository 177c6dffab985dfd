/**
 * SMS gateway adapter (短信网关): a plain HTTP JSON client for the configured gateway (SMS_GATEWAY_URL).
 *   POST <url>  Authorization: Bearer <SMS_GATEWAY_API_KEY>  Idempotency-Key: notice-<id>
 *   { "to": "13800000000", "content": "...", "requestId": "notice-<id>" }   -> 2xx accepted
 * The idempotency key lets the gateway drop a repeat when our activity is retried after a lost answer. Errors name
 * the HTTP status only: the number and the text never reach logs or workflow history.
 */
export interface SmsMessage {
  to: string;
  content: string;
  idempotencyKey: string;
}

export interface SmsGateway {
  send(message: SmsMessage): Promise<void>;
}

export function httpSmsGateway(options: { url: string; apiKey?: string; timeoutMs?: number }): SmsGateway {
  return {
    async send(message) {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': message.idempotencyKey,
          ...(options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({ to: message.to, content: message.content, requestId: message.idempotencyKey }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!response.ok) throw new Error(`SMS gateway answered HTTP ${response.status}`);
    },
  };
}
