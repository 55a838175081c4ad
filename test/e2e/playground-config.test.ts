// The pinned .m365agentsplayground.yml, checked by the Agents Playground itself (its JSON schema and its
// uniqueness rules run when it starts) and against the demo organization it stands for: every person the
// playground can send activities as must be a Contoso user with the same ids, or the bot would not know them.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/domain/model.js';
import { loadOrganizationFile, type OrganizationData } from '../../src/store/org-file.js';
import { CONTOSO_ORG_FILE, PINNED_PLAYGROUND_CONFIG } from './support/environment.js';
import { startPlayground, type Playground, type PlaygroundUser } from './support/playground.js';

// Nothing answers here: these tests only read the playground's config, they never chat.
const UNREACHABLE_BOT = 'http://127.0.0.1:9/api/messages';

describe('the pinned Agents Playground config', () => {
  let playground: Playground;
  let contoso: OrganizationData;

  beforeAll(async () => {
    contoso = await loadOrganizationFile(CONTOSO_ORG_FILE);
    playground = await startPlayground({ botEndpoint: UNREACHABLE_BOT, configFile: PINNED_PLAYGROUND_CONFIG });
  });

  afterAll(async () => {
    await playground?.stop();
  });

  const contosoUserFor = (person: PlaygroundUser): User | undefined => contoso.users.find((user) => user.id === person.id);

  it('is accepted by the playground and uses the demo organization\'s tenant', () => {
    expect(playground.config.tenantId).toBe(contoso.organization.tenantId);
    expect(playground.config.tenantId).toBe('7a1d2c3b-0000-4000-8000-00000000c0de');
  });

  it('makes Ada Admin, a Global administrator and System Administrator, the current user with her Entra object id', () => {
    const ada = contosoUserFor(playground.config.currentUser);
    expect(ada?.fullName).toBe('Ada Admin');
    expect(playground.config.currentUser.aadObjectId).toBe(ada?.aadObjectId);
    expect(ada?.office365Roles).toContain('GlobalAdministrator');
  });

  it('lists only Contoso users, each with the id, Entra object id, name and email of examples/contoso.json', () => {
    const people = [playground.config.currentUser, ...playground.config.users];
    for (const person of people) {
      const user = contosoUserFor(person);
      expect(user, `${person.id} is not a user of examples/contoso.json`).toBeDefined();
      expect({ name: person.name, aadObjectId: person.aadObjectId, email: person.email, userPrincipleName: person.userPrincipleName }).toEqual({
        name: user?.fullName,
        aadObjectId: user?.aadObjectId,
        email: user?.primaryEmail,
        userPrincipleName: user?.userPrincipalName,
      });
      expect(`${person.givenName} ${person.surname}`).toBe(user?.fullName);
    }
    expect(new Set(people.map((person) => person.aadObjectId)).size).toBe(people.length);
  });

  it('has the mock users the scenarios sign in as: an approver, an admin with too few roles and the owner of a failing mailbox', () => {
    const mockUserIds = playground.config.users.map((user) => user.id);
    expect(mockUserIds).toEqual(expect.arrayContaining(['user-evan', 'user-sam', 'user-otto']));
  });

  it('has a personal chat, a group chat, and a team with a channel besides General', () => {
    const { personalChat, groupChats, teams } = playground.config;
    expect(personalChat.id).not.toBe('');
    expect(groupChats[0]?.members).toEqual(playground.config.users.map((user) => user.id));
    const team = teams[0];
    expect(team?.channels.map((channel) => channel.name)).toEqual(['General', expect.any(String)]);
  });

  it('would be refused by the playground if it broke the schema, so the checks above ran against a validated file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'mailbox-e2e-config-'));
    try {
      const pinned = await readFile(PINNED_PLAYGROUND_CONFIG, 'utf8');
      const broken = join(directory, 'broken.yml');
      // The schema wants exactly five mock users; a sixth key-less entry also breaks `required`.
      await writeFile(broken, pinned.replace(/^users:\n/m, 'users:\n  - id: user-extra\n'));
      await expect(startPlayground({ botEndpoint: UNREACHABLE_BOT, configFile: broken })).rejects.toThrow(/YAML path "\/users/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
