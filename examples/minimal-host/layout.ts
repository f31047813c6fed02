export function escapeHtml(text: string): string {
  // The ampersand first, so that the entities written after it are not escaped again.
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

export interface LayoutOptions {
  title: string;
  /** Already-escaped HTML: the module's pages, or this host's own. */
  html: string;
  userName: string | null;
  /** An agent is signed in as this client: they must always see it, and a way back. */
  signedInAs: boolean;
  csrfToken: string;
}

/** The host's one layout, around its own pages and the module's. */
export function layout(o: LayoutOptions): string {
  const banner = o.signedInAs
    ? `<div data-testid="sign-in-banner">Your service manager is signed in as ${escapeHtml(o.userName ?? '')}.
       <form method="post" action="/index.php?m=agenttools&amp;action=signInReturn"><input type="hidden" name="_csrf" value="${escapeHtml(o.csrfToken)}"><button>Return to agent panel</button></form></div>`
    : '';
  const nav = o.userName
    ? `<a href="/clientarea">Invoices</a> <a href="/index.php?m=agenttools">Affiliates</a> <a href="/index.php?m=agenttools&amp;action=serviceManagerDetails">My Service Manager</a> <a href="/account/password">Password</a>`
    : '<a href="/login">Sign in</a> <a href="/register">Sign up</a>';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(o.title)}</title></head>
<body>${banner}<nav>${nav}</nav><h1>${escapeHtml(o.title)}</h1>${o.html}</body></html>`;
}
