/**
 * cli-table3 tables for the CLI's human output (demo summary, dead-letter
 * list, bench report): coloured on a terminal, plain text when stdout is a
 * file or a pipe, so a redirected report has no ANSI escape codes in it.
 */
import Table from 'cli-table3';

export function terminalTable(head: string[], stream: { isTTY?: boolean } = process.stdout): Table.Table {
  return new Table({ head, ...(stream.isTTY ? {} : { style: { head: [], border: [] } }) });
}
