// Writes docs/commands.md from the command registry. `--check` only reports whether it is up to date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { COMMAND_DOCS_PATH, REGENERATE_COMMAND_DOCS, renderCommandDocs } from '../src/bot/commands/docs.js';

const target = fileURLToPath(new URL(`../${COMMAND_DOCS_PATH}`, import.meta.url));
const generated = renderCommandDocs();

const readCurrent = (): string | undefined => {
  try {
    return readFileSync(target, 'utf8');
  } catch {
    return undefined;
  }
};

if (process.argv.includes('--check')) {
  if (readCurrent() === generated) {
    console.log(`${COMMAND_DOCS_PATH} is up to date.`);
  } else {
    console.error(`${COMMAND_DOCS_PATH} is out of date: run ${REGENERATE_COMMAND_DOCS}`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, generated);
  console.log(`Wrote ${COMMAND_DOCS_PATH}.`);
}
