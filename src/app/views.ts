// What use cases hand back about records: the record itself plus the names a card needs to show it,
// resolved once here so the bot layer never has to look anything up.
import type { Directory } from '../domain/directory.js';
import type { EmailServerProfile, Mailbox } from '../domain/model.js';

export interface MailboxView {
  readonly mailbox: Mailbox;
  /** The owning user's full name (for a queue mailbox, the queue owner's). */
  readonly ownerName: string;
  /** Name of the linked email server profile, or null when the mailbox has none. */
  readonly profileName: string | null;
  /** The user or queue the mailbox belongs to. */
  readonly regarding: { readonly type: 'systemuser' | 'queue'; readonly id: string; readonly name: string };
}

/** Shown instead of a name when a record points at something that no longer exists. */
const missingName = (kind: string, id: string): string => `(unknown ${kind} ${id})`;

export function mailboxView(mailbox: Mailbox, directory: Directory): MailboxView {
  const owner = directory.userById(mailbox.ownerId);
  const profile = mailbox.emailServerProfileId === null ? undefined : directory.profileById(mailbox.emailServerProfileId);
  const regardingName =
    mailbox.regarding.type === 'systemuser'
      ? directory.userById(mailbox.regarding.id)?.fullName
      : directory.queueById(mailbox.regarding.id)?.name;
  return {
    mailbox,
    ownerName: owner?.fullName ?? missingName('user', mailbox.ownerId),
    profileName:
      mailbox.emailServerProfileId === null ? null : (profile?.name ?? missingName('profile', mailbox.emailServerProfileId)),
    regarding: {
      type: mailbox.regarding.type,
      id: mailbox.regarding.id,
      name: regardingName ?? missingName(mailbox.regarding.type === 'systemuser' ? 'user' : 'queue', mailbox.regarding.id),
    },
  };
}

export interface ProfileView {
  readonly profile: EmailServerProfile;
  readonly ownerName: string;
  /** Whether it is the organization's default profile for new mailboxes (`defaultemailserverprofileid`). */
  readonly isDefault: boolean;
}

export function profileView(profile: EmailServerProfile, directory: Directory): ProfileView {
  return {
    profile,
    ownerName: directory.userById(profile.ownerId)?.fullName ?? missingName('user', profile.ownerId),
    isDefault: directory.organization.settings.defaultEmailServerProfileId === profile.id,
  };
}
