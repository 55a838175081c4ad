// Who is asking: identity comes only from the activity (tenant + Entra object id), never from text or card data.
import { z } from 'zod';
import type { Organization, User } from '../domain/model.js';

/** An identity field: a malformed value counts as absent, so it can't hide the other fields or throw. */
const identityText = z.string().min(1).optional().catch(undefined);

const activityIdentitySchema = z.looseObject({
  from: z.looseObject({ aadObjectId: identityText }).optional().catch(undefined),
  conversation: z.looseObject({ tenantId: identityText }).optional().catch(undefined),
  channelData: z
    .looseObject({ tenant: z.looseObject({ id: identityText }).optional().catch(undefined) })
    .optional()
    .catch(undefined),
});

export type Identification =
  | { readonly ok: true; readonly user: User; readonly tenantId: string }
  | { readonly ok: false; readonly problem: 'wrongTenant' | 'noEntraId' | 'unknownUser' | 'inactiveUser'; readonly message: string };

/**
 * The identity fields of one activity, read with zod once per turn and handed on: the tenant and the requester's
 * Entra object id. Made only from an activity (the constructor is private), so identity can't come from anywhere else.
 */
export class ActivityIdentity {
  private constructor(
    /** Teams puts the tenant in channelData.tenant.id in every context; conversation.tenantId otherwise. */
    readonly tenantId: string | undefined,
    readonly aadObjectId: string | undefined,
  ) {}

  static of(activity: unknown): ActivityIdentity {
    const parsed = activityIdentitySchema.safeParse(activity);
    if (!parsed.success) return new ActivityIdentity(undefined, undefined);
    const { from, conversation, channelData } = parsed.data;
    return new ActivityIdentity(channelData?.tenant?.id ?? conversation?.tenantId, from?.aadObjectId);
  }
}

export async function identifyRequester(
  identity: ActivityIdentity,
  organization: Organization,
  userByAadObjectId: (id: string) => Promise<User | undefined>,
): Promise<Identification> {
  const { tenantId, aadObjectId } = identity;
  if (tenantId === undefined || tenantId.toLowerCase() !== organization.tenantId.toLowerCase()) {
    return {
      ok: false,
      problem: 'wrongTenant',
      message: `This bot manages the email configuration of ${organization.name}, whose Microsoft Entra tenant is ${organization.tenantId}. Your request came from ${tenantId === undefined ? 'an unknown tenant' : `tenant ${tenantId}`}, so I can't act on it.`,
    };
  }
  if (aadObjectId === undefined) {
    return {
      ok: false,
      problem: 'noEntraId',
      message: 'Teams did not tell me your Microsoft Entra identity (guests and anonymous users have none), so I can\'t check your permissions. Please use a work account of the organization.',
    };
  }
  // The records port looks Entra object ids up case-insensitively.
  const user = await userByAadObjectId(aadObjectId);
  if (user === undefined) {
    return {
      ok: false,
      problem: 'unknownUser',
      message: `You are not a user of the Dynamics 365 organization ${organization.name}: no user has your Entra object id (${aadObjectId}). Ask an administrator to add you.`,
    };
  }
  if (!user.active) {
    return { ok: false, problem: 'inactiveUser', message: `Your user record (${user.fullName}) in ${organization.name} is disabled, so I can't act for you.` };
  }
  return { ok: true, user, tenantId };
}
