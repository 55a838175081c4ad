// The error of a data file (or its journal or lock) that cannot be used as it is; start-up prints its message.

/** A data file that cannot be used as it is. The file is never modified when this is thrown. */
export class DataFileError extends Error {
  override readonly name: string = 'DataFileError';
  constructor(
    readonly filePath: string,
    /** One line per problem, each led by the JSON path it concerns. */
    readonly problems: readonly string[],
    summary = 'is not a valid data file',
  ) {
    super(`${filePath} ${summary}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}
