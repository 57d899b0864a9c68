//===- CPUCostModel.h - tile sizes of CPU kernels ---------------*- C++ -*-===//
//
// Every tile size of the CPU kernels comes from here. The target is
// described by its vector width and vector register count (read by the CPU
// back end from the LLVM subtarget: 32 registers with AVX-512VL, 16 with
// AVX2) and its cache sizes.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_PASSES_CPUCOSTMODEL_H
#define DLC_PASSES_CPUCOSTMODEL_H

#include <algorithm>
#include <cstdint>

namespace dlc::cpu {

struct CPUTargetInfo {
  int64_t vectorBits = 256; // width of the vectors the kernels use
  int64_t registers = 16;   // vector registers
  int64_t l1Bytes = 32 * 1024;
  int64_t l2Bytes = 1024 * 1024;
  /// FMA and load instructions, and instructions of any kind, issued per
  /// cycle.
  double fmaPerCycle = 2, loadsPerCycle = 2, issuePerCycle = 4;
};

/// The register tile of a contraction C[M][N] += S[M][K] * V[K][N]: mr rows
/// of C (one broadcast of S each) by nr columns (nr / lanes vectors of V),
/// and how many nr-wide panels of N one parallel task computes.
struct ContractionTiles {
  int64_t lanes = 8, mr = 1, nr = 8, panelsPerTask = 1;
  /// Row tiles of M per task (all of M: the tile count rounded up).
  int64_t tilesPerTask = 1;
  /// Estimated cycles of the whole product (one core).
  double cycles = 0;
};

/// Estimated cycles of one k step of an mr x (nv vectors) tile: the FMAs,
/// the loads (nv vectors of V, mr broadcasts of S, two table reads) or the
/// issue of all of them with the loop and, when S is read in place through
/// its row offsets, one address add per row, whichever is slowest.
inline double stepCycles(const CPUTargetInfo &t, int64_t mr, int64_t nv,
                         bool sInPlace = false) {
  double fma = double(mr * nv) / t.fmaPerCycle;
  double loads = double(nv + mr + 2) / t.loadsPerCycle;
  double all = double(mr * nv + nv + mr + 2 + 3 + (sInPlace ? mr : 0)) /
               t.issuePerCycle;
  return std::max({fma, loads, all}) + 0.5;
}

/// Chooses the register tile minimizing the estimated cycles over the
/// whole (M rounded up to mr) x (N rounded up to nr) product, within the
/// register budget (accumulators + V vectors + one broadcast), then the
/// panels per task so that a batch of products splits into about
/// `targetTasks` parallel tasks.
inline ContractionTiles chooseContractionTiles(const CPUTargetInfo &t,
                                               int64_t batch, int64_t M,
                                               int64_t N, int64_t K,
                                               bool sInPlace,
                                               int64_t targetTasks = 16,
                                               int64_t minTilesPerTask = 4) {
  ContractionTiles best;
  best.lanes = std::max<int64_t>(1, t.vectorBits / 32);
  double bestCost = -1;
  for (int64_t nv = 1; nv <= 4; ++nv) {
    for (int64_t mr = 1; mr <= 8; ++mr) {
      if (mr * nv + nv + 1 > t.registers)
        continue;
      if (mr > M && mr > 1)
        continue;
      int64_t nr = nv * best.lanes;
      int64_t tilesM = (M + mr - 1) / mr, tilesN = (N + nr - 1) / nr;
      // Per tile: K steps plus the store of mr x nv vectors.
      double cost = double(tilesM * tilesN) *
                    (double(K) * stepCycles(t, mr, nv, sInPlace) +
                     double(mr * nv));
      if (bestCost < 0 || cost < bestCost * 0.999) {
        bestCost = cost;
        best.cycles = cost * double(batch);
        best.mr = mr;
        best.nr = nr;
      }
    }
  }
  int64_t panels = (N + best.nr - 1) / best.nr;
  int64_t perBatch = std::max<int64_t>(1, (targetTasks + batch - 1) / batch);
  best.panelsPerTask = std::max<int64_t>(1, (panels + perBatch - 1) / perBatch);
  // Few panels (a small N): M is split too, so that the tasks keep every
  // thread busy; a chunk keeps at least minTilesPerTask row tiles, which
  // amortize a gathered panel.
  int64_t tilesM = (M + best.mr - 1) / best.mr;
  int64_t tasks = batch * ((panels + best.panelsPerTask - 1) /
                           best.panelsPerTask);
  int64_t chunks = 1;
  if (tasks < targetTasks)
    chunks = std::min<int64_t>((targetTasks + tasks - 1) / tasks,
                               std::max<int64_t>(1, tilesM / minTilesPerTask));
  best.tilesPerTask = (tilesM + chunks - 1) / chunks;
  return best;
}

/// Rows per task of a row kernel (softmax, normalization, row reductions)
/// over `rows` rows of `rowBytes` each: the rows of one task stay within
/// half of L1 (the kernel's intermediates of a row are of the same size),
/// and there are at least 4 tasks per thread when the rows allow.
inline int64_t chooseRowTile(const CPUTargetInfo &t, int64_t rows,
                             int64_t rowBytes, int64_t threads = 2) {
  int64_t fit = std::max<int64_t>(1, t.l1Bytes / 2 / std::max<int64_t>(1, rowBytes));
  int64_t spread = std::max<int64_t>(1, (rows + 4 * threads - 1) / (4 * threads));
  return std::max<int64_t>(1, std::min({fit, spread, rows}));
}

} // namespace dlc::cpu

#endif // DLC_PASSES_CPUCOSTMODEL_H
