/**
 * User agents whose clicks are not counted: search and social crawlers, link previewers (a link
 * pasted into a chat is fetched by the chat service, not by a person), uptime monitors, headless
 * browsers and command-line or library HTTP clients (curl, wget, python-requests, Go, Java, axios,
 * node-fetch…). They still get the redirect, so a crawler sees where the link goes; they get no
 * cookie and no click row. isbot (one precompiled regex, maintained against a corpus of real
 * browser and bot user agents) covers each of these kinds; test/bots.test.ts holds it to them. An
 * empty user agent is not a bot: some privacy tools strip the header from real browsers.
 */
export { isBot } from 'isbot';
