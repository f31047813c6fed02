import { expect } from 'chai';
import { translator, type Translate } from '../module/i18n/lang';
import { joiningDefinition } from '../module/programs/joining';
import { answersSchema, answerText } from '../module/applications/application-fields';

const english = translator('english');
/** A translator that shows which key and figures a message came from, as a language file would see it. */
const keys: Translate = (key, vars = {}) => [key, ...Object.values(vars).map((v) => (typeof v === 'object' ? `${v.minor} ${v.currency}` : String(v)))].join(' ');

/** Cloudlessons' application form: a tax id with its own hint, a short company name, a region, the agreement. */
const fields = joiningDefinition.parse({
  access: 'open',
  agreement_version: '2024-1',
  fields: [
    { key: 'kra_pin', label: 'KRA PIN', type: 'text', pattern: '[A-Z]\\d{9}[A-Z]', pattern_hint: 'a letter, 9 digits, a letter' },
    { key: 'company', label: 'Company', type: 'text', max_length: 1 },
    { key: 'town', label: 'Town', type: 'text', max_length: 5, required: false },
    {
      key: 'region',
      label: 'Region',
      type: 'choice',
      options: [
        { value: 'nairobi', label: 'Nairobi' },
        { value: 'coast', label: 'Coast' },
      ],
    },
    { key: 'agreement', label: 'I accept the agent agreement', type: 'agreement' },
  ],
}).fields;

function errorsOf(t: Translate, values: Record<string, string>): Record<string, string> {
  const parsed = answersSchema(fields, t).safeParse(values);
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
}

describe('the application form texts', () => {
  it('a form sent with every field wrong reads its messages from the language file, the program hint aside', () => {
    const wrong = { kra_pin: 'P05', company: 'Ab', town: 'Mombasa', region: 'rift', agreement: '' };
    expect(errorsOf(keys, wrong)).to.deep.equal({
      kra_pin: 'a letter, 9 digits, a letter',
      company: 'apply.field.max_length 1',
      town: 'apply.field.max_length 5',
      region: 'apply.field.choose',
      agreement: 'apply.field.agreement',
    });
    expect(errorsOf(keys, { company: 'A', region: 'coast', agreement: 'yes' })).to.deep.equal({ kra_pin: 'apply.field.required' });
  });

  it('in English: a 1-character limit is "at most 1 character", a 5-character one "at most 5 characters"', () => {
    const errors = errorsOf(english, { kra_pin: 'P051234567Q', company: 'Ab', town: 'Mombasa', region: 'coast', agreement: 'yes' });
    expect(errors).to.deep.equal({ company: 'at most 1 character', town: 'at most 5 characters' });
  });

  it('a ticked agreement reads as the language says "accepted"; a choice as its label', () => {
    const agreement = fields.find((f) => f.key === 'agreement')!;
    expect(answerText(agreement, 'yes', keys)).to.equal('apply.answer.accepted');
    expect(answerText(agreement, 'yes', english)).to.equal('accepted');
    expect(
      answerText(
        fields.find((f) => f.key === 'region')!,
        'coast',
        english,
      ),
    ).to.equal('Coast');
  });
});
