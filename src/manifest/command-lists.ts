// Where the manifest's command menu comes from.
// PROVISIONAL: src/bot/commands/help.ts (manifestCommandLists) is being written; once it exists this
// module delegates to it so the "/" menu and the parser share the command registry as their one source.
import type { ManifestCommandList } from './app-manifest.js';

const PROVISIONAL_COMMAND_LISTS: readonly ManifestCommandList[] = [
  {
    scopes: ['personal', 'team', 'groupChat'],
    commands: [
      { title: 'help', description: 'Show the commands and who may use them' },
      { title: 'show mailbox', description: 'show mailbox <name or email>: profile, delivery methods, approval and test status' },
      { title: 'approve mailbox', description: 'approve mailbox <name or email>: approve its email address' },
      { title: 'reject mailbox', description: 'reject mailbox <name or email>: reject its email address' },
      { title: 'test mailbox', description: 'test mailbox <name or email>: Test & Enable one mailbox' },
      { title: 'test mailboxes for profile', description: 'test mailboxes for profile <profile>: Test & Enable every mailbox of a server profile' },
      { title: 'apply default settings', description: 'apply default settings <name or email>: default profile and delivery methods, then Test & Enable' },
      { title: 'pending approvals', description: 'List mailboxes whose email address waits for approval' },
      { title: 'alerts', description: 'alerts <name or email>: the latest alerts of a mailbox' },
    ],
  },
];

export function manifestCommandLists(): readonly ManifestCommandList[] {
  return PROVISIONAL_COMMAND_LISTS;
}
