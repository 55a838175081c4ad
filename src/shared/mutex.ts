// Runs asynchronous work one piece at a time, in call order: what a read-modify-write of shared state needs
// when its steps await (a save between reading the state and applying the change).

export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();
  #pending = 0;

  /** Runs `work` once every earlier piece has finished; a failure is its caller's and does not block the next. */
  runExclusive<T>(work: () => Promise<T>): Promise<T> {
    this.#pending += 1;
    const run = this.#tail.then(work, work).finally(() => {
      this.#pending -= 1;
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Whether any work is queued or running (the guarded state may be about to change). */
  get busy(): boolean {
    return this.#pending > 0;
  }

  /** Resolves once everything queued so far has finished, whatever its outcome. */
  async idle(): Promise<void> {
    await this.#tail;
  }
}
