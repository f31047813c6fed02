import { deepLinkTarget, sourceName } from '../tracking';
import { REFERRAL_LINK } from '../http/paths';

/** The link builder's fields as typed (from the page's address). */
export interface BuilderInput {
  landing: string;
  src: string;
  product: string;
}

export interface BuiltLink {
  /** The link to share; null while nothing was asked for or something was refused. */
  link: string | null;
  /** Lang keys by field. */
  errors: Record<string, string>;
}

/**
 * A referral link with a landing page, a source and a product, built on the server so that the
 * page needs no script. The landing page is checked exactly as the redirect will check it
 * (deepLinkTarget with the allow-list): a page the redirect would send home is refused here,
 * rather than shared and quietly broken. A product lands on the site's product list with it named.
 */
export function buildLink(site: string, agentId: number, input: BuilderInput, allowedHosts: ReadonlySet<string>, productIds: ReadonlySet<number>): BuiltLink {
  const errors: Record<string, string> = {};
  if (!input.landing && !input.src && !input.product) return { link: null, errors };
  let target = '/';
  if (input.landing) {
    target = deepLinkTarget(input.landing, allowedHosts);
    if (target === '/' && input.landing !== '/') errors.landing = 'links.builder.landing_refused';
  }
  if (input.product) {
    const id = /^[1-9]\d{0,9}$/.test(input.product) ? Number(input.product) : null;
    if (id === null || !productIds.has(id)) errors.product = 'links.builder.product_unknown';
    else if (input.landing) errors.product = 'links.builder.product_or_landing';
    else target = `/?pid=${id}`;
  }
  if (input.src && !sourceName.safeParse(input.src).success) errors.src = 'links.builder.source_refused';
  if (Object.keys(errors).length) return { link: null, errors };
  let link = `${site}${REFERRAL_LINK}?aff=${agentId}`;
  if (input.src) link += `&src=${encodeURIComponent(input.src)}`;
  if (target !== '/') link += `&to=${encodeURIComponent(target)}`;
  return { link, errors };
}
