/** How many pages of `perPage` rows a list of `rowCount` rows takes: at least one, even when empty. */
export function pageCount(rowCount: number, perPage: number): number {
  return Math.max(1, Math.ceil(rowCount / perPage));
}
