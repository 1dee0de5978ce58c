// Words and phrase templates of the synthetic review corpus (see grammar.ts for the notation).
// Keys prefixed `film:`, `restaurant:`, ... override the shared entry within that domain.

import type { Lexicon } from './grammar.js';

export const DOMAINS = ['film', 'restaurant', 'book', 'product', 'hotel', 'album', 'game'] as const;
export type Domain = (typeof DOMAINS)[number];

/** An aspect a review can praise or fault, with its own adjectives. */
export interface Aspect {
  noun: string;
  plural?: boolean;
  pos: readonly string[];
  neg: readonly string[];
}

// biome-ignore format: a data table, one entry per line
const POS = ['great', 'excellent', 'wonderful', 'superb', 'lovely', 'fantastic', 'impressive', 'solid', 'terrific', 'first-rate', 'outstanding', 'delightful', 'pleasant', 'remarkable', 'brilliant'];
// biome-ignore format: a data table, one entry per line
const NEG = ['poor', 'disappointing', 'mediocre', 'awful', 'terrible', 'weak', 'underwhelming', 'forgettable', 'sloppy', 'frustrating', 'bland', 'dreadful', 'lackluster', 'subpar'];
const a = (noun: string, pos: string[], neg: string[], plural = false): Aspect => ({
  noun,
  plural,
  pos: [...pos, ...POS.slice(0, 6)],
  neg: [...neg, ...NEG.slice(0, 6)],
});

