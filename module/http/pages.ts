import type { Request, Response } from 'express';
import type { HostHttp, ModulePage } from '../contract/host-api';
import { CLIENT_AREA } from './paths';
import { formErrorsHtml, framePage } from './page-frame';
import { refusedForm } from './form-action';
import { escapeHtml, render, viewHelpers, type ViewHelpers } from './render';
import { requestLanguage } from './request-language';
import type { Translate } from '../i18n/lang';

/** A page of the agent's area, as Pages.clientPage sends it. */
export interface ClientPageSpec {
  /** The lang key of the page's title, which is also its own (last) breadcrumb. */
  titleKey: string;
  titleVars?: Record<string, string | number>;
  /** The page's own address, for its breadcrumb (usually clientAction('x')). */
  href?: string;
  /** Crumbs between the area's home and this page (a Commission under Commissions); already translated. */
  crumbs?: { label: string; href?: string }[];
  html: string;
  status?: number;
}

/** Helpers a capability lends every template by name, made in the page's language (`h.explain`). */
export type LentHelpers = (t: Translate) => Readonly<Record<string, (...args: never[]) => string>>;

/**
 * How a controller makes a page: the view helpers in the reader's language (with the session's
 * CSRF token for its forms), a template rendered, and the result handed to the host's layout.
 */
export class Pages {
  constructor(
    private readonly http: Pick<HostHttp, 'csrfToken' | 'sendPage'>,
    /** The module's default language, for a request dispatch did not decide (module/http/module-router.ts). */
    readonly language: string,
    private readonly lend: LentHelpers = () => ({}),
  ) {}

  /** The language of the page this request gets: the reader's, as dispatch decided it. */
  languageOf(req?: Request): string {
    return requestLanguage(req) ?? this.language;
  }

  /** The helpers a template gets as `h`, in the reader's language; given the request, its forms carry the CSRF token. */
  helpers(req?: Request): ViewHelpers {
    const h = viewHelpers(this.languageOf(req), req ? this.http.csrfToken(req) : '');
    return { ...this.lend(h.t), ...h };
  }

  /** The helpers in a language decided elsewhere: a sidebar panel's, whose hook knows its client but has no request of ours. */
  helpersIn(language: string, req?: Request): ViewHelpers {
    const h = viewHelpers(language, req ? this.http.csrfToken(req) : '');
    return { ...this.lend(h.t), ...h };
  }

  render(template: string, data: Record<string, unknown>): Promise<string> {
    return render(template, data);
  }

  send(req: Request, res: Response, page: ModulePage): void {
    // Every admin-area page opens with the area's menu (module/admin-area/admin-nav.ts).
    const nav = page.area === 'admin' && this.adminNav ? this.adminNav(req) : '';
    this.deliver(req, res, nav ? { ...page, html: nav + page.html } : page);
  }

  /** The admin area's menu, set once the admin actions are known (see module/agenttools/actions.ts). */
  adminNav: ((req: Request) => string) | null = null;

  /**
   * A page of the client area under the agent area's home: the title from its lang key, and the
   * breadcrumb Affiliates › (crumbs…) › title. The Overview itself (titleKey 'affiliate.title')
   * has the one crumb.
   */
  clientPage(req: Request, res: Response, spec: ClientPageSpec): void {
    const t = this.helpers(req).t;
    const title = t(spec.titleKey, spec.titleVars);
    const home = { label: t('affiliate.title'), href: CLIENT_AREA };
    const breadcrumb = spec.titleKey === 'affiliate.title' ? [home] : [home, ...(spec.crumbs ?? []), { label: title, href: spec.href }];
    this.deliver(req, res, { area: 'client', title, breadcrumb, html: spec.html, status: spec.status });
  }

  /**
   * Every module page, to the host's layout: the module's stylesheet and script around it (the
   * phone layout, confirmations, the landing on a refused form's errors) and, when a form was
   * refused and its template has no summary of its own, the error summary at the top.
   */
  private deliver(req: Request, res: Response, page: ModulePage): void {
    const refused = refusedForm(res);
    const h = this.helpers(req);
    const own = page.html.includes('id="form-errors"');
    const summary = refused && !own ? formErrorsHtml({ errors: refused.errors, h }) : '';
    // A page refused by a controller that answers 422 on its own: the script gathers its messages.
    const gather = page.status === 422 && !refused && !own ? h.t('form.errors.gathered') : null;
    this.http.sendPage(req, res, { ...page, html: framePage(summary + page.html, gather, h.locale) });
  }

  /** A page that only says one thing, escaped: a refusal, a missing object. */
  alert(req: Request, res: Response, page: Omit<ModulePage, 'html'>, text: string): void {
    this.deliver(req, res, { ...page, html: `<p class="alert">${escapeHtml(text)}</p>` });
  }
}
