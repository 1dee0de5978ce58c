// Named settings of a whole ensemble run. `paper` is the paper's (SPEC 3, Appendix B, Table 8): ten
// linear heads on the frozen Gemma-2b-it, batch 32, lr 1e-5, weight decay 0.001, cosine, 0.5 epoch.

import type { HeadTrainingConfig } from './head-trainer.js';
import { PAPER_TABLE_8 } from './head-trainer.js';

/** A named run: the backbone to read pairs with and the heads' settings (flags still override). */
export interface EnsemblePreset {
  readonly name: string;
  /** A backbone string for `createBackbone` (`lm:<folder or hub id>`, ...). */
  readonly backbone: string;
  readonly heads: Readonly<Partial<HeadTrainingConfig>>;
  readonly description: string;
}

/** The paper's backbone: Gemma-2b-it through `@va/lm`, from the Hugging Face cache (or the hub). */
export const PAPER_BACKBONE = 'lm:google/gemma-2b-it';

/** The paper's ensemble: K = 10 heads on the frozen Gemma-2b-it, Table 8's hyper-parameters. */
export const PAPER_PRESET: EnsemblePreset = Object.freeze({
  name: 'paper',
  backbone: PAPER_BACKBONE,
  heads: Object.freeze({ k: 10, ...PAPER_TABLE_8 }),
  description:
    'K = 10 heads on the frozen Gemma-2b-it (lm:google/gemma-2b-it), batch 32, lr 1e-5, ' +
    'weight decay 0.001, cosine, 0.5 epoch (Appendix B, Table 8)',
});

/** Every preset by name (`va-ensemble train --preset <name>`). */
export const ENSEMBLE_PRESETS: Readonly<Record<string, EnsemblePreset>> = Object.freeze({
  paper: PAPER_PRESET,
});
