/** Twilio list paging: `Page` (from 0) and `PageSize` (1–1000, default 50). */
import { VoiceError } from '@denwa/protocol';
import type { Page, PageRequest } from '../store/ports.ts';
import { first, type Params } from './form.ts';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export interface PageQuery extends PageRequest {
  readonly page: number;
  readonly pageSize: number;
}

export function readPage(params: Params): PageQuery {
  const pageSize = intParam(params, 'PageSize', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE);
  const page = intParam(params, 'Page', 0, 0, 1_000_000);
  return { page, pageSize, offset: page * pageSize, limit: pageSize };
}

function intParam(params: Params, name: string, dflt: number, min: number, max: number): number {
  const v = first(params, name);
  if (v === undefined || v === '') return dflt;
  if (!/^\d{1,9}$/.test(v)) throw new VoiceError(20001, `${name} must be an integer`);
  const n = Number(v);
  if (n < min || n > max) throw new VoiceError(20001, `${name} must be between ${min} and ${max}`);
  return n;
}

function pageUri(path: string, filters: Readonly<Record<string, string>>, page: number, pageSize: number): string {
  const q = new URLSearchParams(filters);
  q.set('PageSize', String(pageSize));
  q.set('Page', String(page));
  return `${path}?${q.toString()}`;
}

/** The 2010-04-01 list envelope: `{ <key>: [...], uri, first_page_uri, next_page_uri, … }`. */
export function legacyList(
  key: string,
  path: string,
  filters: Readonly<Record<string, string>>,
  query: PageQuery,
  page: Page<unknown>,
  items: readonly unknown[],
): Record<string, unknown> {
  const start = query.offset;
  return {
    [key]: items,
    start,
    end: items.length === 0 ? start : start + items.length - 1,
    page: query.page,
    page_size: query.pageSize,
    uri: pageUri(path, filters, query.page, query.pageSize),
    first_page_uri: pageUri(path, filters, 0, query.pageSize),
    next_page_uri: page.hasMore ? pageUri(path, filters, query.page + 1, query.pageSize) : null,
    previous_page_uri: query.page > 0 ? pageUri(path, filters, query.page - 1, query.pageSize) : null,
  };
}

/** The v1 list envelope: `{ <key>: [...], meta: { page, page_size, url, next_page_url, … } }`. */
export function v1List(
  key: string,
  baseUrl: string,
  query: PageQuery,
  page: Page<unknown>,
  items: readonly unknown[],
): Record<string, unknown> {
  return {
    [key]: items,
    meta: {
      key,
      page: query.page,
      page_size: query.pageSize,
      url: pageUri(baseUrl, {}, query.page, query.pageSize),
      first_page_url: pageUri(baseUrl, {}, 0, query.pageSize),
      next_page_url: page.hasMore ? pageUri(baseUrl, {}, query.page + 1, query.pageSize) : null,
      previous_page_url: query.page > 0 ? pageUri(baseUrl, {}, query.page - 1, query.pageSize) : null,
    },
  };
}
