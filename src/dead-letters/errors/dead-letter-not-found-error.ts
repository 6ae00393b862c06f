/** No dead letter for this run id: it never died, or a redrive already consumed its letter. Nothing changes. */
export class DeadLetterNotFoundError extends Error {
  constructor(readonly runId: string) {
    super(`no dead letter for run ${runId} (see \`nyx dlq list\`)`);
    this.name = this.constructor.name;
  }
}
