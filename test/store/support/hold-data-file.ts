// A second process for the lock tests: opens the data file named by its argument and holds it until its
// standard input closes. Prints "opened by <pid>" once it holds the file; a DataFileError goes to stderr
// with exit code 3, as `npm start` reports it.
import { openEmailConfigStore } from '../../../src/store/email-config-store.js';
import { DataFileError } from '../../../src/store/json-file.js';
import { documentWithMailboxes } from '../documents.js';

const dataPath = process.argv[2];
if (dataPath === undefined) throw new Error('usage: hold-data-file.ts <data file>');
try {
  const store = await openEmailConfigStore(dataPath, () => documentWithMailboxes(2));
  process.stdout.write(`opened by ${process.pid}\n`);
  process.stdin.on('end', () => void store.close().then(() => process.exit(0)));
  process.stdin.resume();
} catch (error) {
  if (!(error instanceof DataFileError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(3);
}
