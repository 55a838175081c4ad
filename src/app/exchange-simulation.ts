// The simulated Exchange side of an organization file: what the default connector answers. It lives in src/app
// because both the store (which persists it) and the simulated connector (which obeys it) depend on it.
// Deterministic by construction: behaviour depends only on this data and the attempt number.
import { z } from 'zod';

const emailAddress = z.string().trim().toLowerCase().pipe(z.email());

export const simulatedMailboxBehaviourSchema = z
  .object({
    /** Fail transiently (server unreachable) for the first N attempts, then behave normally. */
    transientFailures: z.number().int().min(0).default(0),
    /** Fail permanently with this condition on every attempt. */
    permanentFailure: z
      .enum(['Unauthorized', 'SecureConnectionFailure', 'MailboxNotFound', 'NotApprovedByO365Admin'])
      .nullable()
      .default(null),
    /** Simulated test latency in milliseconds (overrides the organization-wide default). */
    latencyMs: z.number().int().min(0).max(60_000).optional(),
  })
  .strict();

export const simulatedExchangeMailboxSchema = z
  .object({
    emailAddress,
    /** Dynamics organization id currently stamped as this mailbox's primary sync organization, or null. */
    primarySyncOrganizationId: z.string().min(1).nullable().default(null),
    behaviour: simulatedMailboxBehaviourSchema.default({ transientFailures: 0, permanentFailure: null }),
  })
  .strict();

export const exchangeSimulationSchema = z
  .object({
    /** Entra tenant the Exchange organization lives in. */
    tenantId: z.string().min(1),
    /** Whether the profile credentials / server-to-server trust work. */
    credentialsValid: z.boolean().default(true),
    /** Default latency per test, milliseconds. */
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    mailboxes: z.array(simulatedExchangeMailboxSchema).default([]),
  })
  .strict();

export type ExchangeSimulation = z.infer<typeof exchangeSimulationSchema>;
export type SimulatedExchangeMailbox = z.infer<typeof simulatedExchangeMailboxSchema>;
export type SimulatedMailboxBehaviour = z.infer<typeof simulatedMailboxBehaviourSchema>;
