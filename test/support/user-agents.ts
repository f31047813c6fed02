/** A real browser's user agent: the module counts clicks only from browsers (curl, libraries and headless browsers are bots). */
export const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0';
