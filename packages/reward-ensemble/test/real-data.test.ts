// On real preference data (Anthropic HH-RLHF harmless-base, ../shared/data): train on one part,
// evaluate on the rest; the members must disagree beyond a constant offset (paper, Appendix B).
import { sharedDataFile, sharedDataSkipReason } from '@va/test-utils';
import { describe, expect, it } from 'vitest';
import { HashedBackbone } from '../src/hashed-backbone.js';
import { readPreferencePairs } from '../src/preference-file.js';
import { evaluateEnsemble, splitPairs, trainEnsemble } from '../src/train-ensemble.js';

const NAME = 'hh-rlhf-harmless-base-test.jsonl.gz';
const path = sharedDataFile(NAME);

describe.skipIf(!path)(
  `HH-RLHF harmless-base (${path ? 'shared data' : sharedDataSkipReason(NAME)})`,
  () => {
    it('trains 10 heads on 80% of the pairs and disagrees on the other 20%', async ({
      annotate,
    }) => {
      const file = await readPreferencePairs(path!);
      // The split dialogue format holds for all but two rows of the first 1800 (reported, skipped).
      expect(file.pairs.length).toBe(1798);
      expect(file.malformed.map((m) => m.row)).toEqual([1255, 1689]);
      const { train, test } = splitPairs(file.pairs, 0.2, 0);
      const { ensemble, training } = await trainEnsemble(new HashedBackbone(), train, {
        heads: { k: 10, seed: 0 },
      });
      const report = await evaluateEnsemble(ensemble, test);
      const { overall } = report;
      await annotate(
        `HH-RLHF (hashed backbone): test accuracy ensemble ${overall.ensembleAccuracy.toFixed(3)}, members ` +
          `${overall.memberAccuracy.map((a) => a.toFixed(3)).join(' ')}; median variance of chosen rewards ` +
          `${overall.chosenVarianceSummary.median.toExponential(2)}, of reward differences ` +
          `${overall.differenceVarianceSummary.median.toExponential(2)}`,
      );
      expect(training.trainPairs + training.validationPairs).toBe(train.length);
      // Better than chance on held-out pairs (360 pairs: chance would stay below ~0.54 at 2 SE).
      expect(overall.ensembleAccuracy).toBeGreaterThan(0.53);
      // Members disagree: the variance of the reward differences is clearly above zero for almost
      // every pair, so they differ by more than a constant offset.
      const d = overall.differenceVarianceSummary;
      expect(d.median).toBeGreaterThan(1e-4);
      expect([...overall.differenceVariance].filter((v) => v > 1e-8).length).toBeGreaterThan(
        0.95 * test.length,
      );
      // Members differ in accuracy too, not only in scale.
      expect(new Set(overall.memberAccuracy).size).toBeGreaterThan(1);
    });
  },
);
