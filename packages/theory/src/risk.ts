// Theorem 2.4: the probability that each policy does no better than the reference under the noise
// model rHat ~ N(rStar, Sigma) (Assumption 2.1), for the free closed-form policies.

import { standardNormal } from '@va/stats';
import { variances, vector } from './checks.js';

/** Risks of underperforming the reference policy. */
export interface UnderperformanceRisk {
  /** `P(<pi_v - pi0, rStar> <= 0) = Phi(-||rStar||_2^2 / ||rStar||_Sigma)`. */
  readonly vanilla: number;
  /** `P(<pi_va - pi0, rStar> <= 0) = Phi(-||rStar||_{Sigma^{-1}})`. */
  readonly varianceAware: number;
}

/**
 * Theorem 2.4. The free policies improve on `pi0` exactly when `<rHat, rStar> > 0` (vanilla) resp.
 * `<Sigma^{-1} rHat, rStar> > 0` (variance-aware); both are Gaussian, hence
 *
 *     P_vanilla = Phi( -||rStar||_2^2 / ||rStar||_Sigma ),   P_va = Phi( -||rStar||_{Sigma^{-1}} )
 *
 * with `P_va <= P_vanilla` (Cauchy-Schwarz), neither depending on epsilon. When `rStar = 0` every
 * policy ties with the reference, so both risks are 1 (the event "at most the reference" is sure).
 * `Phi` is accurate in relative terms far into the tail (`standardNormal.cdf` of @va/stats).
 */
export function underperformanceRisk(
  rStar: ArrayLike<number>,
  sigma2: ArrayLike<number>,
): UnderperformanceRisk {
  const where = 'underperformanceRisk';
  const r = vector(where, 'rStar', rStar);
  const s = variances(where, 'sigma2', sigma2, r.length, 'rStar');
  let plain = 0; // ||r||^2
  let weighted = 0; // ||r||_Sigma^2
  let inverse = 0; // ||r||_{Sigma^-1}^2
  for (let i = 0; i < r.length; i++) {
    const r2 = r[i]! * r[i]!;
    plain += r2;
    weighted += r2 * s[i]!;
    inverse += r2 / s[i]!;
  }
  if (plain === 0) return { vanilla: 1, varianceAware: 1 };
  return {
    vanilla: standardNormal.cdf(-plain / Math.sqrt(weighted)),
    varianceAware: standardNormal.cdf(-Math.sqrt(inverse)),
  };
}
