// The permission model (seed table, its history and footnotes) as data. IMPLEMENTATION PENDING (helper).
import type { Directory } from './directory.js';
import type { Mailbox, User } from './model.js';

/** Which edition of Microsoft's permission table applies, chosen by the organization's version. */
export type PermissionEdition = 'legacy' | 'seed2019' | 'current2025';

export interface PermissionDecision {
  readonly allowed: boolean;
  readonly edition: PermissionEdition;
  /** Stable id of the rule (table cell, footnote or privilege check) that decided. */
  readonly rule: string;
  /** One sentence a person understands. */
  readonly reason: string;
}

export declare function canApproveEmail(requester: User, mailbox: Mailbox, directory: Directory): PermissionDecision;
