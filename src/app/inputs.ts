// Schemas for use-case inputs that arrive from outside as loose values (card data, chat arguments):
// the bot parses with these, and the use cases re-check the values whose mistakes would corrupt data.
import { z } from 'zod';
import { describeIssues } from '../shared/zod-problems.js';
import {
  ActDeliveryMethod,
  IncomingEmailDeliveryMethod,
  OutgoingEmailDeliveryMethod,
  PrivilegeDepths,
  Privileges,
  actMethodLabel,
  incomingMethodLabel,
  outgoingMethodLabel,
} from '../domain/options.js';

function optionSchema<const Value extends number>(what: string, optionSet: Readonly<Record<string, Value>>, labels: Readonly<Record<Value, string>>): z.ZodLiteral<Value> {
  const values = Object.values(optionSet);
  return z.literal(values, { error: `${what} must be one of ${values.map((value) => `${value} (${labels[value]})`).join(', ')}` });
}

export const incomingMethodInput = optionSchema('Incoming Email', IncomingEmailDeliveryMethod, incomingMethodLabel);
export const outgoingMethodInput = optionSchema('Outgoing Email', OutgoingEmailDeliveryMethod, outgoingMethodLabel);
export const actMethodInput = optionSchema('Appointments, Contacts, and Tasks', ActDeliveryMethod, actMethodLabel);
export const privilegeInput = z.enum(Privileges, { error: `the privilege must be one of ${Privileges.join(', ')}` });
export const privilegeDepthInput = z.enum(PrivilegeDepths, { error: `the depth must be one of ${PrivilegeDepths.join(', ')}` });

/** A name, email address or id as typed. */
export const typedNameInput = z.string().trim().min(1, 'the name must not be empty');

/** Email addresses as stored: trimmed, checked, case kept (addresses compare case-insensitively). */
export const emailAddressInput = z
  .string()
  .trim()
  .min(1, 'the email address must not be empty')
  .pipe(z.email({ error: (issue) => `"${String(issue.input)}" is not an email address like ada@contoso.com` }));

/** Profile and delivery methods to set; any subset, but at least one. */
export const deliveryChangesInput = z
  .object({
    profile: typedNameInput.optional(),
    incoming: incomingMethodInput.optional(),
    outgoing: outgoingMethodInput.optional(),
    act: actMethodInput.optional(),
  })
  .strict()
  .refine((changes) => Object.values(changes).some((value) => value !== undefined), {
    message: 'say what to change: a profile, incoming, outgoing or act',
  });
export type DeliveryChanges = z.infer<typeof deliveryChangesInput>;

/** Every problem zod found, joined into one message for a DomainError. */
export function describeInputProblem(error: z.ZodError): string {
  return describeIssues(error, { root: null }).join('; ');
}
