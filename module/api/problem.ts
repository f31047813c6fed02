import type { Response } from 'express';
import type { ZodError } from 'zod';

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

export function fieldProblems(error: ZodError, where = ''): FieldProblem[] {
  return error.issues.map((i) => ({ field: where + (i.path.join('.') || '(body)'), message: i.message }));
}
