// Composes one synthetic review (opening, aspect judgements, anecdotes, verdict) or one short piece
// of everyday prose, for the default model's training corpus.

import { type Grammar, tidy } from './grammar.js';
import {
  ASPECTS,
  type Aspect,
  DOMAINS,
  type Domain,
  GENERIC_PRODUCT_ASPECTS,
  PRODUCT_KINDS,
} from './lexicon.js';

export type Sentiment = 'positive' | 'negative' | 'mixed';

export interface Review {
  text: string;
  domain: Domain | 'prose';
  sentiment: Sentiment | 'none';
  /** Stars out of 5 implied by the review (0 for prose). */
  rating: number;
}

type Polarity = 'pos' | 'neg';

const POS_ONE = [
  '{$The} {$be} {intens}{$adj}.',
  'I [loved|really liked|enjoyed|was impressed by|appreciated] the {$noun}.',
  'What [stood out|impressed me] most was the {$noun}, which {$be} {intens}{$adj}.',
  'The {$noun} alone {$be} worth it.',
  '{$The} {$be} {$adj}[ from start to finish| throughout| every single time| as always|].',
  "I [can't|cannot] say enough about the {$noun}.",
  'Special mention for the {$noun}: {intens}{$adj}.',
  'The {$noun}? {$Adj}.',
  'Even the {$noun} {$be} {$adj}.',
  '[Honestly,|To be fair,|Credit where it is due:|] the {$noun} {$be} {intens}{$adj}.',
];
const NEG_ONE = [
  '{$The} {$be} {negIntens}{$adj}.',
  'I [hated|disliked|was disappointed by|could not stand|did not care for] the {$noun}.',
  'My [only |biggest |main |]complaint is the {$noun}, which {$be} {negIntens}{$adj}.',
  'The {$noun} [left a lot to be desired|let it down|could have been much better|could use some work].',
  'Sadly, the {$noun} {$be} {$adj}.',
  'The {$noun}? {$Adj}.',
  'The {$noun} {$be} [nothing special|not great|a problem|a real letdown].',
  '[Worse,|Worst of all,|And|Also,] the {$noun} {$be} {negIntens}{$adj}.',
];
const PAIR_MIXED = [
  'The {$n1} {$be1} {$adj1}, but the {$n2} {$be2} {$adj2}.',
  'Although the {$n2} {$be2} {$adj2}, the {$n1} {$be1} {$adj1}.',
  'I liked the {$n1}; the {$n2}, not so much.',
  'The {$n1} {$be1} {$adj1}; the {$n2}, on the other hand, {$be2} {$adj2}.',
  'The {$n1} almost made up for the {$n2}.',
  'The {$n1} {$be1} {intens}{$adj1}, even if the {$n2} {$be2} {$adj2}.',
  'Loved the {$n1}, hated the {$n2}.',
];
const PAIR_SAME: Record<Polarity, string[]> = {
  pos: [
    'The {$n1} {$be1} {$adj1}, and the {$n2} {$be2} {$adj2} too.',
    'Both the {$n1} and the {$n2} impressed me.',
    'The {$n1} {$be1} {$adj1} and the {$n2} {$be2} {intens}{$adj2}.',
  ],
  neg: [
    'The {$n1} {$be1} {$adj1}, and the {$n2} {$be2} no better.',
    'Neither the {$n1} nor the {$n2} worked for me.',
    'The {$n1} {$be1} {$adj1} and the {$n2} {$be2} {negIntens}{$adj2}.',
  ],
};
const COMPARE: Record<Polarity, string[]> = {
  pos: [
    'It is [much |]better than [I expected|the last one I tried|most of what is out there].',
    'Compared to [the competition|similar ones I have tried], it holds up [very |]well.',
    'It beats [the previous one|its rivals] by a mile.',
  ],
  neg: [
    'It is [much |]worse than [I expected|the last one I tried|the reviews suggest].',
    'Compared to [the competition|similar ones I have tried], it falls short.',
    'The [previous one|old one] was [far |]better.',
  ],
};

