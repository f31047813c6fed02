import path from 'node:path';
import ejs from 'ejs';
import type { Request, Response } from 'express';
import type { SidebarPanel } from '../module/contract/hooks';
import type { ModulePage } from '../module/contract/host-api';
import type { HookBus } from './hook-bus';
import { showMoney } from './money';
import { hookContext } from './routes/hook-context';
import './auth/sign-in-as';

const VIEWS = path.join(__dirname, 'views');

export interface PageOptions {
  title: string;
  /** The trail above the title (WHMCS's breadcrumb), as a module page gives it. */
  breadcrumb?: { label: string; href?: string }[];
  view?: string;
  html?: string;
  locals?: Record<string, unknown>;
  status?: number;
  area: 'public' | 'client' | 'admin';
  /** The page shows a form to a visitor who need not be signed in (log in, sign up): it needs a CSRF token. */
  form?: boolean;
}

/** Renders a page into the platform's layout; client-area pages get the hook-built sidebar. */
export function createRenderer(hooks: HookBus) {
  async function page(req: Request, res: Response, opts: PageOptions): Promise<void> {
    const user = req.user ?? null;
    // The token lives in the session, so making one gives the visitor a session row and a cookie:
    // only a signed-in user, a session that has one already, or a page with a form gets one, and
    // browsing the site without signing in leaves no session behind.
    const csrf = user || opts.form || req.session?.csrfToken ? (req.csrfToken?.() ?? '') : '';
    const locals = { ...opts.locals, user, csrf, money: showMoney, errors: opts.locals?.errors ?? {}, values: opts.locals?.values ?? {} };
    const body = opts.html ?? (await ejs.renderFile(path.join(VIEWS, `${opts.view}.ejs`), locals, { cache: true }));
    const panels: SidebarPanel[] = [];
    if (opts.area === 'client' && user?.kind === 'client') {
      // With the request's cookies, as WHMCS's hooks see $_COOKIE: the panels speak the language the visitor chose.
      await hooks.run('ClientAreaPrimarySidebar', { client_id: user.clientId, request_uri: req.originalUrl, sidebar: { addPanel: (p: SidebarPanel) => panels.push(p) } }, hookContext(req));
      panels.sort((a, b) => a.order - b.order);
    }
    const signIn = req.session?.signIn ?? null;
    const html = await ejs.renderFile(path.join(VIEWS, 'layout.ejs'), { title: opts.title, breadcrumb: opts.breadcrumb ?? [], body, panels, user, csrf, area: opts.area, signIn }, { cache: true });
    res
      .status(opts.status ?? 200)
      .type('html')
      .send(html);
  }

  /** The host contract's sendPage: a module page inside the layout. */
  function modulePage(req: Request, res: Response, p: ModulePage): void {
    page(req, res, { title: p.title, breadcrumb: p.breadcrumb, html: p.html, status: p.status, area: p.area }).catch((e) => {
      res.status(500).send('Internal error');
      console.error(e);
    });
  }

  /** The panels the modules add to a client's home page (ClientAreaHomepagePanels), in their order. */
  async function homePagePanels(clientId: number, req?: Request): Promise<SidebarPanel[]> {
    const panels: SidebarPanel[] = [];
    await hooks.run('ClientAreaHomepagePanels', { client_id: clientId, request_uri: req?.originalUrl, panels: { addPanel: (p: SidebarPanel) => panels.push(p) } }, req ? hookContext(req) : undefined);
    return panels.sort((a, b) => a.order - b.order);
  }

  return { page, modulePage, homePagePanels };
}

export type Renderer = ReturnType<typeof createRenderer>;