// biome-ignore format: a data table, one entry per line
export const ASPECTS: Readonly<Record<Domain, readonly Aspect[]>> = {
  film: [
    a('acting', ['convincing', 'natural', 'moving', 'nuanced'], ['wooden', 'stiff', 'over the top', 'flat']),
    a('performances', ['convincing', 'heartfelt', 'committed', 'nuanced'], ['wooden', 'stiff', 'hammy', 'lifeless'], true),
    a('plot', ['gripping', 'clever', 'tight', 'surprising'], ['predictable', 'confusing', 'thin', 'full of holes']),
    a('script', ['sharp', 'witty', 'smart', 'well written'], ['clumsy', 'clichéd', 'heavy-handed', 'lazy']),
    a('dialogue', ['sharp', 'funny', 'natural', 'quotable'], ['stilted', 'clunky', 'cringeworthy', 'awkward']),
    a('pacing', ['brisk', 'well judged', 'patient', 'tight'], ['sluggish', 'uneven', 'glacial', 'rushed']),
    a('soundtrack', ['haunting', 'beautiful', 'memorable', 'stirring'], ['intrusive', 'generic', 'grating', 'forgettable']),
    a('cinematography', ['gorgeous', 'stunning', 'striking', 'beautiful'], ['murky', 'flat', 'dull', 'shaky']),
    a('ending', ['satisfying', 'powerful', 'perfect', 'moving'], ['abrupt', 'unsatisfying', 'silly', 'rushed']),
    a('special effects', ['seamless', 'dazzling', 'convincing', 'spectacular'], ['cheap', 'dated', 'cartoonish', 'distracting'], true),
    a('lead actor', ['magnetic', 'charming', 'excellent', 'believable'], ['miscast', 'bland', 'unconvincing', 'wooden']),
    a('supporting cast', ['strong', 'likeable', 'memorable', 'excellent'], ['wasted', 'bland', 'forgettable', 'underused']),
    a('humor', ['genuinely funny', 'sly', 'warm', 'clever'], ['forced', 'juvenile', 'tired', 'mean-spirited']),
    a('second half', ['tense', 'gripping', 'thrilling', 'emotional'], ['a slog', 'tedious', 'dull', 'messy']),
    a('runtime', ['just right', 'well used', 'tight', 'brisk'], ['bloated', 'far too long', 'exhausting', 'padded']),
  ],
  restaurant: [
    a('food', ['delicious', 'fresh', 'flavorful', 'beautifully cooked'], ['bland', 'greasy', 'cold', 'overcooked']),
    a('service', ['friendly', 'attentive', 'quick', 'warm'], ['slow', 'rude', 'careless', 'indifferent']),
    a('staff', ['friendly', 'helpful', 'welcoming', 'attentive'], ['rude', 'distracted', 'unhelpful', 'dismissive'], true),
    a('portions', ['generous', 'hearty', 'huge', 'fair'], ['tiny', 'stingy', 'small', 'laughable'], true),
    a('prices', ['reasonable', 'fair', 'a bargain', 'very fair'], ['steep', 'outrageous', 'too high', 'absurd'], true),
    a('atmosphere', ['cozy', 'relaxed', 'charming', 'lively'], ['cramped', 'noisy', 'sterile', 'gloomy']),
    a('desserts', ['heavenly', 'decadent', 'delicious', 'perfect'], ['stale', 'sickly sweet', 'dry', 'bland'], true),
    a('wine list', ['thoughtful', 'well chosen', 'generous', 'excellent'], ['overpriced', 'tiny', 'boring', 'limited']),
    a('coffee', ['rich', 'smooth', 'strong', 'perfect'], ['bitter', 'weak', 'burnt', 'lukewarm']),
    a('wait for a table', ['short', 'reasonable', 'painless', 'quick'], ['endless', 'ridiculous', 'long', 'unbearable']),
    a('bread', ['warm', 'fresh', 'crusty', 'addictive'], ['stale', 'dry', 'rubbery', 'cold']),
    a('noodles', ['springy', 'perfectly cooked', 'silky', 'fresh'], ['soggy', 'mushy', 'bland', 'overcooked'], true),
    a('tacos', ['fresh', 'packed with flavor', 'perfectly seasoned', 'crisp'], ['soggy', 'bland', 'greasy', 'sad'], true),
    a('soup', ['rich', 'comforting', 'perfectly seasoned', 'hearty'], ['watery', 'salty', 'lukewarm', 'bland']),
  ],
  book: [
    a('writing', ['elegant', 'vivid', 'lyrical', 'crisp'], ['clunky', 'overwrought', 'flat', 'repetitive']),
    a('prose', ['beautiful', 'precise', 'lyrical', 'spare'], ['purple', 'clumsy', 'dense', 'lifeless']),
    a('characters', ['vivid', 'complex', 'believable', 'memorable'], ['flat', 'unlikeable', 'one-dimensional', 'forgettable'], true),
    a('plot', ['gripping', 'intricate', 'surprising', 'compelling'], ['thin', 'predictable', 'convoluted', 'meandering']),
    a('pacing', ['steady', 'propulsive', 'perfect', 'brisk'], ['glacial', 'uneven', 'plodding', 'rushed']),
    a('ending', ['satisfying', 'devastating', 'earned', 'perfect'], ['rushed', 'unearned', 'baffling', 'limp']),
    a('research', ['meticulous', 'thorough', 'impressive', 'careful'], ['shallow', 'sloppy', 'thin', 'dated']),
    a('world-building', ['rich', 'immersive', 'inventive', 'detailed'], ['thin', 'derivative', 'confusing', 'generic']),
    a('translation', ['graceful', 'fluent', 'careful', 'elegant'], ['stiff', 'awkward', 'clumsy', 'wooden']),
    a('middle section', ['gripping', 'tense', 'rewarding', 'rich'], ['a slog', 'tedious', 'bloated', 'aimless']),
    a('recipes', ['clear', 'reliable', 'inspiring', 'easy to follow'], ['fussy', 'vague', 'unreliable', 'bland'], true),
    a('dialogue', ['sharp', 'natural', 'funny', 'alive'], ['stilted', 'wooden', 'unnatural', 'expository']),
  ],
  product: [
    a('build quality', ['sturdy', 'solid', 'premium', 'excellent'], ['flimsy', 'cheap', 'shoddy', 'fragile']),
    a('battery life', ['excellent', 'impressive', 'long', 'reliable'], ['short', 'pathetic', 'disappointing', 'unreliable']),
    a('price', ['fair', 'reasonable', 'a steal', 'very fair'], ['too high', 'steep', 'hard to justify', 'a rip-off']),
    a('design', ['sleek', 'clever', 'thoughtful', 'elegant'], ['clunky', 'awkward', 'ugly', 'bulky']),
    a('instructions', ['clear', 'simple', 'helpful', 'easy to follow'], ['confusing', 'useless', 'vague', 'missing steps'], true),
    a('customer support', ['helpful', 'responsive', 'quick', 'friendly'], ['unhelpful', 'slow', 'useless', 'rude']),
    a('sound', ['rich', 'clear', 'crisp', 'balanced'], ['tinny', 'muddy', 'harsh', 'thin']),
    a('screen', ['sharp', 'bright', 'vivid', 'crisp'], ['dim', 'washed out', 'grainy', 'dull']),
    a('fit', ['perfect', 'comfortable', 'true to size', 'snug'], ['awkward', 'too tight', 'baggy', 'uncomfortable']),
    a('setup', ['quick', 'painless', 'easy', 'simple'], ['tedious', 'confusing', 'painful', 'complicated']),
    a('motor', ['powerful', 'quiet', 'strong', 'smooth'], ['weak', 'loud', 'whiny', 'sluggish']),
    a('materials', ['soft', 'durable', 'high quality', 'premium'], ['cheap', 'scratchy', 'thin', 'flimsy'], true),
    a('app', ['simple', 'polished', 'reliable', 'intuitive'], ['buggy', 'slow', 'clunky', 'confusing']),
    a('packaging', ['neat', 'minimal', 'sturdy', 'careful'], ['wasteful', 'damaged', 'excessive', 'flimsy']),
    a('controls', ['intuitive', 'responsive', 'simple', 'well placed'], ['fiddly', 'confusing', 'unresponsive', 'awkward'], true),
    a('comfort', ['excellent', 'all-day', 'superb', 'great'], ['poor', 'nonexistent', 'awful', 'lacking']),
    a('noise level', ['low', 'pleasantly low', 'barely noticeable', 'fine'], ['deafening', 'annoying', 'ridiculous', 'high']),
    a('cushioning', ['soft', 'springy', 'supportive', 'plush'], ['hard', 'thin', 'flat', 'uneven']),
    a('zippers', ['smooth', 'sturdy', 'solid', 'reliable'], ['flimsy', 'sticky', 'cheap', 'fragile'], true),
  ],
  hotel: [
    a('room', ['spotless', 'spacious', 'quiet', 'comfortable'], ['cramped', 'dirty', 'noisy', 'shabby']),
    a('bed', ['comfortable', 'huge', 'soft', 'heavenly'], ['lumpy', 'hard', 'saggy', 'uncomfortable']),
    a('breakfast', ['generous', 'fresh', 'delicious', 'varied'], ['sad', 'cold', 'limited', 'overpriced']),
    a('location', ['perfect', 'central', 'convenient', 'quiet'], ['remote', 'noisy', 'sketchy', 'inconvenient']),
    a('staff', ['friendly', 'helpful', 'welcoming', 'professional'], ['rude', 'unhelpful', 'cold', 'careless'], true),
    a('view', ['stunning', 'breathtaking', 'lovely', 'gorgeous'], ['depressing', 'nonexistent', 'grim', 'disappointing']),
    a('pool', ['clean', 'warm', 'inviting', 'lovely'], ['dirty', 'tiny', 'freezing', 'crowded']),
    a('wifi', ['fast', 'reliable', 'free', 'solid'], ['slow', 'patchy', 'useless', 'expensive']),
    a('bathroom', ['spotless', 'modern', 'spacious', 'clean'], ['moldy', 'tiny', 'dated', 'grimy']),
    a('check-in', ['quick', 'smooth', 'friendly', 'effortless'], ['slow', 'chaotic', 'confusing', 'endless']),
  ],
  album: [
    a('vocals', ['soaring', 'warm', 'stunning', 'raw'], ['strained', 'flat', 'buried', 'grating'], true),
    a('lyrics', ['poignant', 'clever', 'honest', 'sharp'], ['trite', 'clumsy', 'shallow', 'cringeworthy'], true),
    a('production', ['crisp', 'lush', 'warm', 'polished'], ['muddy', 'overcooked', 'sterile', 'harsh']),
    a('songs', ['catchy', 'memorable', 'gorgeous', 'inventive'], ['samey', 'forgettable', 'dull', 'tuneless'], true),
    a('opening track', ['stunning', 'explosive', 'perfect', 'gorgeous'], ['limp', 'dull', 'bland', 'weak']),
    a('guitar work', ['blistering', 'tasteful', 'gorgeous', 'inventive'], ['sloppy', 'generic', 'buried', 'aimless']),
    a('second side', ['adventurous', 'gorgeous', 'strong', 'moving'], ['filler', 'dull', 'aimless', 'a drag']),
  ],
  game: [
    a('gameplay', ['addictive', 'tight', 'satisfying', 'deep'], ['repetitive', 'clunky', 'shallow', 'tedious']),
    a('graphics', ['gorgeous', 'stunning', 'detailed', 'charming'], ['ugly', 'dated', 'muddy', 'bland'], true),
    a('story', ['moving', 'gripping', 'clever', 'surprising'], ['thin', 'nonsensical', 'clichéd', 'forgettable']),
    a('controls', ['tight', 'responsive', 'intuitive', 'precise'], ['floaty', 'clumsy', 'unresponsive', 'awkward'], true),
    a('difficulty', ['fair', 'well balanced', 'rewarding', 'just right'], ['punishing', 'uneven', 'cheap', 'unfair']),
    a('soundtrack', ['catchy', 'atmospheric', 'gorgeous', 'memorable'], ['grating', 'repetitive', 'forgettable', 'annoying']),
    a('multiplayer', ['chaotic fun', 'smooth', 'addictive', 'stable'], ['laggy', 'broken', 'empty', 'unbalanced']),
    a('load times', ['short', 'quick', 'painless', 'snappy'], ['endless', 'painful', 'long', 'awful'], true),
  ],
};

