// Offline validation against the official Teams 1.22 JSON schema bundled in @microsoft/app-manifest.
// The schema is always passed explicitly: without it, validateAgainstSchema may download it from $schema.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { AppManifestUtils } from '@microsoft/app-manifest';
import type { TeamsManifestV1D22 } from '@microsoft/app-manifest';
import { z } from 'zod';
import { TEAMS_MANIFEST_VERSION } from './app-manifest.js';

type BundledSchema = NonNullable<Parameters<typeof AppManifestUtils.validateAgainstSchema>[1]>;

export const BUNDLED_SCHEMA_PATH = createRequire(import.meta.url).resolve(
  `@microsoft/app-manifest/build/json-schemas/teams/v${TEAMS_MANIFEST_VERSION}/MicrosoftTeams.schema.json`,
);

/** Enough structure to be sure the file is the draft-04 Teams schema of our manifest version. */
const teamsSchemaShape = z.object({
  $schema: z.string().includes('draft-04'),
  type: z.literal('object'),
  properties: z.object({ manifestVersion: z.object({ const: z.literal(TEAMS_MANIFEST_VERSION) }) }),
});

const bundledSchema = z.custom<BundledSchema>(
  (value) => teamsSchemaShape.safeParse(value).success,
  `${BUNDLED_SCHEMA_PATH} is not the Teams ${TEAMS_MANIFEST_VERSION} manifest JSON schema`,
);

let schemaLoading: Promise<BundledSchema> | undefined;

export function loadBundledSchema(): Promise<BundledSchema> {
  schemaLoading ??= readFile(BUNDLED_SCHEMA_PATH, 'utf8').then((text) => bundledSchema.parse(JSON.parse(text)));
  return schemaLoading;
}

/** Schema errors as "<json pointer> <message>. Details: …", or an empty list for a valid manifest. */
export async function validateManifest(manifest: TeamsManifestV1D22.TeamsManifestV1D22): Promise<readonly string[]> {
  return AppManifestUtils.validateAgainstSchema(manifest, await loadBundledSchema());
}
