export interface OutgoingEmail {
  to: string;
  template: string;
  subject: string;
  text: string;
  /** Stable id of this email, for de-duplication by the sender where it supports it. */
  messageId: string;
}

export interface EmailSenderPort {
  readonly adapterName: string;
  send(email: OutgoingEmail): Promise<void>;
}

export const EMAIL_SENDER = Symbol('EMAIL_SENDER');
