// A small lexicon sentiment scorer for short review text, in the spirit of VADER (Hutto & Gilbert,
// ICWSM 2014): word polarities, negation, intensifiers, "but" contrast. Used by the offline judge.

/** Word weights: 2 for strong words, 1 for ordinary ones. */
const POSITIVE: Record<string, number> = Object.fromEntries([
  ...'masterpiece masterful brilliant superb outstanding excellent amazing wonderful fantastic magnificent perfect best loved love adore stunning breathtaking extraordinary phenomenal exceptional flawless marvelous marvellous terrific incredible unforgettable'
    .split(' ')
    .map((w) => [w, 2] as const),
  ...'good great nice fine enjoyable enjoyed enjoy fun funny charming delightful beautiful beautifully pleasant solid likable likeable liked touching moving engaging entertaining clever smart witty impressive memorable compelling satisfying recommend recommended worth worthwhile better fresh gripping powerful heartwarming sweet lovely strong favorite favourite happy glad best-selling hilarious refreshing riveting inspiring thoughtful decent'
    .split(' ')
    .map((w) => [w, 1] as const),
]);

const NEGATIVE: Record<string, number> = Object.fromEntries([
  ...'awful terrible horrible dreadful atrocious abysmal worst hate hated disaster disastrous unwatchable garbage trash pathetic appalling painful unbearable disgusting rubbish'
    .split(' ')
    .map((w) => [w, 2] as const),
  ...'bad poor boring bored dull weak mediocre disappointing disappointed disappointment waste wasted stupid silly annoying bland lame mess messy predictable forgettable tedious slow clumsy confusing confused cheap ugly worse flat lifeless pointless ridiculous overrated sad fails failed failure unfunny problem problems wrong awkward nonsense shallow sloppy dislike disliked'
    .split(' ')
    .map((w) => [w, 1] as const),
]);

const NEGATORS = new Set(
  'not no never none nobody nothing neither nor without hardly barely scarcely cannot cant dont doesnt didnt isnt wasnt arent werent wont wouldnt couldnt shouldnt havent hasnt hadnt aint'.split(
    ' ',
  ),
);
const INTENSIFIERS = new Set(
  'very really extremely incredibly truly absolutely totally utterly highly super so too especially remarkably deeply thoroughly exceptionally particularly immensely'.split(
    ' ',
  ),
);
const DIMINISHERS = new Set(
  'somewhat slightly fairly rather mildly kinda sorta partly marginally'.split(' '),
);

/** How far (in words) a negator or intensifier reaches forward, within a clause. */
const SCOPE = 3;
const NEGATED = -0.75;
const INTENSIFY = 1.5;
const DIMINISH = 0.5;
const BEFORE_BUT = 0.5;
const AFTER_BUT = 1.5;

/** Evidence of sentiment in a text. */
export interface SentimentEvidence {
  /** Total positive weight found. */
  readonly positive: number;
  /** Total negative weight found (as a positive number). */
  readonly negative: number;
  /** `(positive - negative) / (positive + negative + smoothing)`, in (-1, 1); 0 without evidence. */
  readonly polarity: number;
  /**
   * In [0, 1]: `1 - (1 - mixed)(1 - weak)`, where `mixed = 2 min(pos, neg) / (pos + neg)` is 1
   * for balanced praise and criticism and `weak = smoothing / (pos + neg + smoothing)` is 1 when
   * no sentiment word is found.
   */
  readonly ambiguity: number;
  /** Sentiment words matched. */
  readonly words: number;
}

/** Lower-case word tokens, apostrophes dropped ("didn't" -> "didnt"), clause breaks as '|'. */
function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[.,;:!?()\n]+/g, ' | ')
    .split(/[^a-z|-]+/)
    .filter(Boolean);
}

/**
 * Scores the sentiment of `text` with the built-in lexicon. Rules: each word has a weight (1 or
 * 2); a negator within 3 words before it (same clause) flips it to -0.75 times; an intensifier
 * just before multiplies by 1.5, a diminisher by 0.5; in a clause pair "X but Y" the words of X
 * count half and those of Y 1.5 times. `smoothing` (default 1) is the pseudo-evidence that pulls
 * scarce evidence toward neutral and toward ambiguity.
 */
export function scoreSentiment(text: string, smoothing = 1): SentimentEvidence {
  const tokens = tokenize(text);
  const butAt = tokens.lastIndexOf('but');
  let positive = 0;
  let negative = 0;
  let words = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const pos = POSITIVE[t];
    const neg = NEGATIVE[t];
    if (pos === undefined && neg === undefined) continue;
    words++;
    let w = pos ?? -neg!;
    for (let j = i - 1; j >= Math.max(0, i - SCOPE); j--) {
      const prev = tokens[j]!;
      if (prev === '|') break;
      if (NEGATORS.has(prev)) {
        w *= NEGATED;
        break;
      }
    }
    const before = tokens[i - 1];
    if (before !== undefined && INTENSIFIERS.has(before)) w *= INTENSIFY;
    if (before !== undefined && DIMINISHERS.has(before)) w *= DIMINISH;
    if (butAt >= 0) w *= i < butAt ? BEFORE_BUT : AFTER_BUT;
    if (w > 0) positive += w;
    else negative -= w;
  }
  const total = positive + negative;
  const mixed = total > 0 ? (2 * Math.min(positive, negative)) / total : 0;
  const weak = smoothing / (total + smoothing);
  return {
    positive,
    negative,
    polarity: total + smoothing > 0 ? (positive - negative) / (total + smoothing) : 0,
    ambiguity: 1 - (1 - mixed) * (1 - weak),
    words,
  };
}
