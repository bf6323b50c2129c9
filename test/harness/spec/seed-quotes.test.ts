import t from 'tap';
import {
  extractSeedQuotes,
  findMissingSeedQuotes,
  normaliseSeedDocument,
  type Requirement,
} from '../../../harness/spec/index.js';
import { expectError } from '../../helpers/expect-error.js';

const req = (seed: string): Requirement => ({
  id: 'events/x/1',
  area: 'events',
  topic: 'x',
  level: 'MUST',
  title: 't',
  seed,
  criterion: 'c',
  why: 'w',
  line: 3,
});

t.test('quotes are the segments between double quotes, \\" read as a quote', async (t) => {
  t.same(extractSeedQuotes('"one" "two \\"2\\"" (table) "three"'), ['one', 'two "2"', 'three']);
  t.same(extractSeedQuotes('derived: nothing quoted'), []);
  expectError(t, () => extractSeedQuotes('"open'), { message: /quote opened at character 1 is not closed/ });
  expectError(t, () => extractSeedQuotes('"a" ""'), { message: /empty quote at character 5/ });
});

t.test(
  'the seed is normalised: tags and blockquote markers outside code dropped, entities decoded',
  async (t) => {
    const md = [
      '**&lt;live-pusher&gt;** is a tag.',
      "<font color='red'>**WARNING**</font>",
      '> Unless very low',
      '  bandwidth.',
      '```html',
      "<live-pusher autopush='true'>",
      '```',
    ].join('\n');
    t.equal(
      normaliseSeedDocument(md),
      "<live-pusher> is a tag. WARNING Unless very low bandwidth. <live-pusher autopush='true'>",
    );
  },
);

t.test('a quote that is not in the seed is reported; derived seeds are not checked', async (t) => {
  const seed =
    'Network disconnected. Reconnection attempts have failed for three\n  times, thus no more retries.';
  t.same(findMissingSeedQuotes([req('"Reconnection attempts have failed for three times"')], seed), []);
  t.same(findMissingSeedQuotes([req('"Reconnection attempts have failed for 3 times"')], seed), [
    { id: 'events/x/1', line: 3, quote: 'Reconnection attempts have failed for 3 times' },
  ]);
  t.same(findMissingSeedQuotes([req('derived: "not in the seed"')], seed), []);
});