/** The reviewed thing's name, and the aspects that make sense for it. */
function subject(g: Grammar, domain: Domain): { name: string; artist?: string; aspects: Aspect[] } {
  const all = [...ASPECTS[domain]];
  if (domain === 'product') {
    const kind = g.pick(PRODUCT_KINDS);
    const allowed = new Set([...kind.aspects, ...GENERIC_PRODUCT_ASPECTS]);
    const name = `${g.expand('{brand}')} ${g.pick(kind.items)}`;
    return { name, aspects: all.filter((a) => allowed.has(a.noun)) };
  }
  if (domain === 'album')
    return { name: g.expand('{title}'), artist: g.expand('{artist}'), aspects: all };
  const key = {
    film: 'title',
    book: 'title',
    restaurant: 'restaurantName',
    hotel: 'hotelName',
    game: 'gameTitle',
  }[domain];
  return { name: g.expand(`{${key}}`, {}, domain), aspects: all };
}

/** Picks a template not yet used in this review, so that no review repeats a sentence shape. */
function fresh(g: Grammar, templates: readonly string[], used: Set<string>): string {
  const left = templates.filter((t) => !used.has(t));
  const t = g.pick(left.length ? left : templates);
  used.add(t);
  return t;
}

const STARTS_PLAIN = /^(The |I |Even |Sadly, |My )/;

function be(aspect: Aspect, past: boolean): string {
  if (past) return aspect.plural ? 'were' : 'was';
  return aspect.plural ? 'are' : 'is';
}

function aspectVars(g: Grammar, aspect: Aspect, polarity: Polarity, past: boolean, suffix = '') {
  const adj = g.pick(polarity === 'pos' ? aspect.pos : aspect.neg);
  return {
    [`noun${suffix}`]: aspect.noun,
    [`n${suffix}`]: aspect.noun,
    [`The${suffix}`]: `The ${aspect.noun}`,
    [`be${suffix}`]: be(aspect, past),
    [`adj${suffix}`]: adj,
    [`Adj${suffix}`]: adj[0]!.toUpperCase() + adj.slice(1),
  };
}

const short = (s: Sentiment): 'pos' | 'neg' | 'mix' =>
  s === 'positive' ? 'pos' : s === 'negative' ? 'neg' : 'mix';

