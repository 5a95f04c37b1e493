import type { Page, PageRequest } from '../ports.ts';

/** Throws a RangeError unless the page is a non-negative offset and a positive limit. @internal */
export function checkPage(page: PageRequest): void {
  if (!Number.isSafeInteger(page.offset) || page.offset < 0) {
    throw new RangeError(`page offset must be a non-negative integer, got ${page.offset}`);
  }
  if (!Number.isSafeInteger(page.limit) || page.limit < 1) {
    throw new RangeError(`page limit must be a positive integer, got ${page.limit}`);
  }
}

/**
 * Turns the rows of a query run with `limit + 1` into a page: the extra row, when present, only
 * proves that more follow.
 * @internal
 */
export function toPage<R, T>(rows: readonly R[], page: PageRequest, map: (row: R) => T): Page<T> {
  return { items: rows.slice(0, page.limit).map(map), hasMore: rows.length > page.limit };
}
