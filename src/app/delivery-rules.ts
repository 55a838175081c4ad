// Which combinations of server profile and delivery methods can work, checked before anything is saved.
import type { EmailServerProfile } from '../domain/model.js';
import {
  ActDeliveryMethod,
  IncomingEmailDeliveryMethod,
  OutgoingEmailDeliveryMethod,
  serverTypeLabel,
  type ActDeliveryMethod as Act,
  type IncomingEmailDeliveryMethod as Incoming,
  type OutgoingEmailDeliveryMethod as Outgoing,
} from '../domain/options.js';

export interface DeliveryConfiguration {
  readonly profile: EmailServerProfile | null;
  readonly incoming: Incoming;
  readonly outgoing: Outgoing;
  readonly act: Act;
}

/** POP3/SMTP and IMAP/SMTP servers carry email only: no appointments, contacts or tasks (domain.md §1.1, S14). */
const EMAIL_ONLY_SERVER_TYPES: ReadonlySet<EmailServerProfile['serverType']> = new Set(['Pop3Smtp', 'ImapSmtp']);

export const usesServerSideSync = (configuration: Omit<DeliveryConfiguration, 'profile'>): boolean =>
  configuration.incoming === IncomingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter ||
  configuration.outgoing === OutgoingEmailDeliveryMethod.ServerSideSynchronizationOrEmailRouter ||
  configuration.act === ActDeliveryMethod.ServerSideSynchronization;

/** Every reason the combination cannot work, as sentences; empty when it can. */
export function deliveryConfigurationProblems(configuration: DeliveryConfiguration): string[] {
  const problems: string[] = [];
  const { profile } = configuration;
  if (profile === null && usesServerSideSync(configuration)) {
    problems.push('Server-side synchronization needs an email server profile, and none is set.');
  }
  if (profile !== null && configuration.act === ActDeliveryMethod.ServerSideSynchronization && EMAIL_ONLY_SERVER_TYPES.has(profile.serverType)) {
    problems.push(
      `Appointments, contacts, and tasks cannot use server-side synchronization with the ${serverTypeLabel[profile.serverType]} profile "${profile.name}": those servers carry email only. Set Appointments, Contacts, and Tasks to None.`,
    );
  }
  return problems;
}