export function makeReview(g: Grammar): Review {
  const domain = g.pick(DOMAINS);
  const r = g.chance(0.4) ? 0 : g.chance(0.55) ? 1 : 2;
  const sentiment: Sentiment = (['positive', 'negative', 'mixed'] as const)[r]!;
  const s = short(sentiment);
  const { name, artist, aspects } = subject(g, domain);
  const used = new Set<string>();
  const pastDomains: Domain[] = ['film', 'restaurant', 'hotel', 'game'];
  const past = pastDomains.includes(domain) !== g.chance(0.2);
  const vars = { name, artist: artist ?? '' };
  const x = (t: string, extra: Record<string, string> = {}) =>
    g.expand(t, { ...vars, ...extra }, domain);

  // Aspects and their polarity: mostly the review's sentiment, both kinds when mixed.
  for (let i = aspects.length - 1; i > 0; i--) {
    const j = g.int(0, i);
    [aspects[i], aspects[j]] = [aspects[j]!, aspects[i]!];
  }
  const count = g.pick([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]);
  const judged = aspects.slice(0, count).map((aspect, i): [Aspect, Polarity] => {
    if (sentiment === 'mixed') return [aspect, i % 2 === 0 ? 'pos' : 'neg'];
    const flip = g.chance(0.12) && count > 2;
    const main: Polarity = sentiment === 'positive' ? 'pos' : 'neg';
    return [aspect, flip ? (main === 'pos' ? 'neg' : 'pos') : main];
  });
  if (sentiment === 'mixed' && judged.length === 1) judged[0]![1] = g.chance(0.5) ? 'pos' : 'neg';
  const mixedStart = sentiment === 'mixed' && g.chance(0.5);
  if (mixedStart) judged.reverse();

  const body: string[] = [];
  for (let i = 0; i < judged.length; i++) {
    const [a1, p1] = judged[i]!;
    const next = judged[i + 1];
    if (next && g.chance(0.35)) {
      const [a2, p2] = next;
      const v = { ...aspectVars(g, a1, p1, past, '1'), ...aspectVars(g, a2, p2, past, '2') };
      if (p1 === p2) body.push(x(fresh(g, PAIR_SAME[p1], used), v));
      else if (p1 === 'pos') body.push(x(fresh(g, PAIR_MIXED, used), v));
      else
        body.push(
          x(fresh(g, PAIR_MIXED, used), {
            ...aspectVars(g, a2, p2, past, '1'),
            ...aspectVars(g, a1, p1, past, '2'),
          }),
        );
      i++;
      continue;
    }
    // Sentences that open with a connective need something before them.
    const pool = (p1 === 'pos' ? POS_ONE : NEG_ONE).filter(
      (t) => i > 0 || !/^(\[Worse|Even)/.test(t),
    );
    const sentence = x(fresh(g, pool, used), aspectVars(g, a1, p1, past));
    const prev = judged[i - 1];
    const plain = STARTS_PLAIN.test(sentence) && !sentence.includes('?');
    const turn = plain && prev && prev[1] !== p1 && g.chance(0.6) ? x(`{${p1}:contrast}`) : '';
    const add = plain && !turn && i > 0 && g.chance(0.2) ? x('{addition}') : '';
    const lead = (turn || add).trim();
    const keepCase = /^I\b/.test(sentence);
    body.push(
      lead
        ? `${lead} ${keepCase ? sentence : sentence[0]!.toLowerCase() + sentence.slice(1)}`
        : sentence,
    );
  }
  const insert = (sentence: string) => body.splice(g.int(0, body.length), 0, sentence);
  for (let k = g.pick([0, 0, 1, 1, 2]); k > 0; k--) {
    const p = sentiment === 'mixed' ? g.pick(['pos', 'neg']) : s;
    const detail = x(`{${p}:detail}`);
    if (!body.includes(detail)) insert(detail);
  }
  if (g.chance(0.4)) insert(x('{anecdote}'));
  if (g.chance(0.15)) insert(x('{anecdote}'));
  if (s !== 'mix' && g.chance(0.2)) body.push(x(g.pick(COMPARE[s])));

  const parts: string[] = [];
  if (g.chance(0.85)) parts.push(x('{opening}'));
  parts.push(...body);
  if (g.chance(0.3)) parts.push(x(`{${s}:feeling}`));
  if (g.chance(0.7)) parts.push(x(`{${s}:closing}`));
  const rating =
    sentiment === 'positive'
      ? g.pick([4, 5, 5])
      : sentiment === 'negative'
        ? g.pick([1, 1, 2])
        : g.pick([2, 3, 3, 3, 4]);
  if (g.chance(0.3)) {
    const stars = '★'.repeat(rating) + '☆'.repeat(5 - rating);
    parts.push(g.pick([`Rating: ${rating}/5`, `${rating} out of 5.`, stars, `${rating}/5.`]));
  }
  let text = tidy(parts.join(' '));
  if (g.chance(0.12)) text = `${x(`{${s}:headline}`)}\n${text}`;
  return { text, domain, sentiment, rating };
}

const PROSE = {
  setting: [
    'The [kitchen|office|garden|attic|workshop|classroom|waiting room] [smelled of|was full of|was quiet except for] [fresh bread|old paper|paint|rain|the radio|the ticking clock].',
    'It had snowed [overnight|all week|for the first time in years], and {city} [looked different|was silent|had ground to a halt].',
    'The [ferry|night bus|old tram|morning flight] [left|arrived] [an hour late|right on time|in thick fog].',
    '{$Name} [woke up|got up] early on {day}.',
    'It was a [cold|warm|grey|bright|windy] morning in {city}.',
    'The train to {city} was [late|crowded|almost empty] again.',
    'On {day} evening, {$name} [walked|cycled|drove] to the [market|library|station|park|harbor].',
    'Rain had been falling over {city} since [dawn|midnight|the weekend].',
  ],
  action: [
    '{$He} [chopped onions|kneaded the dough|simmered a pot of soup|fried two eggs|baked a loaf of bread] [while the radio played|before anyone else was awake|for the neighbors].',
    '{$He} [answered|ignored|deleted|printed] [a dozen emails|the invoices|a long letter|the weekly report] and [sighed|stretched|made more tea].',
    '{$He} [repaired|painted|sanded|cleaned] the [fence|bicycle|kitchen table|front door|old bookshelf] [slowly|carefully|in an hour|without much enthusiasm].',
    '[Across the street|Downstairs|Next door], someone was [practicing the piano|mowing the lawn|arguing about football|laughing loudly].',
    '{$He} [made coffee|read the news|fed the cat|watered the plants|packed a small bag] and [left the house|looked out of the window|sat by the window].',
    '{$He} [bought|picked up] [bread|apples|a newspaper|flowers|a cheap umbrella] on the way.',
    '{$His} [phone|old radio|neighbor] [rang|buzzed|called out] twice before {$he} [answered|noticed].',
    'The streets were [quiet|busy|wet|full of tourists], and the shops were [just opening|closing early|lit up].',
    '{$He} [met|ran into|waited for] {first} at the [corner café|bus stop|bookshop|bakery].',
  ],
  event: [
    'A [letter|parcel|postcard] arrived from [an aunt in {city}|an old teacher|a company {$he} had never heard of].',
    'The [meeting|appointment|lesson|interview] was [cancelled|moved to Friday|shorter than expected|surprisingly pleasant].',
    '[Thunder rolled|Church bells rang|A siren wailed|Birds gathered] [somewhere in the distance|over the rooftops|near the river].',
    'They talked about [work|the weather|an old friend|a trip to {city}|a film they had both seen] for [a while|an hour|a few minutes].',
    'A [dog|child|street musician|delivery van] [stopped|appeared] in front of {$him}.',
    'The [power|internet|heating] went out for [an hour|a few minutes|the whole afternoon].',
    'By noon the [clouds had cleared|rain had stopped|wind had picked up].',
    '{$He} found a [letter|photograph|key|twenty-dollar bill] [on the pavement|in an old coat|under the door].',
  ],
  reflection: [
    '{$He} [realized|remembered|wondered] [how long it had been since {$he} had seen the sea|that the library closed early on {day}|whether the bakery was still open].',
    'The [evening|afternoon|night] [passed slowly|went by quickly|ended with a long phone call].',
    'It was [a small thing|nothing special|a strange day], but {$he} [smiled|felt lighter|felt tired] all the same.',
    '{$He} [decided|promised] to [call {$his} mother|start running again|finish the book|take a day off] [soon|next week|tomorrow].',
    'Later, {$he} [wrote it all down|told {first} about it|forgot about it entirely].',
    'Some days are like that.',
    'On the way home, {$he} [took the long route|stopped for tea|listened to the rain].',
  ],
};

export function makeProse(g: Grammar): Review {
  const female = g.chance(0.5);
  const vars = {
    Name: g.expand(female ? '{female}' : '{male}'),
    name: '',
    He: female ? 'She' : 'He',
    he: female ? 'she' : 'he',
    His: female ? 'Her' : 'His',
    his: female ? 'her' : 'his',
    him: female ? 'her' : 'him',
  };
  vars.name = vars.Name;
  const parts = [g.pick(PROSE.setting)];
  for (let i = g.int(1, 3); i > 0; i--) parts.push(g.pick(PROSE.action));
  if (g.chance(0.8)) parts.push(g.pick(PROSE.event));
  if (g.chance(0.7)) parts.push(g.pick(PROSE.reflection));
  const text = tidy(
    parts
      .map((t) => g.expand(t, vars))
      .join(' ')
      .replace(/(^|\. )(She|He) /, `$1${vars.Name} `)
      .replaceAll(`for ${vars.Name} at`, 'for a friend at')
      .replaceAll(`into ${vars.Name} at`, 'into an old friend at')
      .replaceAll(`met ${vars.Name} at`, 'met a friend at'),
  );
  return { text, domain: 'prose', sentiment: 'none', rating: 0 };
}
