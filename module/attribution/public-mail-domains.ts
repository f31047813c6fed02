/**
 * Public e-mail providers: anyone can have an address there, so a registration of one of these
 * would give its registrant every customer who signs up with a free mailbox (a registered domain
 * beats the referral cookie). Refused, with their subdomains. Not exhaustive: the large free-mail
 * services, the ISPs that hand their customers a mailbox, and the best-known throwaway services,
 * with the regional domains people actually type. Only providers whose mailboxes the public gets:
 * a telecom's or an ISP's own corporate domain (safaricom.co.ke, bt.com) is a customer like any other.
 */
export const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  // Global free mail.
  'gmail.com', 'googlemail.com',
  'outlook.com', 'outlook.de', 'outlook.fr', 'outlook.es', 'outlook.it', 'outlook.jp', 'outlook.com.au', 'outlook.com.br',
  'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'hotmail.es', 'hotmail.it', 'hotmail.nl', 'hotmail.be', 'hotmail.ca',
  'hotmail.com.au', 'hotmail.com.br', 'hotmail.co.jp', 'live.com', 'live.co.uk', 'live.fr', 'live.de', 'live.nl', 'live.it', 'live.ca',
  'live.com.au', 'msn.com', 'windowslive.com',
  'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.es', 'yahoo.it', 'yahoo.ca', 'yahoo.com.au', 'yahoo.com.br', 'yahoo.com.mx',
  'yahoo.co.jp', 'yahoo.co.in', 'yahoo.in', 'yahoo.com.sg', 'yahoo.com.ph', 'yahoo.co.id', 'yahoo.com.hk', 'yahoo.com.tw', 'ymail.com', 'rocketmail.com',
  'aol.com', 'aol.co.uk', 'aol.de', 'aol.fr', 'aim.com',
  'icloud.com', 'me.com', 'mac.com',
  'mail.com', 'email.com', 'usa.com', 'post.com', 'europe.com', 'myself.com', 'engineer.com',
  'zoho.com', 'zohomail.com', 'zohomail.eu', 'zohomail.in',
  // Privacy-minded and paid mailboxes, open to anyone all the same.
  'proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me', 'tutanota.com', 'tutanota.de', 'tutamail.com', 'tuta.io', 'tuta.com',
  'fastmail.com', 'fastmail.fm', 'hey.com', 'mailbox.org', 'posteo.de', 'posteo.net', 'hushmail.com', 'runbox.com', 'mailfence.com', 'startmail.com',
  // Germany, Austria, Switzerland.
  'gmx.com', 'gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch', 'gmx.fr', 'gmx.co.uk', 'gmx.es', 'gmx.us', 'web.de',
  't-online.de', 'magenta.de', 'freenet.de', 'arcor.de', 'vodafonemail.de', 'mail.de', 'email.de', 'aon.at', 'chello.at', 'bluewin.ch',
  // France.
  'orange.fr', 'wanadoo.fr', 'free.fr', 'sfr.fr', 'neuf.fr', 'laposte.net', 'bbox.fr', 'numericable.fr', 'club-internet.fr', 'aliceadsl.fr',
  // Italy, Spain, Portugal.
  'libero.it', 'virgilio.it', 'tin.it', 'alice.it', 'tim.it', 'tiscali.it', 'fastwebnet.it', 'email.it', 'inwind.it', 'iol.it',
  'telefonica.net', 'terra.es', 'ono.com', 'sapo.pt',
  // Benelux.
  'ziggo.nl', 'kpnmail.nl', 'planet.nl', 'home.nl', 'hetnet.nl', 'xs4all.nl', 'chello.nl', 'telenet.be', 'skynet.be',
  // Central and eastern Europe.
  'wp.pl', 'o2.pl', 'onet.pl', 'op.pl', 'interia.pl', 'gazeta.pl', 'seznam.cz', 'email.cz', 'centrum.cz', 'post.cz', 'atlas.cz',
  'abv.bg', 'mail.bg', 'inbox.lv',
  // United Kingdom and Ireland.
  'btinternet.com', 'btopenworld.com', 'sky.com', 'virginmedia.com', 'ntlworld.com', 'blueyonder.co.uk', 'talktalk.net',
  'tiscali.co.uk', 'plus.com', 'freeserve.co.uk', 'eircom.net',
  // United States and Canada.
  'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'pacbell.net', 'swbell.net', 'ameritech.net',
  'cox.net', 'charter.net', 'spectrum.net', 'rr.com', 'roadrunner.com', 'twc.com', 'optonline.net', 'optimum.net', 'earthlink.net',
  'mindspring.com', 'juno.com', 'netzero.net', 'frontier.com', 'frontiernet.net', 'centurylink.net', 'q.com', 'embarqmail.com',
  'windstream.net', 'mchsi.com', 'cableone.net', 'prodigy.net',
  'shaw.ca', 'rogers.com', 'sympatico.ca', 'bell.net', 'telus.net', 'videotron.ca', 'cogeco.ca',
  // Australia and New Zealand.
  'bigpond.com', 'bigpond.net.au', 'optusnet.com.au', 'iinet.net.au', 'tpg.com.au', 'westnet.com.au', 'internode.on.net', 'xtra.co.nz',
  // Russia, Ukraine and neighbours.
  'yandex.com', 'yandex.ru', 'yandex.ua', 'yandex.by', 'yandex.kz', 'ya.ru', 'mail.ru', 'bk.ru', 'inbox.ru', 'list.ru', 'internet.ru',
  'rambler.ru', 'ukr.net', 'i.ua', 'meta.ua',
  // China, Korea, Japan.
  'qq.com', 'foxmail.com', '163.com', '126.com', 'yeah.net', '139.com', '189.cn', 'sina.com', 'sina.cn', 'sohu.com', 'aliyun.com',
  '21cn.com', 'tom.com', 'naver.com', 'daum.net', 'hanmail.net', 'nate.com',
  'docomo.ne.jp', 'ezweb.ne.jp', 'au.com', 'softbank.ne.jp', 'i.softbank.jp', 'biglobe.ne.jp', 'nifty.com', 'ocn.ne.jp',
  // India, Israel, Latin America.
  'rediffmail.com', 'walla.co.il',
  'uol.com.br', 'bol.com.br', 'terra.com.br', 'ig.com.br', 'globo.com', 'oi.com.br', 'prodigy.net.mx',
  // Throwaway mailboxes.
  'mailinator.com', 'guerrillamail.com', 'sharklasers.com', '10minutemail.com', 'yopmail.com', 'temp-mail.org', 'maildrop.cc',
  'trashmail.com', 'dispostable.com',
]);

/** True for a provider's domain or any name under it (normalised, as normaliseDomain gives it). */
export function isPublicMailDomain(domain: string): boolean {
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i++) if (PUBLIC_MAIL_DOMAINS.has(labels.slice(i).join('.'))) return true;
  return false;
}