/** Product kinds, each with the product aspects that make sense for it (plus the generic ones). */
// biome-ignore format: a data table, one entry per line
export const PRODUCT_KINDS: readonly { items: readonly string[]; aspects: readonly string[] }[] = [
  {
    items: ['headphones', 'bluetooth speaker', 'earbuds', 'soundbar'],
    aspects: ['sound', 'battery life', 'app', 'controls', 'comfort'],
  },
  {
    items: ['laptop', 'smartwatch', 'tablet', 'e-reader', 'phone'],
    aspects: ['screen', 'battery life', 'app', 'controls'],
  },
  {
    items: ['blender', 'coffee maker', 'kettle', 'air fryer', 'toaster', 'stand mixer', 'vacuum cleaner', 'space heater'],
    aspects: ['motor', 'controls', 'noise level'],
  },
  {
    items: ['running shoes', 'hiking boots', 'rain jacket', 'office chair', 'mattress'],
    aspects: ['fit', 'materials', 'comfort', 'cushioning'],
  },
  {
    items: ['backpack', 'suitcase', 'tent', 'duffel bag'],
    aspects: ['materials', 'zippers', 'comfort'],
  },
  {
    items: ['cordless drill', 'electric toothbrush', 'desk lamp', 'robot vacuum'],
    aspects: ['motor', 'battery life', 'controls', 'noise level'],
  },
];
// biome-ignore format: a data table, one entry per line
export const GENERIC_PRODUCT_ASPECTS = ['build quality', 'price', 'design', 'instructions', 'customer support', 'packaging', 'setup'];

