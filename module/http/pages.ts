import type { Request, Response } from 'express';
import type { HostHttp, ModulePage } from '../contract/host-api';
import { escapeHtml, render, viewHelpers, type ViewHelpers } from './render';

/**
 * How a controller makes a page: the view helpers in the module's language (with the session's
 * CSRF token for its forms), a template rendered, and the result handed to the host's layout.
 */
export class Pages {
  constructor(
    private readonly http: Pick<HostHttp, 'csrfToken' | 'sendPage'>,
    readonly language: string,
    /** Helpers a capability lends every template by name, such as the commission explanation (`h.explain`). */
    private readonly lent: Readonly<Record<string, (...args: never[]) => string>> = {},
  ) {}

  /** The helpers a template gets as `h`; given the request, its forms carry the CSRF token. */
  helpers(req?: Request): ViewHelpers {
    return { ...this.lent, ...viewHelpers(this.language, req ? this.http.csrfToken(req) : '') };
  }

  render(template: string, data: Record<string, unknown>): Promise<string> {
    return render(template, data);
  }

  send(req: Request, res: Response, page: ModulePage): void {
    this.http.sendPage(req, res, page);
  }

  /** A page that only says one thing, escaped: a refusal, a missing object. */
  alert(req: Request, res: Response, page: Omit<ModulePage, 'html'>, text: string): void {
    this.http.sendPage(req, res, { ...page, html: `<p class="alert">${escapeHtml(text)}</p>` });
  }
}
