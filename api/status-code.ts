/**
 * The applicant's status-lookup code (查询码), printed on the intake receipt: derived from the application number
 * with a server secret (HMAC), so it is never stored, the same intake request repeated gets the same code, and it
 * cannot be guessed from the number. 8 characters from an alphabet without look-alikes (31^8 ≈ 8.5e11).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function statusCode(secret: string, applicationNo: string): string {
  const digest = createHmac('sha256', secret).update(`status-code:${applicationNo}`).digest();
  return Array.from(digest.subarray(0, 8), (byte) => ALPHABET[byte % ALPHABET.length]).join('');
}

export function statusCodeMatches(secret: string, applicationNo: string, given: string): boolean {
  const expected = Buffer.from(statusCode(secret, applicationNo));
  const actual = Buffer.from(given.trim().toUpperCase());
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
