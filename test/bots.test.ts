import { expect } from 'chai';
import { isBot } from '../module/tracking/bots';

/** Each kind of client that gets the redirect but no cookie and no click, with real user agents. */
const BOTS: Record<string, string[]> = {
  'search and archive crawlers': [
    'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)',
    'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
    'Sogou web spider/4.0',
    'ia_archiver crawler',
    'Scrapy/2.11.0 (+https://scrapy.org)',
  ],
  'link previewers': [
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
    'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
    'Mozilla/5.0 (Windows NT 6.1) SkypeUriPreview Preview/0.5',
    'WhatsApp/2.23.20.0',
    'TelegramBot (like TwitterBot)',
    'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
  ],
  'uptime monitors': [
    'Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)',
    'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)',
    'Uptime-Kuma/1.23.11',
    'Datadog/Synthetics',
    'check_http/v2.3.3 (nagios-plugins 2.3.3)',
  ],
  'command-line clients': ['curl/8.5.0', 'Wget/1.21.4', 'HTTPie/3.2.2'],
  'HTTP libraries': [
    'python-requests/2.31.0',
    'Python-urllib/3.11',
    'Python/3.11 aiohttp/3.9.1',
    'Go-http-client/1.1',
    'Java/17.0.2',
    'okhttp/4.12.0',
    'Apache-HttpClient/4.5.14 (Java/17.0.2)',
    'libwww-perl/6.72',
    'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
    'axios/1.6.7',
    'undici',
  ],
  'headless browsers': [
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36',
    'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1',
  ],
};

const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
];

describe('bot user agents', () => {
  for (const [kind, agents] of Object.entries(BOTS)) {
    it(`${kind} are bots`, () => {
      for (const ua of agents) expect(isBot(ua), ua).to.equal(true);
    });
  }

  it('Chrome, Firefox, Safari and Edge, on desktops and phones, are people; so is a browser that sends no user agent', () => {
    for (const ua of [...BROWSERS, '']) expect(isBot(ua), ua).to.equal(false);
  });
});