// biome-ignore format: a data table, one entry per line
export const LEXICON: Lexicon = {
  // People, places, names.
  first: ['{female}', '{male}'],
  female: ['Anna', 'Carla', 'Elena', 'Grace', 'Iris', 'Kate', 'Maya', 'Nina', 'Rosa', 'Tara', 'Wendy', 'Zoe', 'Priya', 'Lucy', 'Hannah', 'Amara', 'Sofia', 'Ingrid'],
  male: ['Ben', 'David', 'Frank', 'Hugo', 'James', 'Leo', 'Omar', 'Paul', 'Sam', 'Victor', 'Yusuf', 'Marco', 'Tom', 'Daniel', 'Kenji', 'Luis', 'Felix', 'Arjun'],
  last: ['Miller', 'Novak', 'Okafor', 'Garcia', 'Chen', 'Larsen', 'Patel', 'Brennan', 'Rossi', 'Moreau', 'Kowalski', 'Sato', 'Fischer', 'Walsh', 'Duarte', 'Haddad', 'Lindqvist', 'Mbeki', 'Quinn', 'Varga', 'Abernathy', 'Nakamura', 'Delgado', 'Ferreira', 'Halloran', 'Ivanova', 'Jensen', 'Kaplan', 'Mendoza', 'Nilsen', 'Oyelaran', 'Petrov', 'Romano', 'Sullivan', 'Thornton', 'Whitaker', 'Yilmaz', 'Zhou'],
  city: ['Lisbon', 'Chicago', 'Kyoto', 'Berlin', 'Austin', 'Glasgow', 'Seville', 'Montreal', 'Prague', 'Melbourne', 'Oaxaca', 'Dublin', 'Seattle', 'Naples', 'Vienna', 'Bristol', 'Denver', 'Porto', 'Marseille', 'Helsinki', 'Nairobi', 'Hanoi', 'Edinburgh', 'Boston', 'Krakow', 'Osaka', 'Cape Town', 'Valencia', 'Lyon', 'Portland', 'Bologna', 'Tbilisi', 'Reykjavik', 'Istanbul', 'Montevideo', 'Quebec'],
  relative: ['my wife', 'my husband', 'my partner', 'my sister', 'my brother', 'my mother', 'my dad', 'my kids', 'my son', 'my daughter', 'a friend', 'two friends', 'my roommate', 'a colleague', 'my in-laws'],
  when: ['last night', 'last week', 'over the weekend', 'yesterday', 'a few days ago', 'last month', 'on Friday', 'on Sunday afternoon', 'during the holidays', 'on a rainy Tuesday'],
  number: ['two', 'three', 'four', 'five', 'six', 'ten', 'twenty'],
  intens: ['', '', '', 'really ', 'truly ', 'genuinely ', 'absolutely ', 'surprisingly ', 'consistently ', 'simply '],
  negIntens: ['', '', '', 'really ', 'painfully ', 'frankly ', 'pretty ', 'utterly ', 'surprisingly ', 'just ', 'simply '],
  // Titles and names of the things reviewed.
  titleAdj: ['Silent', 'Last', 'Crimson', 'Hollow', 'Golden', 'Broken', 'Distant', 'Quiet', 'Burning', 'Wild', 'Hidden', 'Paper', 'Winter', 'Salt', 'Glass', 'Midnight', 'Scarlet', 'Forgotten', 'Electric', 'Velvet', 'Iron', 'Lonely', 'Secret', 'Restless', 'Sleeping', 'Northern', 'Bitter', 'Tender', 'Emerald', 'Falling', 'Painted', 'Savage', 'Gentle', 'Frozen', 'Amber', 'Starless'],
  titleNoun: ['River', 'Harbor', 'Garden', 'Orchard', 'Kingdom', 'Letters', 'Stranger', 'Season', 'Lighthouse', 'Mirror', 'Horizon', 'Island', 'Station', 'Shadows', 'Bridge', 'Summer', 'Ashes', 'Compass', 'Lantern', 'Meadow', 'Cathedral', 'Voyage', 'Hunger', 'Tide', 'Feather', 'Empire', 'Valley', 'Thunder', 'Daughters', 'Machine', 'Forest', 'Echo', 'Harvest', 'Coast', 'Orbit', 'Wolves'],
  title: ['The {titleAdj} {titleNoun}', '{titleAdj} {titleNoun}', 'The {titleNoun} of {city}', 'Under the {titleAdj} {titleNoun}', 'The Last {titleNoun}', '{titleNoun} and {titleNoun}', 'Notes from {city}'],
  'film:genre': ['thriller', 'comedy', 'drama', 'documentary', 'animated film', 'horror movie', 'romantic comedy', 'western', 'science fiction film', 'period drama', 'heist movie', 'coming-of-age story', 'war film', 'musical'],
  'film:premise': ['{premiseMore}', 'a retired detective who returns to {city}', 'two sisters who inherit a failing vineyard', 'a young pilot stranded on a remote island', 'a chef trying to win back her restaurant', 'a family road trip that goes wrong', 'a small town hiding a secret', 'a con artist planning one last job', 'an astronaut coming home after a year in orbit', 'a teacher who starts a school band', 'a journalist chasing a story in {city}'],
  'book:genre': ['novel', 'memoir', 'thriller', 'cookbook', 'short story collection', 'fantasy novel', 'biography', 'history book', 'mystery', 'poetry collection', 'self-help book', 'graphic novel', 'travel book', 'debut novel'],
  'book:premise': ['{premiseMore}', 'a family in {city} over three generations', 'a lighthouse keeper and his daughter', 'the collapse of a small-town bank', 'a woman who walks across Spain', 'a detective with a secret past', 'growing up by the sea', 'the history of bread', 'a year of cooking through the seasons', 'two rival mapmakers', 'a boy who talks to ghosts'],
  'restaurant:place': ['bistro', 'taqueria', 'ramen shop', 'pizzeria', 'diner', 'steakhouse', 'noodle bar', 'bakery', 'café', 'sushi place', 'Thai restaurant', 'tapas bar', 'brunch spot', 'seafood restaurant', 'vegetarian place', 'curry house'],
  restaurantName: ["{last}'s", 'The {titleAdj} Spoon', 'Casa {first}', 'The {titleNoun} Kitchen', 'Little {city}', 'The Copper Pot', 'Blue Door', 'The Olive Tree', '{first} & {first}'],
  'restaurant:dish': ['the [grilled|roasted|braised|fried|smoked|spicy] [octopus|pork belly|cauliflower|duck|sea bass|short rib|eggplant|chicken wings|lamb shoulder|trout]', 'the [lemon|chocolate|pistachio|apple|coconut] [tart|cake|ice cream|pie|pudding]', 'the roast chicken', 'the pad thai', 'the fish tacos', 'the lasagna', 'the ramen', 'the burger', 'the lamb curry', 'the mushroom risotto', 'the pancakes', 'the salmon', 'the dumplings', 'the margherita pizza', 'the steak frites', 'the falafel plate', 'the tiramisu'],
  'product:itemAll': ['headphones', 'blender', 'vacuum cleaner', 'phone case', 'laptop', 'coffee maker', 'running shoes', 'backpack', 'desk lamp', 'kettle', 'air fryer', 'keyboard', 'rain jacket', 'tent', 'electric toothbrush', 'smartwatch', 'cordless drill', 'office chair', 'water bottle', 'space heater', 'toaster', 'bluetooth speaker', 'mattress', 'stand mixer'],
  brand: ['Nordvik', 'Acmetron', 'Pellworth', 'Zentro', 'Luma', 'Hartley', 'Orbis', 'Kestrel', 'Brightline', 'Marlow', 'Tandem', 'Vireo', 'Quillon', 'Ostara', 'Bramble', 'Solvay', 'Trident', 'Halcyon', 'Ferro', 'Wexley', 'Aurelo', 'Cobalt'],
  hotelName: ['{titleAdj} {titleNoun} Hotel', 'Hotel {last}', 'The {city} Grand', 'The {titleNoun} Inn', '{first} House', 'Hotel Belvedere', 'The Harbor Lodge'],
  artist: ['{first} {last}', 'The {titleAdj} {titleNoun}s', '{titleAdj} Parade', 'Velvet Static', 'The Northern Lights', '{first} and the {titleNoun}s'],
  gameTitle: ['{title}', '{titleNoun} Quest', '{titleAdj} Protocol', 'Legends of {city}', '{titleNoun} Tactics', 'Super {titleNoun} Rush'],
  'game:genre': ['platformer', 'role-playing game', 'puzzle game', 'strategy game', 'racing game', 'open-world adventure', 'shooter', 'farming sim', 'roguelike', 'fighting game'],
  'album:genre': ['folk', 'jazz', 'indie rock', 'synth-pop', 'hip-hop', 'country', 'ambient', 'soul', 'punk', 'classical'],
  // Openings.
  'film:opening': ['I [watched|saw|finally caught|rewatched] {$name} {when}[ with {relative}|].', '{$name} is a {genre} about {premise}.', '[Went to see|We rented|I streamed] {$name}, a {genre} about {premise}.', 'I had [high|low|no] expectations going into {$name}.', '[So|Okay, so|Well,] I [finally |]saw {$name} {when}.'],
  'restaurant:opening': ['We [went to|tried|had dinner at|stopped by|had lunch at] {$name}, a [new |small |busy |family-run |]{place} in {city}, {when}.', '{$name} is a {place} [near the station|downtown|on the corner of our street|by the harbor|in the old town].', 'I [finally |]tried {$name} [for [lunch|dinner|brunch|a birthday dinner]|after reading about it] {when}.', '[Came here|We came here] with {relative} {when}.'],
  'book:opening': ['I [read|finished|picked up|devoured|listened to the audiobook of] {$name} [by {first} {last}|] [in two days|over the holidays|on my commute|after a friend recommended it|on vacation].', '{$name} is a {genre} about {premise}.', "{first} {last}'s [new|latest|first|long-awaited] {genre}, {$name}, [follows|is about] {premise}.", 'I [wanted to love|was excited about|was skeptical of|had heard so much about] {$name}.'],
  'product:opening': ['I bought [this|the] {$name} {when}[ for {relative}| to replace my old one| for my kitchen| for the office| for a camping trip|].', '[Ordered|Got] the {$name} [on sale|after reading the reviews|as a gift|for my birthday].', 'I have been using the {$name} for [about|almost|over] {number} [weeks|months].', 'After {number} weeks with the {$name}, here are my thoughts.'],
  'hotel:opening': ['We stayed at [the |]{$name} for {number} nights [in {city}|for a conference|on our honeymoon|with {relative}|].', 'I booked {$name} [for a work trip|for a weekend away|at the last minute] {when}.', '[Spent|We spent] a [long |]weekend at {$name} in {city}.'],
  'album:opening': ["{$artist}'s [new|latest|debut|third|long-awaited] {genre} album, {$name}, [came out|was released|dropped] {when}.", 'I [have had|have been playing] {$name} by {$artist} on repeat [all week|since it came out|for days].', '{$name} is the [new|fourth|second] record from {$artist}.'],
  'game:opening': ['I [played|sank|put] [twenty|forty|about thirty|over fifty] hours into {$name}[, a {genre}|].', '{$name} is a {genre} [set in {city}|about {film:premise}|with a retro look|from a small studio].', '[Picked up|Bought|Downloaded] {$name} {when}[ on sale|].'],
  // Closings and verdicts.
  'pos:closing': ['Highly recommended.', 'Would [happily |]{again} again.', 'Five stars.', 'Worth every penny.', 'I loved it.', "Can't recommend it enough.", 'A real gem.', 'Easily one of the best this year.'],
  'neg:closing': ['Avoid.', 'Save your money.', 'Not recommended.', 'One star, and that is generous.', 'What a waste of [money|time|an evening].', 'Skip it.', 'Really disappointing[ overall|].', 'I [want|wanted] my money back.', 'Never again.'],
  'restaurant:pos:closing': ['{:pos:closing}', 'I will be back[ soon|].', "Go[, you won't regret it|].", 'We are already planning our next visit.'],
  'restaurant:neg:closing': ['{:neg:closing}', "I won't be back.", 'We will not be returning.'],
  'hotel:pos:closing': ['{:pos:closing}', 'We will be back.', "Book it[, you won't regret it|]."],
  'hotel:neg:closing': ['{:neg:closing}', 'We will not stay here again.', 'Book somewhere else.'],
  'mix:closing': ["Worth a try if you['re patient| are a fan| are in the area|r expectations are modest].", 'Three stars.', 'Decent, but not great.', 'Good, not great.', 'I am on the fence.', 'A mixed bag[ overall|].', 'Fine for the price[, I suppose|].', 'Not bad, not amazing.', 'It has its moments.'],
  again: ['buy', 'go', 'watch it', 'read it', 'stay', 'play it', 'listen'],
  'film:again': ['watch it'],
  'restaurant:again': ['go', 'eat there'],
  'book:again': ['read it', 'read more by this author'],
  'product:again': ['buy', 'order it'],
  'hotel:again': ['stay', 'book'],
  'album:again': ['listen'],
  'game:again': ['play it'],
  'pos:headline': ['Great value!', 'Loved it', 'A delight', 'Exceeded my expectations', 'Just wonderful', 'So good', 'Better than expected', 'Perfect'],
  'neg:headline': ['Disappointing', 'Do not bother', 'What a letdown', 'Not as advertised', 'Avoid', 'Very poor', 'Meh', 'Regret it'],
  'mix:headline': ['Mixed feelings', 'Good but flawed', 'Not bad', 'Almost great', 'Okay', 'Decent', 'So close'],
  contrast: ['But', 'However,', 'That said,', 'On the other hand,', 'Still,', 'Even so,', 'Then again,'],
  'neg:contrast': ['{:contrast}', 'Unfortunately,', 'Sadly though,', 'Sadly,'],
  'pos:contrast': ['{:contrast}', 'Thankfully,', 'Luckily,', 'To its credit,'],
  addition: ['Also,', 'On top of that,', 'And', 'Plus,', 'What is more,', 'Besides,', ''],
  'pos:feeling': ['I left [happy|smiling|impressed|in a great mood].', 'It made my [week|day|evening].', 'I was [pleasantly |]surprised.', 'I keep thinking about it.', 'I have already told {relative} about it.'],
  'neg:feeling': ['I left [annoyed|frustrated|disappointed].', 'It ruined my [evening|weekend].', 'I regret [it|the whole thing].', 'I expected so much more.', 'I have already warned {relative} away.'],
  'mix:feeling': ['I [left|came away] with mixed feelings.', "I [can't|cannot] decide whether I liked it.", 'It was fine, I guess.', 'Parts of it [worked|landed], parts did not.'],
  'film:anecdote': ['The theater was [half empty|packed|freezing].', '{relative} fell asleep halfway through.', 'We saw the late show.', 'The trailer gives away [too much|nothing].', 'It runs a little over two hours.', 'I watched it twice.'],
  'restaurant:anecdote': ['We had to wait {number} minutes for a table.', 'It was [packed|almost empty|loud] on a {day} night.', 'We ordered {dish} and {dish}.', 'Parking was [a nightmare|easy].', 'They do not take reservations.', 'The menu changes every week.'],
  'book:anecdote': ['It is about four hundred pages.', 'I read it in one sitting.', 'It took me a month to finish.', 'Our book club chose it this month.', 'The chapters are short.', 'I read it on the train every morning.'],
  'product:anecdote': ['It arrived [two days late|a day early|on time|in a damaged box].', 'I use it [every day|most mornings|twice a week].', 'It [replaced|replaces] a {brand} I had for years.', 'Setup took about {number} minutes.', 'It comes in [three|four|five] colors.', 'The box included a [spare cable|carrying case|manual].'],
  'hotel:anecdote': ['Our room was on the [third|fifth|top|ground] floor.', 'We arrived late at night.', 'It was a [busy|quiet] week in {city}.', 'The hotel was full of conference guests.', 'We had a room facing the [street|courtyard|sea].'],
  'album:anecdote': ['It runs about forty minutes.', 'I first heard it on a long drive.', 'The vinyl pressing is [lovely|noisy].', 'There are {number} tracks.', 'I saw them live last year.'],
  'game:anecdote': ['I played it on [the couch|a laptop|a handheld].', 'I finished the main story in about {number} days.', 'My save file got corrupted once.', 'I played it with {relative}.', 'It was on sale for half price.'],
  'film:pos:detail': ['The final scene had the whole theater in tears.', 'Every scene looks like a painting.', 'I laughed out loud more than once.', 'It never outstays its welcome.', 'The score still has me humming.', 'The twist caught me completely off guard.', 'Not a single wasted minute.'],
  'film:neg:detail': ['I checked my watch at least {number} times.', 'The twist was obvious from the first ten minutes.', 'Half the jokes fell flat.', 'The villain makes no sense.', 'The last act drags on forever.', 'Several people walked out.', 'It feels like three different movies stitched together.'],
  'restaurant:pos:detail': ['Everything tasted homemade.', 'The chef came out to say hello.', 'They brought us a free dessert.', 'We got a table by the window.', 'The bread alone is worth the trip.', 'Our server remembered us from last time.', 'Everything arrived hot and fast.'],
  'restaurant:neg:detail': ['Our order took almost an hour.', 'The soup came out cold.', 'They forgot half of our order.', 'The table was sticky.', 'We were rushed out before dessert.', 'The bill had two mistakes on it.', 'The music was so loud we could not talk.'],
  'book:pos:detail': ['I stayed up far too late to finish it.', 'Every chapter ends on a hook.', 'I underlined half of it.', 'The last page gave me chills.', 'I have already started rereading it.', 'The recipes actually work.'],
  'book:neg:detail': ['I had to force myself to finish it.', 'Nothing happens for the first hundred pages.', 'The twist is given away on the back cover.', 'It could lose a third of its length.', 'I kept losing track of who was who.', 'The ending is left hanging.'],
  'product:pos:detail': ['It charges in under an hour.', 'It still works perfectly after months of daily use.', 'It fits easily in a drawer.', 'It is much quieter than my old one.', 'Setup took five minutes.', 'It survived a fall down the stairs.', 'The battery lasts all week.'],
  'product:neg:detail': ['It stopped working after {number} weeks.', 'The handle cracked on the second day.', 'It arrived with a scratch on the front.', 'It smells of plastic.', 'The battery barely lasts a morning.', 'Support never answered my emails.', 'One of the buttons fell off.'],
  'hotel:pos:detail': ['They upgraded us to a suite for free.', 'The breakfast had fresh pastries every morning.', 'The beds were the best I have slept in.', 'We could walk to everything.', 'The staff booked a taxi for us at five in the morning.'],
  'hotel:neg:detail': ['The walls were paper thin.', 'Our room smelled of smoke.', 'The shower was lukewarm at best.', 'Construction started at seven every morning.', 'They charged us twice for parking.', 'The air conditioning rattled all night.'],
  'album:pos:detail': ['Every song could be a single.', 'The closing track gave me goosebumps.', 'It rewards repeated listens.', 'I know every word by now.', 'It sounds great on headphones.'],
  'album:neg:detail': ['Every song sounds the same.', 'I skipped half the tracks.', 'The best song is the bonus track.', 'It sounds like a rough demo.', 'I could not get through it twice.'],
  'game:pos:detail': ['I lost whole evenings to it.', 'Every level introduces a new idea.', 'It runs smoothly even on old hardware.', 'The final boss is a masterpiece.', 'I immediately started a second playthrough.'],
  'game:neg:detail': ['It crashed {number} times in the first hour.', 'The tutorial goes on forever.', 'Half the map is empty.', 'The last boss is a cheap difficulty spike.', 'It is full of microtransactions.'],
  premiseMore: ['[a|an] [ambitious|exhausted|lonely|reckless|grumpy|shy|brilliant|elderly] [nurse|farmer|violinist|mechanic|lawyer|baker|programmer|fisherman|schoolteacher|painter|boxer|librarian] [who|trying to] [inherits a haunted house|runs for mayor|hides a fugitive|loses everything in a flood|opens a bakery in {city}|searches for a missing brother|falls for a rival|builds a boat by hand|befriends a stray dog|trains for a marathon]', 'a [summer|winter|long weekend|single night|decade] [in|on the coast of|outside] {city}', 'the [rise and fall|strange history|secret life|last days] of a [famous|forgotten|notorious|beloved] [chef|magician|explorer|band|football club|newspaper|circus]'],
  day: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
  dish: ['the fries', 'a salad', 'the soup of the day', 'two desserts', 'the special'],
};
