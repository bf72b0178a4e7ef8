/**
 * Rows as aligned columns: each cell padded to its column's widest cell (two spaces between
 * columns, the last column unpadded), header first.
 * @returns one string per row, without newlines
 */
export function tableLines(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}
