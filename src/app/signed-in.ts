// A use case run for a person who signed in this turn: their writes carry their credential, so an adapter
// that calls a remote system as the caller (Dataverse: an approval must be made by the approver) can use it.
// The use cases themselves do not change: they name the caller with `personCaller(requester)`, and the
// records port seen through this context adds the credential to the batches of that person.
import type { User } from '../domain/model.js';
import type { UseCaseContext } from './context.js';
import { personCaller, type DelegatedCredential, type IntentBatch, type OrganizationRecords } from './ports.js';

/** `context` whose record writes made as `person` carry `credential` (for this turn only: pass it no further). */
export function actingAsSignedIn(context: UseCaseContext, person: Pick<User, 'id'>, credential: DelegatedCredential | undefined): UseCaseContext {
  if (credential === undefined) return context;
  const records = context.records;
  const apply = (batch: IntentBatch): ReturnType<OrganizationRecords['apply']> => {
    const caller = batch.caller.kind === 'person' && batch.caller.userId === person.id && batch.caller.credential === undefined ? personCaller(person, credential) : batch.caller;
    return records.apply({ ...batch, caller });
  };
  // A proxy, not a copy: the records adapter is a class whose methods need their own `this`.
  const signedInRecords = new Proxy(records, {
    get(target, property) {
      if (property === 'apply') return apply;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...context, records: signedInRecords };
}
