/**
 * Accuracy measures for the detector's benchmark: ROC AUC (the probability that a random bot row
 * scores above a random human row, ties counting half: Mann–Whitney U / (n₁·n₀)) and precision /
 * recall at a threshold.
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPos = 0;
  let nPos = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && scores[idx[j + 1]] === scores[idx[i]]) j++;
    const avgRank = (i + j) / 2 + 1; // ranks are 1-based; ties share their mean rank
    for (let k = i; k <= j; k++) {
      if (positive[idx[k]]) {
        rankSumPos += avgRank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = idx.length - nPos;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

export interface PrecisionRecall {
  threshold: number;
  flagged: number;
  precision: number;
  recall: number;
  f1: number;
}

export function precisionRecall(
  scores: ArrayLike<number>,
  positive: ArrayLike<boolean>,
  threshold: number,
): PrecisionRecall {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < scores.length; i++) {
    const flagged = scores[i] >= threshold;
    if (flagged && positive[i]) tp++;
    else if (flagged) fp++;
    else if (positive[i]) fn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { threshold, flagged: tp + fp, precision, recall, f1 };
}
