// Closed set of error codes the use cases return; the bot maps each code to what the user sees.
import type { PermissionDecision } from './permissions.js';

export type DomainErrorCode =
  | 'PermissionDenied'
  | 'UnknownUser'
  | 'UnknownMailbox'
  | 'UnknownProfile'
  | 'UnknownQueue'
  | 'UnknownRole'
  | 'InactiveProfile'
  | 'InvalidValue'
  | 'NothingSelected'
  | 'VersionConflict'
  | 'NotApplicable'
  /** A rejection without a reason: it stands until someone decides again, so it is never made without one. */
  | 'ReasonRequired';

export interface DomainError {
  readonly code: DomainErrorCode;
  readonly message: string;
  /** When the permission model refused: its rule and reason. */
  readonly decision?: PermissionDecision;
  /** Names the user typed that matched nothing, with the closest known names. */
  readonly unknownNames?: readonly { readonly name: string; readonly suggestions: readonly string[] }[];
}

export const domainError = (code: DomainErrorCode, message: string, extra: Partial<DomainError> = {}): DomainError => ({
  code,
  message,
  ...extra,
});
