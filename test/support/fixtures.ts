// Shared fixtures: the example organizations in examples/, loaded through the real organization-file parser.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInMemoryEmailConfigStore } from '../../src/store/email-config-store.js';
import type { DocumentEmailConfigStore } from '../../src/store/email-config-store.js';
import { loadOrganizationFile, organizationToDocument } from '../../src/store/org-file.js';
import type { OrganizationData } from '../../src/store/org-file.js';
import type { DataFileDocument } from '../../src/store/schema.js';

export const EXAMPLES_DIRECTORY = fileURLToPath(new URL('../../examples/', import.meta.url));

/** File names of every example organization (`contoso.json`, …). */
export const exampleFileNames = (): string[] =>
  readdirSync(EXAMPLES_DIRECTORY)
    .filter((name) => name.endsWith('.json'))
    .sort();

export const examplePath = (fileName: string): string => join(EXAMPLES_DIRECTORY, fileName);

export const loadExample = (fileName = 'contoso.json'): Promise<OrganizationData> => loadOrganizationFile(examplePath(fileName));

export const exampleDocument = async (fileName = 'contoso.json'): Promise<DataFileDocument> => organizationToDocument(await loadExample(fileName));

/** A fresh in-memory store holding an example organization (Contoso unless named). */
export const exampleStore = async (fileName = 'contoso.json'): Promise<DocumentEmailConfigStore> =>
  createInMemoryEmailConfigStore(await exampleDocument(fileName));
