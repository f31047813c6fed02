import { RuleError } from '../core/errors';
import { REFERRAL_LINK } from '../http/paths';
import { clickSource, DEFAULT_SOURCE, sourceName } from '../tracking';
import { landingPath } from './creative-input';
import type { Creative } from './creative-service';
import { creativeImagePath } from './creative-paths';

/**
 * The source an agent asked the embed code to carry: blank or Default is none; anything else must
 * be a valid source name — said to the agent, not silently turned into Default as a click's is.
 */
export function embedSource(raw: unknown): string | null {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return null;
  if (!sourceName.safeParse(text).success) throw new RuleError('creatives.error.source', 'src');
  const source = clickSource(text);
  return source === DEFAULT_SOURCE ? null : source;
}

// Named entities rather than render.ts's numeric ones: the agent reads this code and pastes it
// into their own pages, where &amp; is what they expect to see.
function attr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The referral link the creative leads through: the agent's, with its source and landing page. */
export function creativeLink(site: string, agentId: number, creative: Creative, source: string | null): string {
  let link = `${site}${REFERRAL_LINK}?aff=${agentId}`;
  if (source !== null) link += `&src=${encodeURIComponent(clickSource(source))}`;
  // Checked when the creative was made; checked again, as a link must never lead off the site.
  if (creative.landing !== null && landingPath.safeParse(creative.landing).success) link += `&to=${encodeURIComponent(creative.landing)}`;
  return link;
}

/**
 * The HTML an agent pastes into their site. Every value is escaped for an attribute (or, for a
 * text link's words, for element text), so whatever an admin named the creative, the code is
 * one well-formed link that runs nothing.
 */
export function embedCode(site: string, agentId: number, creative: Creative, source: string | null): string {
  const href = attr(creativeLink(site, agentId, creative, source));
  if (creative.kind === 'text') return `<a href="${href}">${attr(creative.linkText ?? creative.name)}</a>`;
  const size = creative.width && creative.height ? ` width="${creative.width}" height="${creative.height}"` : '';
  const img = `<img src="${attr(`${site}${creativeImagePath(creative.id)}`)}"${size} alt="${attr(creative.alt)}">`;
  return `<a href="${href}">${img}</a>`;
}
