/**
 * SMTP mail adapter (nodemailer) for notices to applicants who gave an e-mail address (SMTP_URL, SMTP_FROM).
 * The Message-ID is derived from the notice id, so a mail server or client can recognise a resend after a retry.
 * Errors name the SMTP response code only.
 */
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  idempotencyKey: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export function smtpMailer(options: { url: string; from: string; domain?: string }): Mailer {
  const transport = nodemailer.createTransport(options.url);
  return {
    async send(message) {
      try {
        await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: `<${message.idempotencyKey}@${options.domain ?? 'legal-aid.local'}>`,
        });
      } catch (err) {
        const code = (err as { responseCode?: number; code?: string }).responseCode ?? (err as { code?: string }).code;
        throw new Error(`SMTP delivery failed (${String(code ?? 'unknown')})`);
      }
    },
  };
}
