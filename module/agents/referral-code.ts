import crypto from 'node:crypto';
import { z } from 'zod';

// No 0/O, 1/I/L, 5/S, 2/Z, 8/B: a code is read aloud and typed from paper.
export const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
export const CODE_LENGTH = 8;

/** A fresh referral code: 8 characters of CODE_ALPHABET, from a CSPRNG so codes cannot be guessed in sequence. */
export function newReferralCode(): string {
  let out = '';
  for (const byte of crypto.randomBytes(CODE_LENGTH * 2)) {
    // 250 is the largest multiple of 25 below 256: skipping the rest keeps every letter equally likely.
    if (byte >= 250) continue;
    out += CODE_ALPHABET[byte % CODE_ALPHABET.length];
    if (out.length === CODE_LENGTH) return out;
  }
  return out.length === CODE_LENGTH ? out : newReferralCode();
}

/** A code as a person types it: spaces and dashes dropped, case ignored. */
export const referralCodeText = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, '').toUpperCase())
  .pipe(z.string().regex(new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`), 'This referral code is not valid.'));
