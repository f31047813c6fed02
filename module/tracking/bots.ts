/**
 * User agents whose clicks are not counted: search and social crawlers, link previewers (a link
 * pasted into a chat is fetched by the chat service, not by a person), uptime monitors and
 * command-line or library HTTP clients. They still get the redirect, so a crawler sees where the
 * link goes; they get no cookie and no click row. An empty user agent is not on the list: some
 * privacy tools strip the header from real browsers.
 */
const BOT_USER_AGENT =
  /bot|crawl|spider|slurp|facebookexternalhit|preview|curl|wget|httpie|python-requests|python-urllib|aiohttp|go-http-client|java\/|okhttp|libwww|lwp::|apache-httpclient|node-fetch|axios|headless|phantomjs|scrapy|monitor|pingdom|uptime/i;

export function isBot(userAgent: string): boolean {
  return BOT_USER_AGENT.test(userAgent);
}
