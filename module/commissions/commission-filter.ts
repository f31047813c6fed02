import { DateTime } from 'luxon';
import type { CommissionFilter } from './commission-list';
import { COMMISSION_STATUSES, type CommissionStatus } from './commission-row';

/** The filter as the agent typed it in the page's address: kept as text, to fill the form again and to carry into the page links. */
export interface FilterText {
  from: string;
  to: string;
  status: string;
  program: string;
  source: string;
}

export const FILTER_FIELDS = ['from', 'to', 'status', 'program', 'source'] as const;

export interface ReadFilter {
  filter: CommissionFilter;
  text: FilterText;
  /** Lang keys by field, for values that are no filter at all (that filter is not applied). */
  errors: Record<string, string>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PROGRAM = /^[1-9]\d{0,9}$/;
const SOURCE = /^[A-Za-z0-9_-]{1,32}$/;

function field(query: Record<string, unknown>, name: string): string {
  const v = query[name];
  return typeof v === 'string' ? v.trim().slice(0, 64) : '';
}

/** A calendar day in the program's zone, as the epoch ms it starts at; null when it is no such day. */
function dayStart(day: string, zone: string): number | null {
  if (!DAY.test(day)) return null;
  const d = DateTime.fromISO(day, { zone });
  return d.isValid ? d.startOf('day').toMillis() : null;
}

/**
 * The commissions filter from the page's address: a period of calendar days in the program's time
 * zone (both ends included), a status, a program and a source. An empty field filters nothing; a
 * bad one is reported beside its field and filters nothing either.
 */
export function readFilter(query: Record<string, unknown>, zone: string): ReadFilter {
  const text: FilterText = { from: field(query, 'from'), to: field(query, 'to'), status: field(query, 'status'), program: field(query, 'program'), source: field(query, 'source') };
  const errors: Record<string, string> = {};
  const filter: CommissionFilter = { from: null, to: null, status: null, programId: null, source: null };
  if (text.from) {
    filter.from = dayStart(text.from, zone);
    if (filter.from === null) errors.from = 'filter.error.day';
  }
  if (text.to) {
    const start = dayStart(text.to, zone);
    if (start === null) errors.to = 'filter.error.day';
    else filter.to = DateTime.fromMillis(start, { zone }).plus({ days: 1 }).toMillis();
  }
  if (filter.from !== null && filter.to !== null && filter.to <= filter.from) {
    errors.to = 'filter.error.order';
    filter.to = null;
  }
  if (text.status) {
    if ((COMMISSION_STATUSES as readonly string[]).includes(text.status)) filter.status = text.status as CommissionStatus;
    else errors.status = 'filter.error.choice';
  }
  if (text.program) {
    if (PROGRAM.test(text.program)) filter.programId = Number(text.program);
    else errors.program = 'filter.error.choice';
  }
  if (text.source) {
    if (SOURCE.test(text.source)) filter.source = text.source;
    else errors.source = 'filter.error.choice';
  }
  return { filter, text, errors };
}

/** A page's number from the address: 1 unless it is a whole number from 1 on. */
export function pageNumber(raw: unknown): number {
  return typeof raw === 'string' && /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : 1;
}

/** The address of the list with these filters (only those set) and this page. */
export function listAddress(base: string, text: FilterText, page: number): string {
  const parts = FILTER_FIELDS.filter((k) => text[k] !== '').map((k) => `${k}=${encodeURIComponent(text[k])}`);
  if (page > 1) parts.push(`page=${page}`);
  return parts.length ? `${base}&${parts.join('&')}` : base;
}
