import type { Response } from 'express';
import type { ZodError } from 'zod';
import { translator } from '../i18n/lang';
import { issueVars } from '../http/forms';

export interface FieldProblem {
  field: string;
  message: string;
}

/** Each problem's type, as the events endpoint names its own; docs/api.md lists them. */
export const PROBLEM_BASE = 'urn:agenttools:problem:';

/** The JSON of an RFC 9457 problem; `type` names it so that an integration's code can tell problems apart. */
export function problemBody(status: number, type: string, title: string, extra: { detail?: string; errors?: FieldProblem[] } = {}): string {
  return JSON.stringify({ type: PROBLEM_BASE + type, title, status, ...extra });
}

export function sendProblem(res: Response, status: number, type: string, title: string, extra: { detail?: string; errors?: FieldProblem[] } = {}): void {
  res
    .status(status)
    .type('application/problem+json')
    .send(problemBody(status, type, title, extra));
}

/** The API speaks English: a schema's message that is a lang key is given in English. */
const inEnglish = translator('english');

export function fieldProblems(error: ZodError, where = ''): FieldProblem[] {
  return error.issues.map((i) => ({ field: where + (i.path.join('.') || '(body)'), message: inEnglish(i.message, issueVars(i)) }));
}
